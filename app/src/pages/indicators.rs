//! Supervisors: the round's indicators, one level of the tree at a time,
//! as the coverage screen goes: the place's figures and, side by side in
//! charts, those of each place one level down, from the sums the server
//! keeps (`GET /api/v1/summary`), and the households to follow up a page
//! at a time (`GET /api/v1/follow-up`). From a resettlement area down,
//! where they are a few hundred, the charts by channel and by added field
//! (`GET /api/v1/indicators?place=`).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::codes::{ActionKind, Channel, FollowUp, Level};
use shared::follow_up::{FollowUpItem, FollowUpPage};
use shared::indicators::IndicatorReport;
use shared::tally::Tally;
use shared::trends::Trends;
use shared::wire::PlaceSummary;

use crate::api;
use crate::components::chart::{Bar, BarChart, LineChart, Point};
use crate::components::header::Header;
use crate::desk_text::DeskMsg;
use crate::i18n::{Msg, both, label, tr};
use crate::loading::{ErrorBanner, fetch_into};

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
            // Once the place's figures are drawn: what they depend on first.
            {move || summary.with(|s| s.is_some()).then(|| {
                let at = place.get_untracked();
                let dispatch = at.as_ref().map_or_else(|| "/dispatch".to_owned(), |p| format!("/dispatch?place={p}"));
                view! {
                    <a class="secondary wide" href=dispatch data-testid="open-dispatch">{tr(DeskMsg::DispatchReport)}</a>
                    <TrendsSection place=at />
                }
            })}
            {move || report.get().map(|r| view! { <Report report=r /> })}
            {move || summary.with(|s| s.as_ref().is_some_and(|s| !lists_households(s))).then(|| view! {
                <p class="hint">{tr(DeskMsg::OpenAnArea)}</p>
            })}
            {move || {
                let at = place.get();
                let line = summary.with(|s| s.as_ref().map(|s| s.low_income_line))?;
                Some(view! {
                    <h2 class="section-title">{tr(DeskMsg::ZeroEmployment)}</h2>
                    <FollowUpList list=FollowUp::ZeroEmployment place=at.clone() testid="zero-list" />
                    <h2 class="section-title">{tr(DeskMsg::LowIncome)}" (< "{line}{tr(Msg::YuanUnit)}")"</h2>
                    <FollowUpList list=FollowUp::LowIncome place=at.clone() testid="low-income-list" />
                    <h2 class="section-title">{tr(DeskMsg::SeekingWork)}</h2>
                    <small class="figure-definition">{tr(DeskMsg::DefSeekingWork)}</small>
                    <FollowUpList list=FollowUp::SeekingWork place=at testid="seeking-list" />
                })
            }}
        </section>
    }
}

