//! Anju's phone app: log in, survey the households of a grid, watch coverage.

pub mod api;
mod components;
pub mod i18n;
mod loading;
mod pages;
mod position;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use shared::codes::Role;
use shared::wire::{Roster, SessionInfo};

use crate::i18n::{Msg, tr};
use crate::pages::coverage::CoveragePage;
use crate::pages::household::HouseholdPage;
use crate::pages::login::LoginPage;
use crate::pages::roster::RosterPage;

/// Who is logged in; `None` shows the login page.
#[derive(Clone, Copy)]
pub struct Session(pub RwSignal<Option<SessionInfo>>);

/// The caller's roster as last fetched.
#[derive(Clone, Copy)]
pub struct RosterCache(pub RwSignal<Option<Roster>>);

#[component]
pub fn App() -> impl IntoView {
    let session = RwSignal::new(None::<SessionInfo>);
    let checked = RwSignal::new(false);
    provide_context(Session(session));
    provide_context(RosterCache(RwSignal::new(None)));
    // A session cookie from an earlier visit logs the user straight in.
    spawn_local(async move {
        if let Ok(info) = api::session().await {
            session.set(Some(info));
        }
        checked.set(true);
    });
    view! {
        <Router>
            <main class="app">
                <Show
                    when=move || checked.get()
                    fallback=|| view! { <p class="status">{tr(Msg::Loading)}</p> }
                >
                    <Show
                        when=move || session.with(Option::is_some)
                        fallback=|| view! { <LoginPage /> }
                    >
                        <Routes fallback=|| view! { <Home /> }>
                            <Route path=path!("/") view=Home />
                            <Route path=path!("/households") view=RosterPage />
                            <Route path=path!("/households/:code") view=HouseholdPage />
                            <Route path=path!("/coverage") view=CoveragePage />
                        </Routes>
                    </Show>
                </Show>
            </main>
        </Router>
    }
}

/// The start page for the role: supervisors watch coverage, teams survey.
#[component]
fn Home() -> impl IntoView {
    let Session(session) = expect_context();
    let role = session.with_untracked(|s| s.as_ref().map(|s| s.role));
    match role {
        Some(Role::Admin | Role::Supervisor) => view! { <CoveragePage /> }.into_any(),
        _ => view! { <RosterPage /> }.into_any(),
    }
}
