//! Supervisors: the round's indicators, one level of the tree at a time,
//! as the coverage screen goes: the place's figures and, side by side in
//! charts, those of each place one level down, from the sums the server
//! keeps (`GET /api/v1/summary`), then its trends and follow-up lists
//! (`pages/follow_up.rs`, a module of its own). From a resettlement area down,
//! where they are a few hundred, the charts by channel and by added field
//! (`GET /api/v1/indicators?place=`).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::codes::{Channel, Level};
use shared::indicators::IndicatorReport;
use shared::wire::{PlaceSummary, SummaryLine};

use crate::api;
use crate::components::chart::{Bar, BarChart};
use crate::components::header::Header;
use crate::desk_text::DeskMsg;
use crate::i18n::{Msg, both, label, tr};
use crate::loading::{ErrorBanner, fetch_into};
use crate::pages::follow_up::follow_ups;

fn rate(value: Option<f64>) -> String {
    value.map_or_else(|| "–".into(), |v| format!("{:.2}%", v * 100.0))
}

/// Whether a place is small enough for its households to be listed: a
/// resettlement area or anything under one.
fn lists_households(summary: &PlaceSummary) -> bool {
    summary
        .place
        .as_ref()
        .is_some_and(|p| matches!(p.level, Level::Area | Level::Grid | Level::Building))
}

#[component]
pub fn IndicatorsPage() -> impl IntoView {
    let query = use_query_map();
    let place = Memo::new(move |_| query.with(|q| q.get("place")));
    let summary = RwSignal::new(None::<PlaceSummary>);
    let report = RwSignal::new(None::<IndicatorReport>);
    let error = RwSignal::new(None::<String>);
    let load = move || {
        report.set(None);
        fetch_into(api::summary(place.get_untracked()), summary, error);
    };
    Effect::new(move |_| {
        place.track();
        load();
    });
    // The households to follow up, once the place is known to be small.
    Effect::new(move |_| {
        let small = summary.with(|s| s.as_ref().is_some_and(lists_households));
        let code = summary.with(|s| {
            s.as_ref()
                .and_then(|s| s.place.as_ref())
                .map(|p| p.code.to_string())
        });
        if let (true, Some(code)) = (small, code) {
            fetch_into(api::indicators(Some(code)), report, error);
        }
    });
    view! {
        <Header />
        <section class="indicators">
            <h1 class="page-title">{tr(Msg::Indicators)}</h1>
            <ErrorBanner error on_retry=Callback::new(move |()| load()) />
            {move || summary.get().map(|s| view! { <Levels summary=s /> })}
            {move || report.get().map(|r| view! { <Report report=r /> })}
            {move || summary.with(|s| s.as_ref().is_some_and(|s| !lists_households(s))).then(|| view! {
                <p class="hint">{tr(DeskMsg::OpenAnArea)}</p>
            })}
            // Once the place's figures are drawn: the report of its week,
            // its trends and its follow-up lists, from a module of their own.
            {move || summary.with(|s| s.as_ref().map(|s| s.low_income_line)).map(|line| {
                let at = place.get_untracked();
                let dispatch = at.as_ref().map_or_else(|| "/dispatch".to_owned(), |p| format!("/dispatch?place={p}"));
                view! {
                    <a class="secondary wide" href=dispatch data-testid="open-dispatch">{tr(DeskMsg::DispatchReport)}</a>
                    {follow_ups(at, line)}
                }
            })}
        </section>
    }
}

/// A bar of a place one level down: a count of it.
fn count_bar(line: &SummaryLine, n: u32) -> Bar {
    Bar {
        label: line.name.clone(),
        value: f64::from(n),
        text: n.to_string(),
    }
}

/// One figure: its value, what it is and how it is counted.
fn figure(caption: DeskMsg, definition: DeskMsg, value: String, id: &str) -> impl IntoView {
    view! {
        <div class="figure" data-testid=format!("figure-{id}")>
            <span class="figure-value">{value}</span>
            <span class="figure-caption">{tr(caption)}</span>
            <small class="figure-definition">{tr(definition)}</small>
        </div>
    }
}

