// The app's built bundle is embedded from app/dist. A server built before
// the app still compiles: it then answers that the app is not built.
fn main() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/dist");
    if !dist.exists() {
        std::fs::create_dir_all(&dist).expect("create app/dist");
    }
    println!("cargo:rerun-if-changed=../app/dist");
    println!("cargo:rerun-if-changed=migrations");
}
