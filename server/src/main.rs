use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use server::cli::{CommandError, backup, copy, generate, user};
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
    /// Create accounts, set passwords, disable and enable accounts.
    User(user::UserArgs),
    /// Copy a SQLite database, while the server runs, into a new file.
    Backup(backup::BackupArgs),
    /// Copy a SQLite database into an empty PostgreSQL one, to move to it.
    Copy(copy::CopyArgs),
    /// Write a generated city or province as roster files.
    Generate(generate::GenerateArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let Cli { command } = Cli::parse();
    let done = match command {
        Command::Serve(settings) => return serve(settings).await,
        Command::User(args) => user::run(args).await,
        Command::Backup(args) => backup::run(&args),
        Command::Copy(args) => copy::run(&args).await,
        Command::Generate(args) => generate::run(&args),
    };
    match done {
        Ok(said) => {
            println!("{said}");
            ExitCode::SUCCESS
        }
        Err(CommandError(said)) => {
            eprintln!("anju: {said}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> ExitCode {
    server::telemetry::init("info,sqlx=warn,tower_http=info", settings.log_format);
    let demo = settings.demo;
    let host = settings.host.clone();
    let scheme = if settings.tls().is_some() {
        "https"
    } else {
        "http"
    };
    let app = match server::build(settings).await {
        Ok(app) => app,
        Err(err) => {
            eprintln!("anju: {err}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(
        version = server::http::VERSION,
        port = app.port(),
        https = scheme == "https",
        "serving"
    );
    let shown_host = if host == "0.0.0.0" {
        "127.0.0.1"
    } else {
        &host
    };
    // A closed stdout (a parent that stopped reading) must not stop the server.
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "Anju is running at {scheme}://{shown_host}:{}/",
        app.port()
    );
    if let Some(port) = app.redirect_port() {
        let _ = writeln!(out, "Plain HTTP on port {port} redirects to HTTPS");
    }
    if demo {
        let _ = writeln!(
            out,
            "Demo accounts (password: demo): admin, supervisor, area (one area), surveyor (grid 1), grid (grid 1)"
        );
    }
    let _ = out.flush();
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("anju: {err}");
            ExitCode::FAILURE
        }
    }
}
