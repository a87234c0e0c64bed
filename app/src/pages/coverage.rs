//! Supervisors: households surveyed this round, per grid.

use leptos::prelude::*;
use shared::coverage::Coverage;

use crate::api;
use crate::components::header::Header;
use crate::i18n::{Msg, tr};
use crate::loading::{ErrorBanner, fetch_into};

#[component]
pub fn CoveragePage() -> impl IntoView {
    let coverage = RwSignal::new(None::<Coverage>);
    let error = RwSignal::new(None::<String>);
    let load = move || fetch_into(api::coverage(), coverage, error);
    load();
    view! {
        <Header />
        <section class="coverage">
            <h1 class="page-title">{tr(Msg::Coverage)}</h1>
            <ErrorBanner error on_retry=Callback::new(move |()| load()) />
            {move || {
                coverage
                    .get()
                    .map(|c| {
                        view! {
                            <table class="coverage-table">
                                <thead>
                                    <tr>
                                        <th>{tr(Msg::Grid)}</th>
                                        <th>{tr(Msg::HouseholdsInRoster)}</th>
                                        <th>{tr(Msg::SurveyedThisRound)}</th>
                                        <th>"%"</th>
                                        <th>{tr(Msg::VisitedThisRound)}</th>
                                        <th>{tr(Msg::Missed)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {c
                                        .grids
                                        .into_iter()
                                        .map(|g| {
                                            let counts = g.counts;
                                            let pct = if counts.households == 0 {
                                                0.0
                                            } else {
                                                f64::from(counts.surveyed) * 100.0
                                                    / f64::from(counts.households)
                                            };
                                            view! {
                                                <tr data-testid=format!("coverage-{}", g.grid)>
                                                    <td>{g.name}</td>
                                                    <td data-testid="coverage-households">{counts.households}</td>
                                                    <td data-testid="coverage-surveyed">{counts.surveyed}</td>
                                                    <td>{format!("{pct:.1}")}</td>
                                                    <td data-testid="coverage-visited">{counts.visited}</td>
                                                    <td data-testid="coverage-missed">{counts.missed}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                    })
            }}
        </section>
    }
}