/// The place's figures and the charts of the places one level down, each
/// bar a tap away.
#[component]
fn Levels(summary: PlaceSummary) -> impl IntoView {
    let t = summary.total;
    let per_household = t
        .employed_per_labour_household()
        .map_or_else(|| "–".into(), |v| format!("{v:.2}"));
    let figures = [
        (
            DeskMsg::EmploymentRate,
            DeskMsg::DefEmploymentRate,
            rate(t.employment_rate()),
            "employment-rate",
        ),
        (
            DeskMsg::EmployedPerHousehold,
            DeskMsg::DefEmployedPerHousehold,
            per_household,
            "employed-per-household",
        ),
        (
            DeskMsg::EmployedHouseholdShare,
            DeskMsg::DefEmployedHouseholdShare,
            rate(t.employed_household_share()),
            "employed-household-share",
        ),
        (
            DeskMsg::ZeroEmployment,
            DeskMsg::DefZeroEmployment,
            t.zero_employment.to_string(),
            "zero-employment",
        ),
        (
            DeskMsg::LowIncome,
            DeskMsg::DefLowIncome,
            t.low_income.to_string(),
            "low-income",
        ),
        (
            DeskMsg::TrainingCoverage,
            DeskMsg::DefTrainingCoverage,
            rate(t.training_coverage()),
            "training-coverage",
        ),
        (
            DeskMsg::Labourers,
            DeskMsg::DefLabourers,
            t.labourers.to_string(),
            "labourers",
        ),
        (
            DeskMsg::OverAgeEmployed,
            DeskMsg::DefOverAgeEmployed,
            t.over_age_employed.to_string(),
            "over-age",
        ),
        (
            DeskMsg::SeekingWork,
            DeskMsg::DefSeekingWork,
            t.seeking_work.to_string(),
            "seeking-work",
        ),
        (
            DeskMsg::Overdue,
            DeskMsg::DefOverdue,
            t.overdue.to_string(),
            "overdue",
        ),
    ]
    .into_iter()
    // Workers past working age only where the deployment sets its end.
    .filter(|f| f.3 != "over-age" || summary.working_age_limit.is_some())
    .map(|(caption, definition, value, id)| figure(caption, definition, value, id))
    .collect_view();
    let mut crumbs = vec![
        view! {
            <a href="/indicators" data-testid="crumb-top">{tr(DeskMsg::Everything)}</a>
        }
        .into_any(),
    ];
    for p in &summary.path {
        crumbs.push(view! {
            <a href=format!("/indicators?place={}", p.code) data-testid=format!("crumb-{}", p.code)>{p.name.clone()}</a>
        }.into_any());
    }
    let title = summary
        .place
        .as_ref()
        .map_or_else(|| tr(DeskMsg::Everything).to_owned(), |p| p.name.clone());
    let by_rate: Vec<Bar> = (summary.children.iter())
        .map(|l| Bar {
            label: l.name.clone(),
            value: l.tally.employment_rate().unwrap_or(0.0),
            text: rate(l.tally.employment_rate()),
        })
        .collect();
    let by_zero: Vec<Bar> = (summary.children.iter())
        .map(|l| count_bar(l, l.tally.zero_employment))
        .collect();
    // The places with overdue items, the most first: where to press.
    let mut late: Vec<&SummaryLine> = summary
        .children
        .iter()
        .filter(|l| l.tally.overdue > 0)
        .collect();
    late.sort_by_key(|l| std::cmp::Reverse(l.tally.overdue));
    let by_overdue: Vec<Bar> = (late.into_iter())
        .map(|l| count_bar(l, l.tally.overdue))
        .collect();
    let overdue_chart = (!by_overdue.is_empty()).then(|| view! {
        <BarChart title=tr(DeskMsg::OverdueByPlace).to_owned() bars=by_overdue testid="chart-overdue".into() />
    });
    let down = (summary.children.iter())
        .filter_map(|l| {
            let code = l.code.clone()?;
            Some(view! {
                <a class="secondary" href=format!("/indicators?place={code}") data-testid=format!("indicators-{code}")>
                    {l.name.clone()}" "<small>{label(l.level)}</small>
                </a>
            })
        })
        .collect_view();
    view! {
        <nav class="crumbs" aria-label=tr(DeskMsg::Path)>{crumbs}</nav>
        <h2 class="place-title">{title}</h2>
        <div class="figures">{figures}</div>
        {overdue_chart}
        <BarChart title=tr(DeskMsg::EmploymentRateByPlace).to_owned() bars=by_rate testid="chart-rate".into() />
        <BarChart title=tr(DeskMsg::ZeroEmploymentByPlace).to_owned() bars=by_zero testid="chart-zero".into() />
        <div class="links">{down}</div>
    }
}

#[component]
fn Report(report: IndicatorReport) -> impl IntoView {
    let i = &report.indicators;
    let by_channel: Vec<Bar> = i
        .by_channel
        .iter()
        .map(|(&channel, &n)| Bar {
            label: label(channel).to_owned(),
            value: f64::from(n),
            text: n.to_string(),
        })
        .collect();
    let by_work_place: Vec<Bar> = (i.by_work_place.iter())
        .map(|(&place, &n)| Bar {
            label: label(place).to_owned(),
            value: f64::from(n),
            text: n.to_string(),
        })
        .collect();
    // Each added yes/no or choice field as bars of its answers, "是" first.
    let added = i
        .added
        .iter()
        .map(|count| {
            let bars: Vec<Bar> = count
                .answers
                .iter()
                .rev()
                .map(|(answer, &n)| Bar {
                    label: match answer.as_str() {
                        "true" => tr(Msg::Yes).to_owned(),
                        "false" => tr(Msg::No).to_owned(),
                        code => code.to_owned(),
                    },
                    value: f64::from(n),
                    text: format!("{n} / {}", count.asked),
                })
                .collect();
            let title = both(&count.zh, &count.en).to_owned();
            view! { <BarChart title bars testid=format!("chart-{}", count.key) /> }
        })
        .collect_view();
    let posts = (i.by_channel.get(&Channel::PublicWelfare).copied()).unwrap_or(0);
    view! {
        <div class="figures">
            {figure(DeskMsg::PublicWelfarePosts, DeskMsg::DefPublicWelfarePosts, posts.to_string(), "public-welfare")}
        </div>
        <BarChart title=tr(DeskMsg::ByChannel).to_owned() bars=by_channel testid="chart-channel".into() />
        <BarChart title=tr(DeskMsg::ByWorkPlace).to_owned() bars=by_work_place testid="chart-work-place".into() />
        {added}
    }
}