/// The place's figures over the last rounds, a small chart each, and what
/// changed since the last round (`GET /api/v1/trends`).
#[component]
fn TrendsSection(place: Option<String>) -> impl IntoView {
    let trends = RwSignal::new(None::<Trends>);
    let error = RwSignal::new(None::<String>);
    fetch_into(
        async move {
            crate::device::after_paint().await;
            api::trends(place).await
        },
        trends,
        error,
    );
    view! {
        <ErrorBanner error on_retry=Callback::new(|()| ()) />
        {move || trends.get().map(|t| {
            let points = |value: &dyn Fn(&Tally) -> Option<f64>, text: &dyn Fn(f64) -> String| -> Vec<Point> {
                (t.rounds.iter())
                    .filter_map(|r| {
                        let v = value(&r.tally)?;
                        let round = r.round.to_string();
                        Some(Point { label: round[2..].to_owned(), value: v, text: text(v) })
                    })
                    .collect()
            };
            let pct = |v: f64| format!("{:.2}%", v * 100.0);
            let num = |v: f64| format!("{v:.0}");
            let charts = [
                (DeskMsg::SurveyedShare, points(&|t| t.surveyed_share(), &pct), "surveyed"),
                (DeskMsg::EmploymentRate, points(&|t| t.employment_rate(), &pct), "employment-rate"),
                (DeskMsg::EmployedPerHousehold, points(&|t| t.employed_per_labour_household(), &|v| format!("{v:.2}")), "employed-per-household"),
                (DeskMsg::EmployedHouseholdShare, points(&|t| t.employed_household_share(), &pct), "employed-household-share"),
                (DeskMsg::ZeroEmployment, points(&|t| Some(f64::from(t.zero_employment)), &num), "zero-employment"),
                (DeskMsg::LowIncome, points(&|t| Some(f64::from(t.low_income)), &num), "low-income"),
            ]
            .into_iter()
            .map(|(caption, points, id)| view! {
                <LineChart title=tr(caption).to_owned() points testid=format!("trend-{id}") />
            })
            .collect_view();
            let c = t.changes;
            let work = match (c.found_work, c.lost_work) {
                (Some(found), Some(lost)) => format!("{} {found} · {} {lost}", tr(DeskMsg::FoundWork), tr(DeskMsg::LostWork)),
                _ => tr(DeskMsg::WorkChangesBelow).to_owned(),
            };
            view! {
                <h2 class="section-title">{tr(DeskMsg::Trends)}</h2>
                <div class="trends">{charts}</div>
                <p class="changes" data-testid="changes">
                    {format!(
                        "{} {} · {} {} · ",
                        tr(DeskMsg::NewlyZero), c.newly_zero_employment,
                        tr(DeskMsg::ClearedZero), c.cleared_zero_employment
                    )}
                    {work}
                </p>
            }
        })}
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
        .map(|l| Bar {
            label: l.name.clone(),
            value: f64::from(l.tally.zero_employment),
            text: l.tally.zero_employment.to_string(),
        })
        .collect();
    // The places with overdue items, the most first: where to press.
    let mut late: Vec<&shared::wire::SummaryLine> = summary
        .children
        .iter()
        .filter(|l| l.tally.overdue > 0)
        .collect();
    late.sort_by_key(|l| std::cmp::Reverse(l.tally.overdue));
    let by_overdue: Vec<Bar> = (late.into_iter())
        .map(|l| Bar {
            label: l.name.clone(),
            value: f64::from(l.tally.overdue),
            text: l.tally.overdue.to_string(),
        })
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

/// A follow-up list of the place, a page at a time (`GET
/// /api/v1/follow-up`): its open items, the longest open (so the overdue)
/// first, or those cleared.
#[component]
fn FollowUpList(list: FollowUp, place: Option<String>, testid: &'static str) -> impl IntoView {
    let page = RwSignal::new(None::<FollowUpPage>);
    let error = RwSignal::new(None::<String>);
    let items = RwSignal::new(Vec::<FollowUpItem>::new());
    let next = RwSignal::new(None::<String>);
    let open = RwSignal::new(true);
    let counts = RwSignal::new(None::<(u32, u32, u16, Option<u32>)>);
    let first = place.clone();
    let load = move |after: Option<String>| {
        fetch_into(
            api::follow_up(list, place.clone(), open.get_untracked(), after),
            page,
            error,
        );
    };
    // The first page once the place's figures are painted.
    {
        fetch_into(
            async move {
                crate::device::after_paint().await;
                api::follow_up(list, first, true, None).await
            },
            page,
            error,
        );
    }
    Effect::new(move |_| {
        if let Some(p) = page.get() {
            counts.set(Some((p.open, p.overdue, p.deadline_days, p.met_131)));
            items.update(|i| i.extend(p.items));
            next.set(p.next);
        }
    });
    let switch = {
        let load = load.clone();
        move || {
            open.update(|o| *o = !*o);
            items.set(Vec::new());
            next.set(None);
            load(None);
        }
    };
    view! {
        <ErrorBanner error on_retry=Callback::new({ let load = load.clone(); move |()| load(next.get_untracked()) }) />
        {move || counts.get().map(|(n, overdue, days, met)| view! {
            <p class="list-counts" data-testid=format!("{testid}-counts")>
                {format!("{} {n} · ", tr(DeskMsg::FollowUpCounts))}
                <span class:overdue=overdue.gt(&0)>{format!("{} {overdue}", tr(DeskMsg::OverdueCount))}</span>
                {format!(" · {} {days}", tr(DeskMsg::DeadlineDays))}
                {met.map(|m| format!(" · {} {m}", tr(DeskMsg::Met131)))}
            </p>
        })}
        <button class="secondary" data-testid=format!("{testid}-switch") on:click=move |_| switch()>
            {move || if open.get() { tr(DeskMsg::ShowCleared) } else { tr(DeskMsg::ShowOpen) }}
        </button>
        <ul class="follow-up-list" data-testid=testid>
            <For each=move || items.get() key=|i| (i.household.clone(), i.member.clone(), i.entered_on) let:item>
                {item_view(item, list)}
            </For>
        </ul>
        {move || (page.with(|p| p.is_some()) && items.with(Vec::is_empty)).then(|| view! {
            <p class="hint">{tr(DeskMsg::NothingOnList)}</p>
        })}
        {move || next.get().map(|after| {
            let load = load.clone();
            view! {
                <button class="secondary wide" data-testid=format!("{testid}-more") on:click=move |_| load(Some(after.clone()))>
                    {tr(DeskMsg::MoreHouseholds)}
                </button>
            }
        })}
    }
}

/// One item: who, where, since when and until when, what was done, and
/// how it was cleared.
fn item_view(item: FollowUpItem, list: FollowUp) -> impl IntoView {
    let who = [item.name.clone(), item.phone.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let actions = (item.actions.iter())
        .map(|a| {
            let detail = [a.employer.clone(), a.post.clone(), a.note.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
            view! {
                <li class="action">
                    <strong>{label(a.kind)}</strong>" "{detail}" · "{a.by.clone()}" · "
                    {shared::day::format(a.done_at.date())}
                </li>
            }
        })
        .collect_view();
    view! {
        <li class="follow-up-item" class:overdue=item.overdue data-testid=format!("item-{}", item.household)>
            <div class="item-head">
                <strong>{item.household.to_string()}</strong>" "{item.building.clone()}" "{item.room.clone()}" "{who}
                {item.overdue.then(|| view! { <span class="badge overdue">{tr(DeskMsg::OverdueBadge)}</span> })}
            </div>
            <div class="item-dates">
                {tr(DeskMsg::EnteredOn)}{shared::day::format(item.entered_on)}" · "
                {tr(DeskMsg::DueOn)}{shared::day::format(item.due_on)}
                {item.per_capita.filter(|_| list == FollowUp::LowIncome).map(|p| format!(" · {p}{}", tr(Msg::YuanUnit)))}
            </div>
            {item.help.map(|h| view! {
                <div class="item-help" class:met=h.is_met()>
                    {format!(
                        "131：{} {}/1 · {} {}/3 · {} {}/1",
                        label(ActionKind::Guidance), h.guidance,
                        label(ActionKind::JobReferral), h.referrals,
                        label(ActionKind::Training), h.training
                    )}
                </div>
            })}
            {item.cleared_on.map(|day| view! {
                <div class="item-cleared">
                    {tr(DeskMsg::ClearedOn)}{shared::day::format(day)}" · "{item.cleared.map(label)}
                </div>
            })}
            {if item.actions.is_empty() {
                view! { <p class="hint">{tr(DeskMsg::NoActionYet)}</p> }.into_any()
            } else {
                view! { <ul class="actions">{actions}</ul> }.into_any()
            }}
        </li>
    }
}
