//! Leaving the phone: a log out, or a log out that also removes what the
//! phone keeps of the roster. Neither touches the outbox, and both name the
//! captures still waiting before they go ahead.

use leptos::prelude::*;
use shared::wire::SessionInfo;

use crate::device::{self, Store};
use crate::i18n::{Msg, tr};
use crate::outbox::Entry;
use crate::{LOGGED_OUT_KEY, api};

/// Asks `question` (if any), followed by the captures that wait, each by
/// name; true to go on. With nothing to ask and nothing waiting it does not
/// ask at all.
pub fn confirm(question: Option<&str>, waiting: &[Entry]) -> bool {
    let mut text = question.map(str::to_owned).unwrap_or_default();
    if !waiting.is_empty() {
        let names: Vec<&str> = waiting.iter().map(|e| e.label.as_str()).collect();
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!(
            "{}{}{}\n{}",
            tr(Msg::LogOutWaitingBefore),
            waiting.len(),
            tr(Msg::LogOutWaitingAfter),
            names.join("\n")
        ));
    }
    text.is_empty() || window().confirm_with_message(&text).unwrap_or(false)
}

/// Ends the session here and on the server, or, offline, remembers to end
/// it there at the next start. With `forget`, also removes every roster,
/// visit list and session kept on the phone, of any user; the outbox stays.
pub async fn log_out(session: RwSignal<Option<SessionInfo>>, forget: bool) {
    // No roster write can follow once nobody is logged in.
    session.set(None);
    if forget {
        let _ = device::clear(Store::State).await;
    }
    if !api::logout().await {
        let _ = device::put(Store::State, LOGGED_OUT_KEY, &true).await;
    }
}
