//! The dispatch report (周调度 / 月调度) of a place: this week's or this
//! month's work by place one level down, with coverage and overdue items
//! now (`GET /api/v1/dispatch`). Laid out as a table that prints on A4,
//! and downloads as a workbook.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::dispatch::{Dispatch, DispatchReport};

use crate::api;
use crate::components::header::Header;
use crate::desk_text::DeskMsg;
use crate::i18n::tr;
use crate::loading::{ErrorBanner, fetch_into};

#[component]
pub fn DispatchPage() -> impl IntoView {
    let query = use_query_map();
    let place = Memo::new(move |_| query.with(|q| q.get("place")));
    let period = RwSignal::new("week");
    let report = RwSignal::new(None::<DispatchReport>);
    let error = RwSignal::new(None::<String>);
    let load = move || {
        report.set(None);
        fetch_into(
            api::dispatch(place.get_untracked(), period.get_untracked()),
            report,
            error,
        );
    };
    Effect::new(move |_| {
        place.track();
        period.track();
        load();
    });
    let download = move || {
        let place = place
            .get()
            .map(|p| format!("&place={p}"))
            .unwrap_or_default();
        format!(
            "/api/v1/dispatch?format=xlsx&period={}{place}",
            period.get()
        )
    };
    let print = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    };
    view! {
        <Header />
        <section class="dispatch">
            <h1 class="page-title">{tr(DeskMsg::DispatchTitle)}</h1>
            <div class="outcomes no-print" role="group">
                <button class="choice" aria-pressed=move || (period.get() == "week").to_string()
                    data-testid="period-week" on:click=move |_| period.set("week")>{tr(DeskMsg::ThisWeek)}</button>
                <button class="choice" aria-pressed=move || (period.get() == "month").to_string()
                    data-testid="period-month" on:click=move |_| period.set("month")>{tr(DeskMsg::ThisMonth)}</button>
                <button class="secondary" data-testid="print" on:click=print>{tr(DeskMsg::Print)}</button>
                <a class="secondary" href=download data-testid="download-xlsx" download>{tr(DeskMsg::DownloadExcel)}</a>
            </div>
            <ErrorBanner error on_retry=Callback::new(move |()| load()) />
            {move || report.get().map(|r| view! { <ReportTable report=r /> })}
        </section>
    }
}

#[component]
fn ReportTable(report: DispatchReport) -> impl IntoView {
    let place = (report.place.as_ref())
        .map_or_else(|| tr(DeskMsg::Everything).to_owned(), |p| p.name.clone());
    let heading = format!(
        "{place} · {} – {}",
        shared::day::format(report.from),
        shared::day::format(report.to)
    );
    let rows = (report.lines.iter())
        .map(|l| row(l.name.clone(), l.figures, false))
        .collect_view();
    view! {
        <h2 class="place-title" data-testid="dispatch-heading">{heading}</h2>
        <div class="table-scroll">
            <table class="report" data-testid="dispatch-table">
                <thead>
                    <tr>
                        <th>{tr(DeskMsg::PlaceColumn)}</th>
                        <th>{tr(DeskMsg::Households)}</th>
                        <th>{tr(DeskMsg::SurveyedColumn)}</th>
                        <th>{tr(DeskMsg::SurveyedShare)}</th>
                        <th>{tr(DeskMsg::SurveysDone)}</th>
                        <th>{tr(DeskMsg::VisitsDone)}</th>
                        <th>{tr(DeskMsg::NewlyZero)}</th>
                        <th>{tr(DeskMsg::ClearedZero)}</th>
                        <th>{tr(DeskMsg::ZeroEmployment)}</th>
                        <th>{tr(DeskMsg::Overdue)}</th>
                        <th>{tr(DeskMsg::ActionsDone)}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows}
                    {row(format!("{place} {}", tr(DeskMsg::Total)), report.total, true)}
                </tbody>
            </table>
        </div>
    }
}

fn row(name: String, d: Dispatch, total: bool) -> impl IntoView {
    let share = d
        .tally
        .surveyed_share()
        .map_or_else(|| "–".into(), |s| format!("{:.2}%", s * 100.0));
    let a = d.activity;
    view! {
        <tr class:total=total data-testid=if total { "dispatch-total" } else { "dispatch-line" }>
            <th scope="row">{name}</th>
            <td>{d.tally.households}</td>
            <td>{d.tally.surveyed}</td>
            <td>{share}</td>
            <td>{a.surveys}</td>
            <td>{a.visits}</td>
            <td>{a.newly_zero_employment}</td>
            <td>{a.cleared_zero_employment}</td>
            <td>{d.tally.zero_employment}</td>
            <td class:overdue=d.tally.overdue.gt(&0)>{d.tally.overdue}</td>
            <td>{a.actions}</td>
        </tr>
    }
}
