//! Supervisors: this round, one level of the tree at a time. The place
//! being looked at (the caller's own at first), its coverage and main
//! indicators, and the places one level down, the least surveyed first,
//! each a tap away; a grid's buildings open their missing households. The
//! server sums each level, so a city's screen reads a few dozen lines.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use shared::tally::Tally;
use shared::wire::{HouseholdSearch, PlaceSummary, SummaryLine};

use crate::api;
use crate::components::header::Header;
use crate::desk_text::DeskMsg;
use crate::i18n::{Msg, label, tr};
use crate::loading::{ErrorBanner, fetch_into};

/// `part` of `whole` as a percentage with one decimal.
pub fn percent(part: u32, whole: u32) -> String {
    if whole == 0 {
        return "–".into();
    }
    format!("{:.1}%", f64::from(part) * 100.0 / f64::from(whole))
}

/// Households, surveyed (with the share and a bar), visited and missed,
/// and the two indicators a supervisor acts on.
#[component]
fn Figures(tally: Tally) -> impl IntoView {
    let share = tally.surveyed_share().unwrap_or(0.0) * 100.0;
    view! {
        <div class="bar" role="presentation"><span style:width=format!("{share:.0}%")></span></div>
        <p class="figures">
            <span>{tr(DeskMsg::SurveyedThisRound)}" "
                <b data-testid="coverage-surveyed">{tally.surveyed}</b>"/"
                <b data-testid="coverage-households">{tally.households}</b>" "
                {percent(tally.surveyed, tally.households)}</span>
            <span>{tr(Msg::VisitedThisRound)}" "<b data-testid="coverage-visited">{tally.visited}</b></span>
            <span>{tr(DeskMsg::Missed)}" "<b data-testid="coverage-missed">{tally.missed}</b></span>
        </p>
        <p class="figures">
            <span>{tr(DeskMsg::EmploymentRate)}" "
                <b>{percent(tally.employed_labourers, tally.labourers)}</b></span>
            <span>{tr(DeskMsg::ZeroEmployment)}" "<b data-testid="coverage-zero">{tally.zero_employment}</b></span>
        </p>
    }
}

/// Where a line leads: the place one level down, or a building's missing
/// households.
fn link_of(line: &SummaryLine) -> (String, String) {
    match (&line.code, &line.grid) {
        (Some(code), _) => (
            format!("/coverage?place={code}"),
            format!("coverage-{code}"),
        ),
        (None, grid) => {
            let grid = grid.as_ref().map(ToString::to_string).unwrap_or_default();
            (
                format!("/gaps?grid={grid}&building={}", line.name),
                format!("coverage-{grid}-{}", line.name),
            )
        }
    }
}

#[component]
fn Line(line: SummaryLine) -> impl IntoView {
    let (href, testid) = link_of(&line);
    view! {
        <li>
            <a class="place-line" href=href data-testid=testid>
                <span class="place-name">{line.name.clone()}" "<small>{label(line.level)}</small></span>
                <Figures tally=line.tally />
            </a>
        </li>
    }
}

/// The server's search of the supervisor's whole scope: by a name, a
/// household code, or the last digits of an ID or phone number. Each
/// answer replaces the one before only if it is for what is typed now.
#[component]
fn HouseholdFinder() -> impl IntoView {
    let term = RwSignal::new(String::new());
    let hits = RwSignal::new(None::<HouseholdSearch>);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let asked = term.get().trim().to_owned();
        if asked.chars().count() < 2 {
            hits.set(None);
            return;
        }
        spawn_local(async move {
            let answer = api::search_households(asked.clone()).await;
            if term.with_untracked(|t| t.trim() != asked) {
                return;
            }
            match answer {
                Ok(found) => {
                    error.set(None);
                    hits.set(Some(found));
                }
                Err(err) => error.set(Some(err.message())),
            }
        });
    });
    view! {
        <input
            class="search"
            type="search"
            data-testid="household-search"
            placeholder=tr(DeskMsg::SearchHouseholds)
            aria-label=tr(DeskMsg::SearchHouseholds)
            bind:value=term
        />
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        {move || hits.get().map(|found| {
            let more = found.next.is_some();
            view! {
                <ul class="place-list" data-testid="household-hits">
                    {found.hits.into_iter().map(|h| view! {
                        <li>
                            <a class="place-line" href=format!("/households/{}", h.code) data-testid=format!("hit-{}", h.code)>
                                <span class="place-name">{h.head.clone().unwrap_or_default()}" "<small>{h.code.to_string()}</small></span>
                                <p class="figures">
                                    <span>{h.grid.to_string()}" "{h.building.clone()}" "{h.room.clone()}</span>
                                    <span>{h.members}{tr(Msg::People)}</span>
                                    <span>{if h.surveyed { tr(Msg::Surveyed) } else { tr(Msg::NotSurveyed) }}</span>
                                </p>
                            </a>
                        </li>
                    }).collect_view()}
                </ul>
                {more.then(|| view! { <p class="hint">{tr(DeskMsg::MoreHits)}</p> })}
            }
        })}
    }
}

