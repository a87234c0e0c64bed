//! `cargo afl fuzz` target: `fuzz::submission` on each input. Without AFL's
//! panic hook, so that a panic the code catches on purpose (calamine's, in
//! `server::import::sheet::read`) is not a crash; any other still is.
fn main() {
    afl::fuzz_nohook!(|data: &[u8]| fuzz::submission(data));
}
