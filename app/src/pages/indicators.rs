//! Supervisors: the round's indicators for the scope, each grid side by
//! side in charts, and the households to follow up.

use leptos::prelude::*;
use shared::indicators::IndicatorReport;

use crate::api;
use crate::components::chart::{Bar, BarChart};
use crate::components::header::Header;
use crate::desk_text::DeskMsg;
use crate::i18n::{Msg, both, label, tr};
use crate::loading::{ErrorBanner, fetch_into};

fn rate(value: Option<f64>) -> String {
    value.map_or_else(|| "–".into(), |v| format!("{:.1}%", v * 100.0))
}

#[component]
pub fn IndicatorsPage() -> impl IntoView {
    let report = RwSignal::new(None::<IndicatorReport>);
    let error = RwSignal::new(None::<String>);
    let load = move || fetch_into(api::indicators(), report, error);
    load();
    view! {
        <Header />
        <section class="indicators">
            <h1 class="page-title">{tr(Msg::Indicators)}</h1>
            <ErrorBanner error on_retry=Callback::new(move |()| load()) />
            {move || report.get().map(|r| view! { <Report report=r /> })}
        </section>
    }
}

#[component]
fn Report(report: IndicatorReport) -> impl IntoView {
    let i = &report.indicators;
    let figures = [
        (
            DeskMsg::EmploymentRate,
            rate(report.employment_rate),
            "employment-rate",
        ),
        (
            DeskMsg::EmployedPerHousehold,
            report
                .employed_per_labour_household
                .map_or_else(|| "–".into(), |v| format!("{v:.2}")),
            "employed-per-household",
        ),
        (
            DeskMsg::ZeroEmployment,
            i.zero_employment.len().to_string(),
            "zero-employment",
        ),
        (
            DeskMsg::LowIncome,
            i.low_income.len().to_string(),
            "low-income",
        ),
        (
            DeskMsg::TrainingCoverage,
            rate(report.training_coverage),
            "training-coverage",
        ),
        (DeskMsg::Labourers, i.labourers.to_string(), "labourers"),
    ]
    .into_iter()
    .map(|(caption, value, id)| {
        view! {
            <div class="figure" data-testid=format!("figure-{id}")>
                <span class="figure-value">{value}</span>
                <span class="figure-caption">{tr(caption)}</span>
            </div>
        }
    })
    .collect_view();
    let by_rate: Vec<Bar> = report
        .by_grid
        .iter()
        .map(|g| Bar {
            label: g.grid.to_string(),
            value: g.employment_rate.unwrap_or(0.0),
            text: rate(g.employment_rate),
        })
        .collect();
    let by_zero: Vec<Bar> = report
        .by_grid
        .iter()
        .map(|g| Bar {
            label: g.grid.to_string(),
            value: f64::from(g.zero_employment),
            text: g.zero_employment.to_string(),
        })
        .collect();
    let by_channel: Vec<Bar> = i
        .by_channel
        .iter()
        .map(|(&channel, &n)| Bar {
            label: label(channel).to_owned(),
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
    let zero = i
        .zero_employment
        .iter()
        .map(|h| view! { <li class="code-chip">{h.to_string()}</li> })
        .collect_view();
    let low = i
        .low_income
        .iter()
        .map(|l| view! { <li class="code-chip">{l.household.to_string()}" · "{l.per_capita}{tr(Msg::YuanUnit)}</li> })
        .collect_view();
    view! {
        <div class="figures">{figures}</div>
        <BarChart title=tr(DeskMsg::EmploymentRateByGrid).to_owned() bars=by_rate testid="chart-rate".into() />
        <BarChart title=tr(DeskMsg::ZeroEmploymentByGrid).to_owned() bars=by_zero testid="chart-zero".into() />
        <BarChart title=tr(DeskMsg::ByChannel).to_owned() bars=by_channel testid="chart-channel".into() />
        {added}
        <h2 class="section-title">{tr(DeskMsg::ZeroEmployment)}</h2>
        <ul class="code-list" data-testid="zero-list">{zero}</ul>
        <h2 class="section-title">{tr(DeskMsg::LowIncome)}" (< "{report.low_income_line}{tr(Msg::YuanUnit)}")"</h2>
        <ul class="code-list" data-testid="low-income-list">{low}</ul>
    }
}