#[component]
pub fn CoveragePage() -> impl IntoView {
    let query = use_query_map();
    let place = Memo::new(move |_| query.with(|q| q.get("place")));
    let summary = RwSignal::new(None::<PlaceSummary>);
    let error = RwSignal::new(None::<String>);
    let search = RwSignal::new(String::new());
    let load = move || fetch_into(api::summary(place.get_untracked()), summary, error);
    Effect::new(move |_| {
        place.track();
        search.set(String::new());
        load();
    });
    let body = move || {
        summary.get().map(|s| {
            let mut crumbs = vec![view! {
                <a href="/coverage" data-testid="crumb-top">{tr(DeskMsg::Everything)}</a>
            }
            .into_any()];
            for p in &s.path {
                crumbs.push(view! {
                    <a href=format!("/coverage?place={}", p.code) data-testid=format!("crumb-{}", p.code)>{p.name.clone()}</a>
                }.into_any());
            }
            let title = s.place.as_ref().map_or_else(|| tr(DeskMsg::Everything).to_owned(), |p| p.name.clone());
            let grid = s.children.first().and_then(|l| l.grid.clone());
            let lines = s.children.clone();
            let shown = move || {
                let wanted = search.get();
                let wanted = wanted.trim();
                lines
                    .iter()
                    .filter(|l| wanted.is_empty() || l.name.contains(wanted))
                    .cloned()
                    .map(|line| view! { <Line line /> })
                    .collect_view()
            };
            view! {
                <nav class="crumbs" aria-label=tr(DeskMsg::Path)>{crumbs}</nav>
                <h2 class="place-title">{title}</h2>
                <div class="place-total" data-testid="coverage-total"><Figures tally=s.total /></div>
                {grid.map(|grid| view! {
                    <div class="links">
                        <a class="secondary" href=format!("/gaps?grid={grid}") data-testid=format!("gaps-{grid}")>{tr(DeskMsg::MissingList)}</a>
                        <a class="secondary" href=format!("/api/v1/export?format=xlsx&grid={grid}") download data-testid=format!("export-xlsx-{grid}")>{tr(DeskMsg::ExportXlsx)}</a>
                        <a class="secondary" href=format!("/api/v1/export?format=csv&grid={grid}") download>{tr(DeskMsg::ExportCsv)}</a>
                    </div>
                })}
                <input
                    class="search"
                    type="search"
                    data-testid="place-search"
                    placeholder=tr(DeskMsg::SearchPlaces)
                    aria-label=tr(DeskMsg::SearchPlaces)
                    bind:value=search
                />
                <ul class="place-list">{shown}</ul>
            }
        })
    };
    view! {
        <Header />
        <section class="coverage">
            <h1 class="page-title">{tr(Msg::Coverage)}</h1>
            <ErrorBanner error on_retry=Callback::new(move |()| load()) />
            <HouseholdFinder />
            {body}
            <div class="page-actions">
                <a class="secondary" href="/gaps" data-testid="gaps-all">{tr(DeskMsg::MissingList)}</a>
                <a class="secondary" href="/map" data-testid="to-map">{tr(Msg::Map)}</a>
                <a class="secondary" href="/api/v1/export?format=xlsx" download data-testid="export-xlsx">{tr(DeskMsg::ExportXlsx)}</a>
            </div>
        </section>
    }
}
