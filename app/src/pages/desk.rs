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
pub enum Screen {
    Coverage,
    Gaps,
    Indicators,
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

#[lazy]
fn coverage_view() -> AnyView {
    view! { <CoveragePage /> }.into_any()
}

#[lazy]
fn gaps_view() -> AnyView {
    view! { <GapsPage /> }.into_any()
}

#[lazy]
fn indicators_view() -> AnyView {
    view! { <IndicatorsPage /> }.into_any()
}

#[lazy]
fn review_view() -> AnyView {
    view! { <ReviewPage /> }.into_any()
}

#[lazy]
fn conflicts_view() -> AnyView {
    view! { <ConflictsPage /> }.into_any()
}

#[lazy]
fn import_view() -> AnyView {
    view! { <ImportPage /> }.into_any()
}

#[lazy]
fn map_view() -> AnyView {
    view! { <MapPage /> }.into_any()
}

#[lazy]
fn account_view() -> AnyView {
    view! { <AccountPage /> }.into_any()
}

#[lazy]
fn accounts_view() -> AnyView {
    view! { <AccountsPage /> }.into_any()
}

#[lazy]
fn fields_view() -> AnyView {
    view! { <FieldsPage /> }.into_any()
}

#[lazy]
fn outbox_view() -> AnyView {
    view! { <OutboxPage /> }.into_any()
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
            Screen::Coverage => coverage_view().await,
            Screen::Gaps => gaps_view().await,
            Screen::Indicators => indicators_view().await,
            Screen::Review => review_view().await,
            Screen::Conflicts => conflicts_view().await,
            Screen::Import => import_view().await,
            Screen::Map => map_view().await,
            Screen::Account => account_view().await,
            Screen::Accounts => accounts_view().await,
            Screen::Fields => fields_view().await,
            Screen::Outbox => outbox_view().await,
        }
    })
}
