//! The commands beside `anju serve`: accounts (`anju user`), backups
//! (`anju backup`), moving to PostgreSQL (`anju copy`), for an
//! administrator at the server's shell; and generated roster files at a
//! city's or a province's size (`anju generate`).

pub mod backup;
pub mod copy;
pub mod generate;
pub mod user;

use crate::http::error::Lang;
use crate::settings::Backend;

/// Why a command failed: a sentence for the administrator, in their language.
#[derive(Debug)]
pub struct CommandError(pub String);

/// The language of the shell: Chinese when the locale asks for it.
pub fn shell_lang() -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
        .unwrap_or_default();
    if locale.starts_with("zh") {
        Lang::Zh
    } else {
        Lang::En
    }
}

/// The text in the shell's language.
pub fn say(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// The database a URL names, or a sentence saying what is wrong with it.
pub fn backend_of(url: &str) -> Result<Backend, CommandError> {
    Backend::of_url(url).map_err(CommandError)
}
