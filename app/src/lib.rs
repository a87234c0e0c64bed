//! Anju's phone app: log in, survey the households of a grid, watch coverage.

pub mod api;
mod components;
mod desk_text;
mod device;
pub mod i18n;
mod leaving;
mod list_face;
mod loading;
mod outbox;
mod pages;
mod position;
mod roster_merge;
mod sync;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::hooks::use_params_map;
use leptos_router::path;
use shared::codes::Role;
use shared::wire::{Roster, SessionInfo};

use crate::device::Store;
use crate::i18n::{Msg, tr};
use crate::pages::desk::{self, HouseholdScreen, Screen};
use crate::pages::login::LoginPage;
use crate::pages::roster::RosterPage;
use crate::sync::Sync;

/// Where the last session is kept, so that the app opens offline.
pub const SESSION_KEY: &str = "session";
/// Set when a log out could not reach the server.
pub const LOGGED_OUT_KEY: &str = "logged_out";

/// Who is logged in; `None` shows the login page.
#[derive(Clone, Copy)]
pub struct Session(pub RwSignal<Option<SessionInfo>>);

/// Why the server ended the session (it expired, the account was
/// disabled), shown on the login page until the next login.
#[derive(Clone, Copy)]
pub struct SessionEnded(pub RwSignal<Option<String>>);

impl SessionEnded {
    /// The server refused the session: back to the login page, saying why.
    /// The outbox stays, as with any log out.
    pub fn by(self, session: RwSignal<Option<SessionInfo>>, err: &api::ApiError) {
        // Only a session there was can end; a first visit just logs in.
        if session.with_untracked(Option::is_some) {
            self.0.set(Some(err.message()));
        }
        session.set(None);
    }
}

/// The caller's roster as last fetched.
#[derive(Clone, Copy)]
pub struct RosterCache(pub RwSignal<Option<Roster>>);

#[component]
pub fn App() -> impl IntoView {
    let session = RwSignal::new(None::<SessionInfo>);
    let checked = RwSignal::new(false);
    let roster = RwSignal::new(None);
    let ended = SessionEnded(RwSignal::new(None));
    provide_context(Session(session));
    provide_context(RosterCache(roster));
    provide_context(ended);
    let sync = Sync::new(Session(session), RosterCache(roster), ended);
    provide_context(sync);
    // A session cookie from an earlier visit logs the user straight in; with
    // no network, the session kept on the phone does, until the server says
    // otherwise.
    // The app opens from what the phone kept, at once, and then asks the
    // server: a network round trip never stands between the user and the
    // first screen.
    spawn_local(async move {
        // A log out made offline left the cookie behind: end it first.
        let logged_out = device::get::<bool>(Store::State, LOGGED_OUT_KEY)
            .await
            .unwrap_or(false);
        let kept: Option<SessionInfo> = if logged_out {
            None
        } else {
            device::get(Store::State, SESSION_KEY).await
        };
        session.set(kept);
        checked.set(true);
        sync.start();
        if logged_out {
            if api::logout().await {
                let _ = device::delete(Store::State, LOGGED_OUT_KEY).await;
            }
            return;
        }
        match api::session().await {
            Ok(info) => {
                if session.with_untracked(|s| s.as_ref() != Some(&info)) {
                    session.set(Some(info));
                }
            }
            // Expired or ended elsewhere: log in again; the outbox stays.
            Err(err) if err.is_unauthenticated() => ended.by(session, &err),
            Err(_) => {}
        }
    });
    // Every login and logout: keep the session for offline starts, show the
    // new user's roster, and send what they left waiting.
    Effect::new(move |previous: Option<Option<String>>| {
        let info = session.get();
        let user = info.as_ref().map(|i| i.username.clone());
        if previous.is_some_and(|p| p != user) {
            spawn_local(async move {
                match info {
                    Some(info) => {
                        let _ = device::put(Store::State, SESSION_KEY, &info).await;
                        let _ = device::delete(Store::State, LOGGED_OUT_KEY).await;
                        roster.set(None);
                        sync.load_roster(&info.username).await;
                        sync.kick();
                    }
                    None => {
                        roster.set(None);
                        let _ = device::delete(Store::State, SESSION_KEY).await;
                    }
                }
            });
        }
        user
    });
    // A language switch renders everything again in the new language; the
    // state that matters lives in signals above this and on the phone's disk.
    let language = i18n::locale();
    move || {
        language.track();
        let lang = match language.get_untracked() {
            i18n::Locale::Zh => "zh-CN",
            i18n::Locale::En => "en",
        };
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang);
        }
        // Plain closures over memos rather than `Show`: the same behaviour
        // for less code in the download.
        let logged_in = Memo::new(move |_| session.with(Option::is_some));
        let must_change = Memo::new(move |_| {
            session.with(|s| s.as_ref().is_some_and(|s| s.must_change_password))
        });
        view! {
        <Router>
            <main class="app">
                {move || match (checked.get(), logged_in.get(), must_change.get()) {
                    (false, _, _) => view! { <p class="status">{tr(Msg::Loading)}</p> }.into_any(),
                    (true, false, _) => view! { <LoginPage /> }.into_any(),
                    // A one-time password opens nothing but choosing one's own.
                    (true, true, true) => view! {
                        {desk::open(Screen::Account)}
                    }.into_any(),
                    (true, true, false) => view! {
                        <Routes fallback=|| view! { <Home /> }>
                            <Route path=path!("/") view=Home />
                            <Route path=path!("/households") view=RosterPage />
                            <Route path=path!("/households/:code") view=HouseholdScreen />
                            <Route path=path!("/:page") view=DeskOrHome />
                        </Routes>
                    }.into_any(),
                }}
            </main>
        </Router>
        }
    }
}

/// A screen of `pages::desk`, or the start page for a path that names none.
#[component]
fn DeskOrHome() -> impl IntoView {
    let params = use_params_map();
    let screen = Memo::new(move |_| params.read().get("page").as_deref().and_then(Screen::named));
    move || match screen.get() {
        Some(screen) => desk::open(screen).into_any(),
        None => view! { <Home /> }.into_any(),
    }
}

/// The start page for the role: supervisors watch coverage, teams survey.
#[component]
fn Home() -> impl IntoView {
    let Session(session) = expect_context();
    let role = session.with_untracked(|s| s.as_ref().map(|s| s.role));
    match role {
        Some(Role::Admin | Role::Supervisor) => view! { <Redirect path="/coverage" /> }.into_any(),
        _ => view! { <RosterPage /> }.into_any(),
    }
}
