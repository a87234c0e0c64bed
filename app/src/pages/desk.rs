//! The supervisors' screens, the user's own account, the outbox, the
//! survey of a household and a large area's list, loaded the first time
//! one is opened: each view is a `#[lazy]` function, which
//! the build splits into a module of its own, so the first download of a
//! phone that only surveys stays small (the service worker still keeps
//! them all, so they open offline). One route (`/:page`) leads to them
//! all: a route of its own for each would cost the shell more router code
//! than `Screen` does.

use leptos::prelude::*;

use crate::pages::account::AccountPage;
use crate::pages::accounts::AccountsPage;
use crate::pages::area_list::AreaList;
use crate::pages::conflicts::ConflictsPage;
use crate::pages::coverage::CoveragePage;
use crate::pages::dispatch::DispatchPage;
use crate::pages::fields::FieldsPage;
use crate::pages::gaps::GapsPage;
use crate::pages::household::HouseholdPage;
use crate::pages::import::ImportPage;
use crate::pages::indicators::IndicatorsPage;
use crate::pages::map::MapPage;
use crate::pages::outbox::OutboxPage;
use crate::pages::review::ReviewPage;

/// A screen reached through this module, by its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Screen {
    Coverage,
    Gaps,
    Indicators,
    Dispatch,
    Review,
    Conflicts,
    Import,
    Map,
    Account,
    Accounts,
    Fields,
    Outbox,
}

impl Screen {
    /// The screen at `/{page}`.
    pub fn named(page: &str) -> Option<Screen> {
        Some(match page {
            "coverage" => Screen::Coverage,
            "gaps" => Screen::Gaps,
            "indicators" => Screen::Indicators,
            "dispatch" => Screen::Dispatch,
            "review" => Screen::Review,
            "conflicts" => Screen::Conflicts,
            "import" => Screen::Import,
            "map" => Screen::Map,
            "account" => Screen::Account,
            "accounts" => Screen::Accounts,
            "fields" => Screen::Fields,
            "outbox" => Screen::Outbox,
            _ => return None,
        })
    }
}

/// The supervisors' screens, in one module: a module for each made the
/// build cut their shared code into dozens of small ones, each fetched
/// and compiled in turn on opening any screen.
#[lazy]
fn desk_view(screen: Screen) -> AnyView {
    match screen {
        Screen::Coverage => view! { <CoveragePage /> }.into_any(),
        Screen::Gaps => view! { <GapsPage /> }.into_any(),
        Screen::Indicators => view! { <IndicatorsPage /> }.into_any(),
        Screen::Review => view! { <ReviewPage /> }.into_any(),
        Screen::Conflicts => view! { <ConflictsPage /> }.into_any(),
        Screen::Import => view! { <ImportPage /> }.into_any(),
        Screen::Accounts => view! { <AccountsPage /> }.into_any(),
        Screen::Fields => view! { <FieldsPage /> }.into_any(),
        Screen::Map => view! { <MapPage /> }.into_any(),
        // A team's own, and the dispatch report a supervisor opens once a
        // week, loaded from modules of their own by `open`.
        Screen::Account | Screen::Outbox | Screen::Dispatch => ().into_any(),
    }
}

// A team's own screens, apart from the supervisors'.
#[lazy]
fn account_view() -> AnyView {
    view! { <AccountPage /> }.into_any()
}

#[lazy]
fn outbox_view() -> AnyView {
    view! { <OutboxPage /> }.into_any()
}

#[lazy]
fn dispatch_view() -> AnyView {
    view! { <DispatchPage /> }.into_any()
}

#[lazy]
fn household_view() -> AnyView {
    view! { <HouseholdPage /> }.into_any()
}

/// A household's survey, once its module is loaded: kept out of the shell
/// like the other screens, and like them kept by the service worker, so
/// that it opens offline.
#[component]
pub fn HouseholdScreen() -> impl IntoView {
    Suspend::new(async move { household_view().await })
}

#[lazy]
fn area_list_view() -> AnyView {
    view! { <AreaList /> }.into_any()
}

/// Loads the module of a team's list for an area of many households.
pub async fn preload_area_list() {
    __preload_area_list_view().await
}

/// A team's list for an area of many households, once its module is loaded.
pub fn area_list() -> impl IntoView {
    Suspend::new(async move { area_list_view().await })
}

/// The screen, once its module is loaded.
pub fn open(screen: Screen) -> impl IntoView {
    Suspend::new(async move {
        match screen {
            Screen::Account => account_view().await,
            Screen::Outbox => outbox_view().await,
            Screen::Dispatch => dispatch_view().await,
            _ => desk_view(screen).await,
        }
    })
}
