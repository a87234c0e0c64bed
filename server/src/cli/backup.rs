//! `anju backup`: a consistent copy of a SQLite database, taken while the
//! server runs and takes submissions. PostgreSQL has its own tool.

use std::path::PathBuf;

use super::copy::sqlite_file;
use super::{CommandError, backend_of, say, shell_lang};
use crate::settings::Backend;
use crate::store::sqlite_backup::{BackupError, copy};

/// `anju backup --database URL FILE`
#[derive(clap::Args)]
pub struct BackupArgs {
    /// `sqlite://PATH`; for `postgres://...` it prints the `pg_dump` command.
    #[arg(long, env = "ANJU_DATABASE_URL", default_value = "sqlite://anju.db")]
    pub database: String,
    /// The file to write; it must not exist yet.
    pub file: PathBuf,
}

/// Takes the backup and returns what to print.
pub fn run(args: &BackupArgs) -> Result<String, CommandError> {
    let lang = shell_lang();
    match backend_of(&args.database)? {
        Backend::Postgres => Err(CommandError(say(
            lang,
            &format!(
                "PostgreSQL 数据库请用 pg_dump 备份，例如：\n  pg_dump --format=custom --file {} '{}'",
                args.file.display(),
                args.database
            ),
            &format!(
                "Back up a PostgreSQL database with pg_dump, for example:\n  pg_dump --format=custom --file {} '{}'",
                args.file.display(),
                args.database
            ),
        ))),
        Backend::Sqlite => {
            let source = sqlite_file(&args.database);
            let held = copy(&source, &args.file).map_err(|err| match err {
                BackupError::TargetExists => CommandError(say(
                    lang,
                    &format!("{} 已存在，请换一个文件名", args.file.display()),
                    &format!(
                        "{} exists already; choose another name",
                        args.file.display()
                    ),
                )),
                BackupError::Sqlite(err) => CommandError(format!("backup failed: {err}")),
            })?;
            Ok(say(
                lang,
                &format!(
                    "已备份到 {}：{} 户，{} 份提交",
                    args.file.display(),
                    held.households,
                    held.submissions
                ),
                &format!(
                    "Backed up to {}: {} households, {} submissions",
                    args.file.display(),
                    held.households,
                    held.submissions
                ),
            ))
        }
    }
}
