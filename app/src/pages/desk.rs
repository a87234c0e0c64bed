//! The supervisors' screens, and the user's own account, loaded the first
//! time one is opened: the build splits each into its own module, so a
//! phone that only surveys never downloads them.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::pages::account::AccountPage;
use crate::pages::accounts::AccountsPage;
use crate::pages::conflicts::ConflictsPage;
use crate::pages::coverage::CoveragePage;
use crate::pages::gaps::GapsPage;
use crate::pages::import::ImportPage;
use crate::pages::indicators::IndicatorsPage;
use crate::pages::map::MapPage;
use crate::pages::review::ReviewPage;

pub struct CoverageRoute;

#[lazy_route]
impl LazyRoute for CoverageRoute {
    fn data() -> Self {
        CoverageRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <CoveragePage /> }.into_any()
    }
}

pub struct GapsRoute;

#[lazy_route]
impl LazyRoute for GapsRoute {
    fn data() -> Self {
        GapsRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <GapsPage /> }.into_any()
    }
}

pub struct IndicatorsRoute;

#[lazy_route]
impl LazyRoute for IndicatorsRoute {
    fn data() -> Self {
        IndicatorsRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <IndicatorsPage /> }.into_any()
    }
}

pub struct ReviewRoute;

#[lazy_route]
impl LazyRoute for ReviewRoute {
    fn data() -> Self {
        ReviewRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <ReviewPage /> }.into_any()
    }
}

pub struct ConflictsRoute;

#[lazy_route]
impl LazyRoute for ConflictsRoute {
    fn data() -> Self {
        ConflictsRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <ConflictsPage /> }.into_any()
    }
}

pub struct ImportRoute;

#[lazy_route]
impl LazyRoute for ImportRoute {
    fn data() -> Self {
        ImportRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <ImportPage /> }.into_any()
    }
}

pub struct MapRoute;

#[lazy_route]
impl LazyRoute for MapRoute {
    fn data() -> Self {
        MapRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <MapPage /> }.into_any()
    }
}

pub struct AccountRoute;

#[lazy_route]
impl LazyRoute for AccountRoute {
    fn data() -> Self {
        AccountRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <AccountPage /> }.into_any()
    }
}

pub struct AccountsRoute;

#[lazy_route]
impl LazyRoute for AccountsRoute {
    fn data() -> Self {
        AccountsRoute
    }

    fn view(this: Self) -> AnyView {
        let _ = this;
        view! { <AccountsPage /> }.into_any()
    }
}
