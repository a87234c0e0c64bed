use std::io::Write;

use clap::{Parser, Subcommand};
use server::settings::Settings;

/// A request allocates and frees many small buffers (JSON, rows); mimalloc
/// does that with less work and less contention between threads than the
/// system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Anju: the labour survey of resettled households.
#[derive(Parser)]
#[command(name = "anju", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the app.
    Serve(Settings),
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let Cli { command } = Cli::parse();
    let Command::Serve(settings) = command;
    server::telemetry::init("info,sqlx=warn,tower_http=info");
    let demo = settings.demo;
    let host = settings.host.clone();
    let app = match server::build(settings).await {
        Ok(app) => app,
        Err(err) => {
            eprintln!("anju: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let shown_host = if host == "0.0.0.0" {
        "127.0.0.1"
    } else {
        &host
    };
    // A closed stdout (a parent that stopped reading) must not stop the server.
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "Anju is running at http://{shown_host}:{}/",
        app.port()
    );
    if demo {
        let _ = writeln!(
            out,
            "Demo accounts (password: demo): admin, supervisor, area (one area), surveyor (grid 1), grid (grid 1)"
        );
    }
    let _ = out.flush();
    match app.run_until_stopped().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("anju: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
