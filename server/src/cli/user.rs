//! `anju user`: the first administrator and any account, from the shell.
//! A password comes from the first line of standard input or from
//! `ANJU_PASSWORD`, never from a flag, which would stay in the history.

use std::io::{BufRead, IsTerminal, Write};

use shared::codes::{Code, Role};
use shared::validate::Issue;
use shared::wire::NewUser;

use super::{CommandError, backend_of, say, shell_lang};
use crate::accounts::{self, AccountError};
use crate::http::error::Lang;
use crate::settings::Backend;
use crate::store::{Access, Postgres, Sqlite, Store};

/// `anju user ...`
#[derive(clap::Args)]
pub struct UserArgs {
    /// `sqlite://PATH` or `postgres://...`, as for `anju serve`.
    #[arg(
        long,
        env = "ANJU_DATABASE_URL",
        default_value = "sqlite://anju.db",
        global = true
    )]
    pub database: String,
    #[command(subcommand)]
    pub action: UserAction,
}

#[derive(clap::Subcommand)]
pub enum UserAction {
    /// Create an account; the password is read from standard input.
    Add {
        username: String,
        /// admin, supervisor, surveyor, grid_member or building_head.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The name the app shows (显示名); the username if left out.
        #[arg(long)]
        name: Option<String>,
        /// Where the account works (工作地点): a place's code, or a name
        /// only one place has. A team's area or grid, a grid member's or
        /// building head's grid, a supervisor's place; none for an
        /// administrator or a supervisor of everything.
        #[arg(long)]
        place: Option<String>,
        /// A building head's building in that grid.
        #[arg(long)]
        building: Option<String>,
    },
    /// Set a new password (read from standard input) and end the user's sessions.
    Password { username: String },
    /// Stop an account from logging in; its phones are logged out at their next request.
    Disable { username: String },
    /// Let a disabled account log in again.
    Enable { username: String },
}

fn parse_role(raw: &str) -> Result<Role, String> {
    Role::from_code(raw)
        .ok_or_else(|| "use admin, supervisor, surveyor, grid_member or building_head".to_owned())
}

/// Runs an `anju user` command and returns what it did, to print.
pub async fn run(args: UserArgs) -> Result<String, CommandError> {
    let lang = shell_lang();
    match backend_of(&args.database)? {
        Backend::Sqlite => {
            let store = Sqlite::open(&args.database).await.map_err(open_failed)?;
            act(&store, args.action, lang).await
        }
        Backend::Postgres => {
            let store = Postgres::open(&args.database).await.map_err(open_failed)?;
            act(&store, args.action, lang).await
        }
    }
}

fn open_failed(err: crate::store::StoreError) -> CommandError {
    CommandError(format!("could not open the database: {err}"))
}

async fn act<S: Store>(store: &S, action: UserAction, lang: Lang) -> Result<String, CommandError> {
    let explain = |err: AccountError| CommandError(explain(&err, lang));
    match action {
        UserAction::Add {
            username,
            role,
            name,
            place,
            building,
        } => {
            let new = NewUser {
                display_name: name.unwrap_or_else(|| username.clone()),
                password: Some(read_password(lang)?),
                username,
                role,
                place,
                building,
            };
            let user = accounts::add(store, new).await.map_err(explain)?.user;
            let role_name = match lang {
                Lang::Zh => user.role.zh(),
                Lang::En => user.role.en(),
            };
            Ok(say(
                lang,
                &format!(
                    "已创建账号 {}（{}，{}）",
                    user.username, user.display_name, role_name
                ),
                &format!(
                    "Created account {} ({}, {})",
                    user.username, user.display_name, role_name
                ),
            ))
        }
        UserAction::Password { username } => {
            let password = read_password(lang)?;
            accounts::set_password(store, &username, password)
                .await
                .map_err(explain)?;
            Ok(say(
                lang,
                &format!("已为 {username} 设置新密码，其已登录的设备需重新登录"),
                &format!("Set a new password for {username}; their devices must log in again"),
            ))
        }
        UserAction::Disable { username } => {
            set_access(store, &username, Access::Disabled, lang).await?;
            Ok(say(
                lang,
                &format!("已停用 {username}，其设备将在下次联网时退出登录"),
                &format!("Disabled {username}; their devices log out at their next request"),
            ))
        }
        UserAction::Enable { username } => {
            set_access(store, &username, Access::Enabled, lang).await?;
            Ok(say(
                lang,
                &format!("已启用 {username}"),
                &format!("Enabled {username}"),
            ))
        }
    }
}

async fn set_access<S: Store>(
    store: &S,
    username: &str,
    access: Access,
    lang: Lang,
) -> Result<(), CommandError> {
    let found = store
        .set_access(username, access)
        .await
        .map_err(|err| CommandError(explain(&AccountError::Store(err), lang)))?;
    if found {
        Ok(())
    } else {
        Err(CommandError(explain(&AccountError::UnknownUser, lang)))
    }
}

/// The first line of standard input, or `ANJU_PASSWORD`.
fn read_password(lang: Lang) -> Result<String, CommandError> {
    if let Ok(password) = std::env::var("ANJU_PASSWORD") {
        return Ok(password);
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let mut err = std::io::stderr();
        let _ = write!(err, "{}", say(lang, "密码：", "Password: "));
        let _ = err.flush();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|err| CommandError(format!("could not read the password: {err}")))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// A sentence for each way an account change fails.
fn explain(err: &AccountError, lang: Lang) -> String {
    match err {
        AccountError::Invalid(issues) => issues
            .iter()
            .map(|Issue { path, code }| match lang {
                Lang::Zh => format!("{path}：{}", code.zh()),
                Lang::En => format!("{path}: {}", code.en()),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        AccountError::UsernameTaken => say(lang, "该用户名已被使用", "The username is taken"),
        AccountError::UnknownUser => say(lang, "没有这个用户", "There is no such user"),
        AccountError::Store(err) => format!("{}: {err}", say(lang, "数据库错误", "database error")),
        AccountError::Hashing(detail) => detail.clone(),
    }
}
