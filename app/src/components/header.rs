//! The bar at the top: who is logged in, where to go, the sync state, log out.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::codes::Role;

use crate::i18n::{Locale, Msg, label, locale, tr};
use crate::sync::Sync;
use crate::{Session, leaving};

#[component]
pub fn Header() -> impl IntoView {
    let Session(session) = expect_context();
    let sync: Sync = expect_context();
    let info = session.get_untracked();
    let name = info
        .as_ref()
        .map(|s| s.display_name.clone())
        .unwrap_or_default();
    let role = info.as_ref().map(|s| label(s.role)).unwrap_or_default();
    let supervises = info
        .as_ref()
        .is_some_and(|s| matches!(s.role, Role::Admin | Role::Supervisor));
    let administers = info.as_ref().is_some_and(|s| s.role == Role::Admin);
    // The round moves on at a quarter's end while the app is open.
    let round =
        move || session.with(|s| s.as_ref().map(|s| s.round.to_string()).unwrap_or_default());
    let navigate = leptos_router::hooks::use_navigate();
    let log_out = move |_| {
        // Waiting captures stay on the phone for this user's next login;
        // say so before the user walks away thinking they were sent.
        if leaving::confirm(None, &sync.waiting()) {
            // The next user starts from their own home page.
            navigate("/", Default::default());
            spawn_local(leaving::log_out(session, false));
        }
    };
    view! {
        <header class="top-bar">
            // Name and role open the user's own account: one thumb-sized target.
            <a href="/account" class="who" data-testid="nav-account">
                <strong data-testid="user-name">{name}</strong>
                <span class="role" data-testid="user-round">{role}" · "{round}</span>
            </a>
            // Beside the name, so the screens' links keep a row of their own.
            <div class="account">
                <LanguageSwitch />
                <button class="nav-link quiet" on:click=log_out data-testid="log-out">
                    {tr(Msg::LogOut)}
                </button>
            </div>
            <nav class="nav">
                <a href="/households" class="nav-link" data-testid="nav-households">{tr(Msg::Households)}</a>
                {(!supervises).then(|| view! {
                    <a href="/map" class="nav-link" data-testid="nav-map">{tr(Msg::Map)}</a>
                })}
                {supervises.then(|| view! {
                    <a href="/coverage" class="nav-link" data-testid="nav-coverage">{tr(Msg::Coverage)}</a>
                    <a href="/review" class="nav-link" data-testid="nav-review">{tr(Msg::Review)}</a>
                    <a href="/indicators" class="nav-link" data-testid="nav-indicators">{tr(Msg::Indicators)}</a>
                    <a href="/accounts" class="nav-link" data-testid="nav-accounts">{tr(Msg::AccountsNav)}</a>
                })}
                {administers.then(|| view! {
                    <a href="/fields" class="nav-link" data-testid="nav-fields">{tr(Msg::FieldsNav)}</a>
                })}
            </nav>
        </header>
        <SyncBar />
    }
}

/// 中文 / English.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let switch = move |_| {
        let next = match locale().get_untracked() {
            Locale::Zh => Locale::En,
            Locale::En => Locale::Zh,
        };
        crate::i18n::choose(next);
    };
    view! {
        <button class="nav-link quiet" on:click=switch data-testid="language">
            {tr(Msg::OtherLanguage)}
        </button>
    }
}

/// Online or not, what waits to be sent, and when the server last answered.
#[component]
fn SyncBar() -> impl IntoView {
    let sync: Sync = expect_context();
    // A refused capture and a returned survey both wait on the user.
    let counts = move || {
        sync.outbox.with(|_| {
            let waiting = sync.waiting();
            let refused = waiting.iter().filter(|e| e.problem.is_some()).count();
            (waiting.len(), refused + sync.returned().len())
        })
    };
    let last = move || {
        sync.last_sync
            .get()
            .map(|at| format!("{}{}", tr(Msg::LastSync), clock(at)))
            .unwrap_or_else(|| tr(Msg::NeverSynced).to_owned())
    };
    view! {
        <a
            href="/outbox"
            class="sync-bar"
            class:offline=move || !sync.online.get()
            data-testid="sync-bar"
        >
            <span class="sync-dot" aria-hidden="true"></span>
            <span>{move || if sync.online.get() { tr(Msg::Online) } else { tr(Msg::Offline) }}</span>
            <span data-testid="outbox-count">{tr(Msg::WaitingCount)}{move || counts().0}</span>
            {move || {
                let refused = counts().1;
                (refused > 0).then(|| view! {
                    <span class="sync-alert" data-testid="refused-count">{tr(Msg::NeedsAction)}" "{refused}</span>
                })
            }}
            <span class="sync-last">{last}</span>
        </a>
    }
}

/// Month, day and local time of `millis` since the epoch, as the phone shows it.
pub fn clock(millis: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis));
    format!(
        "{:02}-{:02} {:02}:{:02}",
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}
