//! Supervisors: the follow-up lists of a place (`GET /api/v1/follow-up`:
//! each item with its dates, the help recorded and how it was cleared,
//! the overdue first) and its trends over the last rounds (`GET
//! /api/v1/trends`), under its indicators. A module of their own, loaded
//! once the place's figures are drawn, so that the other supervisors'
//! screens do not carry them.

use leptos::prelude::*;
use shared::codes::{ActionKind, FollowUp};
use shared::follow_up::{FollowUpItem, FollowUpPage};
use shared::tally::Tally;
use shared::trends::Trends;

use crate::api;
use crate::components::chart::{LineChart, Point};
use crate::desk_text::DeskMsg;
use crate::i18n::{Msg, label, tr};
use crate::loading::{ErrorBanner, fetch_into};

#[lazy]
fn follow_up_view(place: Option<String>, line: u32) -> AnyView {
    view! {
        <TrendsSection place=place.clone() />
        <h2 class="section-title">{tr(DeskMsg::ZeroEmployment)}</h2>
        <FollowUpList list=FollowUp::ZeroEmployment place=place.clone() testid="zero-list" />
        <h2 class="section-title">{tr(DeskMsg::LowIncome)}" (< "{line}{tr(Msg::YuanUnit)}")"</h2>
        <FollowUpList list=FollowUp::LowIncome place=place.clone() testid="low-income-list" />
        <h2 class="section-title">{tr(DeskMsg::SeekingWork)}</h2>
        <small class="figure-definition">{tr(DeskMsg::DefSeekingWork)}</small>
        <FollowUpList list=FollowUp::SeekingWork place=place testid="seeking-list" />
    }
    .into_any()
}

/// The trends and follow-up lists of `place` (low-income under `line`),
/// once their module is loaded.
pub fn follow_ups(place: Option<String>, line: u32) -> impl IntoView {
    Suspend::new(async move { follow_up_view(place, line).await })
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
            let work = format!("{} {} · {} {}", tr(DeskMsg::FoundWork), c.found_work, tr(DeskMsg::LostWork), c.lost_work);
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
    let request = move |after: Option<String>| {
        api::follow_up(list, place.clone(), open.get_untracked(), after)
    };
    let load = {
        let request = request.clone();
        move |after: Option<String>| fetch_into(request(after), page, error)
    };
    // The first page once the place's figures are painted.
    let first = request(None);
    fetch_into(
        async move {
            crate::device::after_paint().await;
            first.await
        },
        page,
        error,
    );
    Effect::new(move |_| {
        if let Some(p) = page.get() {
            items.update(|i| i.extend(p.items));
            next.set(p.next);
        }
    });
    // The counts of the page read last, the same for every page.
    let counts = move || {
        page.with(|p| {
            p.as_ref()
                .map(|p| (p.open, p.overdue, p.deadline_days, p.met_131))
        })
    };
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
        {move || counts().map(|(n, overdue, days, met)| view! {
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
                    {shared::day::format(a.done_at.to_offset(shared::round::CHINA).date())}
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
