//! The supervisors' screens, loaded the first time one is opened: the
//! build splits each into its own module, so a phone that only surveys
//! never downloads them.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::pages::coverage::CoveragePage;
use crate::pages::gaps::GapsPage;
use crate::pages::indicators::IndicatorsPage;

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
