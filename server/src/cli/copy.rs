//! `anju copy`: a county's data from its SQLite file into PostgreSQL, for
//! the move to a database several servers share.

use std::path::PathBuf;

use super::{CommandError, backend_of, say, shell_lang};
use crate::settings::Backend;
use crate::store::transfer::{TransferError, sqlite_to_postgres};

/// `anju copy --from sqlite://PATH --to postgres://...`
#[derive(clap::Args)]
pub struct CopyArgs {
    /// The SQLite database to copy from; stop the server first, or what
    /// it takes after the copy begins stays behind.
    #[arg(long)]
    pub from: String,
    /// The PostgreSQL database to copy into; it must hold no grid and no user.
    #[arg(long)]
    pub to: String,
}

/// Copies and returns what to print.
pub async fn run(args: &CopyArgs) -> Result<String, CommandError> {
    let lang = shell_lang();
    if backend_of(&args.from)? != Backend::Sqlite || backend_of(&args.to)? != Backend::Postgres {
        return Err(CommandError(say(
            lang,
            "只能从 sqlite://… 复制到 postgres://…",
            "Copy from sqlite://… to postgres://…",
        )));
    }
    let source = sqlite_file(&args.from);
    if !source.exists() {
        return Err(CommandError(say(
            lang,
            &format!("找不到数据库文件 {}", source.display()),
            &format!("There is no database file {}", source.display()),
        )));
    }
    let copied = sqlite_to_postgres(&source, &args.to)
        .await
        .map_err(|err| match err {
            TransferError::TargetNotEmpty => CommandError(say(
                lang,
                "目标 PostgreSQL 数据库中已有安居的数据，请复制到一个空数据库",
                "The PostgreSQL database already holds Anju's data; copy into an empty one",
            )),
            other => CommandError(format!("copy failed, nothing was written: {other}")),
        })?;
    let lines: Vec<String> = copied
        .iter()
        .map(|(table, n)| format!("  {table}: {n}"))
        .collect();
    Ok(format!(
        "{}\n{}",
        say(lang, "已复制：", "Copied:"),
        lines.join("\n")
    ))
}

/// The file a `sqlite:` URL names, without its query string.
pub fn sqlite_file(url: &str) -> PathBuf {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    PathBuf::from(rest.split('?').next().unwrap_or(rest))
}
