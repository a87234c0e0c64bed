//! The bar at the top: who is logged in, where to go, log out.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::codes::Role;

use crate::i18n::{Msg, label, tr};
use crate::{RosterCache, Session, api};

#[component]
pub fn Header() -> impl IntoView {
    let Session(session) = expect_context();
    let RosterCache(roster) = expect_context();
    let info = session.get_untracked();
    let name = info
        .as_ref()
        .map(|s| s.display_name.clone())
        .unwrap_or_default();
    let role = info.as_ref().map(|s| label(s.role)).unwrap_or_default();
    let supervises = info
        .as_ref()
        .is_some_and(|s| matches!(s.role, Role::Admin | Role::Supervisor));
    let round = info.map(|s| s.round.to_string()).unwrap_or_default();
    let navigate = leptos_router::hooks::use_navigate();
    let log_out = move |_| {
        // The next user starts from their own home page.
        navigate("/", Default::default());
        spawn_local(async move {
            api::logout().await;
            roster.set(None);
            session.set(None);
        });
    };
    view! {
        <header class="top-bar">
            <div class="who">
                <strong data-testid="user-name">{name}</strong>
                <span class="role">{role}" · "{round}</span>
            </div>
            <nav class="nav">
                <a href="/households" class="nav-link" data-testid="nav-households">{tr(Msg::Households)}</a>
                <Show when=move || supervises>
                    <a href="/coverage" class="nav-link" data-testid="nav-coverage">{tr(Msg::Coverage)}</a>
                </Show>
                <button class="nav-link quiet" on:click=log_out data-testid="log-out">
                    {tr(Msg::LogOut)}
                </button>
            </nav>
        </header>
    }
}
