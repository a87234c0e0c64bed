//! Starting the real `anju` binary in a process of its own, for the tests
//! and benchmarks that kill it or measure it from outside.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Starts `anju serve --port 0` with `args`, logging at `log` (`None`: the
/// binary's default); returns the process and its address, `host:port`.
/// `ANJU_BIN` names another build to run.
pub fn start_anju(args: &[&str], log: Option<&str>) -> (Child, String) {
    let binary = std::env::var("ANJU_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_anju").into());
    let mut command = Command::new(binary);
    command.args(["serve", "--port", "0"]).args(args);
    match log {
        Some(level) => command.env("RUST_LOG", level),
        None => command.env_remove("RUST_LOG"),
    };
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("anju starts");
    let stdout = child.stdout.take().expect("stdout piped");
    let mut lines = BufReader::new(stdout).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("anju prints its address")
            .expect("utf-8");
        if let Some(rest) = line.split("running at http://").nth(1) {
            break rest.trim_end_matches('/').to_owned();
        }
    };
    // Keep reading, so the server never writes into a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, address)
}
