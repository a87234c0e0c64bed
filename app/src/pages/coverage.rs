//! Supervisors: this round's coverage, the scope, each grid and, one tap
//! further, each building; from a grid, the households still missing and
//! the ledger to download.

use leptos::prelude::*;
use shared::coverage::{Counts, Coverage};

use crate::api;
use crate::components::header::Header;
use crate::desk_text::DeskMsg;
use crate::i18n::{Msg, tr};
use crate::loading::{ErrorBanner, fetch_into};

/// `part` of `whole` as a percentage with one decimal.
pub fn percent(part: u32, whole: u32) -> String {
    if whole == 0 {
        return "–".into();
    }
    format!("{:.1}%", f64::from(part) * 100.0 / f64::from(whole))
}

/// One row of the table: a grid, a building or the whole scope.
#[component]
fn CountsRow(
    name: String,
    counts: Counts,
    testid: String,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] on_tap: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <tr data-testid=testid class=class on:click=move |_| {
            if let Some(tap) = on_tap {
                tap.run(())
            }
        }>
            <td>{name}</td>
            <td data-testid="coverage-households">{counts.households}</td>
            <td data-testid="coverage-surveyed">{counts.surveyed}</td>
            <td>{percent(counts.surveyed, counts.households)}</td>
            <td data-testid="coverage-visited">{counts.visited}</td>
            <td data-testid="coverage-missed">{counts.missed}</td>
        </tr>
    }
}

#[component]
pub fn CoveragePage() -> impl IntoView {
    let coverage = RwSignal::new(None::<Coverage>);
    let error = RwSignal::new(None::<String>);
    let open = RwSignal::new(None::<String>);
    let navigate = leptos_router::hooks::use_navigate();
    let load = move || fetch_into(api::coverage(), coverage, error);
    load();
    let table = move || {
        coverage.get().map(|c| {
            // Each area's line heads its grids, which come in area order.
            let mut areas = c.areas.clone().into_iter().peekable();
            let to_gaps = navigate.clone();
            let mut area_row = move |area: &str| {
                areas.next_if(|a| a.area == area && !a.area.is_empty()).map(|a| {
                    // An area's line opens its missing households.
                    let to = format!("/gaps?area={}", a.area);
                    let navigate = to_gaps.clone();
                    let tap = Callback::new(move |()| navigate(&to, Default::default()));
                    view! {
                        <tbody>
                            <CountsRow
                                name=a.area.clone()
                                counts=a.counts
                                testid=format!("coverage-area-{}", a.area)
                                class="area-row"
                                on_tap=tap
                            />
                        </tbody>
                    }
                })
            };
            let rows = c
                .grids
                .into_iter()
                .map(|g| {
                    let heading = area_row(&g.area);
                    let code = g.grid.to_string();
                    let shown = {
                        let code = code.clone();
                        move || open.get().as_deref() == Some(code.as_str())
                    };
                    let toggle = {
                        let code = code.clone();
                        Callback::new(move |()| {
                            open.update(|o| *o = if o.as_deref() == Some(&code) { None } else { Some(code.clone()) })
                        })
                    };
                    let buildings = {
                        let (list, code) = (g.buildings.clone(), code.clone());
                        let navigate = navigate.clone();
                        move || {
                            list.iter()
                                .map(|b| {
                                    // A building's line opens its missing households.
                                    let to = format!("/gaps?grid={code}&building={}", b.building);
                                    let navigate = navigate.clone();
                                    let tap = Callback::new(move |()| navigate(&to, Default::default()));
                                    view! {
                                        <CountsRow
                                            name=b.building.clone()
                                            counts=b.counts
                                            testid=format!("coverage-{code}-{}", b.building)
                                            class="building-row"
                                            on_tap=tap
                                        />
                                    }
                                })
                                .collect_view()
                        }
                    };
                    let gaps = format!("/gaps?grid={code}");
                    let xlsx = format!("/api/v1/export?format=xlsx&grid={code}");
                    let csv = format!("/api/v1/export?format=csv&grid={code}");
                    view! {
                        {heading}
                        <tbody>
                            <CountsRow
                                name=format!("{} ▾", g.name)
                                counts=g.counts
                                testid=format!("coverage-{code}")
                                class="grid-row"
                                on_tap=toggle
                            />
                            {move || shown().then(|| view! {
                                {buildings.clone()}
                                <tr class="grid-actions">
                                    <td colspan="6">
                                        <div class="links">
                                            <a class="secondary" href=gaps.clone() data-testid=format!("gaps-{code}")>{tr(DeskMsg::MissingList)}</a>
                                            <a class="secondary" href=xlsx.clone() download data-testid=format!("export-xlsx-{code}")>{tr(DeskMsg::ExportXlsx)}</a>
                                            <a class="secondary" href=csv.clone() download>{tr(DeskMsg::ExportCsv)}</a>
                                        </div>
                                    </td>
                                </tr>
                            })}
                        </tbody>
                    }
                })
                .collect_view();
            view! {
                <table class="coverage-table">
                    <thead>
                        <tr>
                            <th>{tr(DeskMsg::Grid)}</th>
                            <th>{tr(DeskMsg::HouseholdsInRoster)}</th>
                            <th>{tr(DeskMsg::SurveyedThisRound)}</th>
                            <th>"%"</th>
                            <th>{tr(Msg::VisitedThisRound)}</th>
                            <th>{tr(DeskMsg::Missed)}</th>
                        </tr>
                    </thead>
                    {rows}
                    <tfoot>
                        <CountsRow name=tr(DeskMsg::Total).to_owned() counts=c.total testid="coverage-total".into() />
                    </tfoot>
                </table>
                <p class="status">{tr(DeskMsg::TapGrid)}</p>
            }
        })
    };
    view! {
        <Header />
        <section class="coverage">
            <h1 class="page-title">{tr(Msg::Coverage)}</h1>
            <ErrorBanner error on_retry=Callback::new(move |()| load()) />
            {table}
            <div class="page-actions">
                <a class="secondary" href="/gaps" data-testid="gaps-all">{tr(DeskMsg::MissingList)}</a>
                <a class="secondary" href="/map" data-testid="to-map">{tr(Msg::Map)}</a>
                <a class="secondary" href="/api/v1/export?format=xlsx" download data-testid="export-xlsx">{tr(DeskMsg::ExportXlsx)}</a>
            </div>
        </section>
    }
}
