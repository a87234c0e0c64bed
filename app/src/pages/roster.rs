//! The households of the caller's grid, grouped by building.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::codes::{Code, Role, VisitOutcome};
use shared::place::HouseholdCode;
use shared::wire::{RosterHousehold, Visit};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::components::header::Header;
use crate::i18n::{Msg, label, tr};
use crate::loading::{ErrorBanner, fetch_into};
use crate::{RosterCache, Session, api, position};

/// Fetches the roster into the cache.
pub fn refresh_roster(error: RwSignal<Option<String>>) {
    let RosterCache(cache) = expect_context();
    fetch_into(api::roster(), cache, error);
}

#[component]
pub fn RosterPage() -> impl IntoView {
    let RosterCache(cache) = expect_context();
    let error = RwSignal::new(None::<String>);
    refresh_roster(error);
    let buildings = move || {
        cache.with(|roster| {
            let mut res: Vec<(String, Vec<RosterHousehold>)> = Vec::new();
            for household in roster.iter().flat_map(|r| &r.households) {
                match res.last_mut() {
                    Some((building, list)) if *building == household.building => {
                        list.push(household.clone())
                    }
                    _ => res.push((household.building.clone(), vec![household.clone()])),
                }
            }
            res
        })
    };
    view! {
        <Header />
        <section class="roster">
            <ErrorBanner error on_retry=Callback::new(move |()| refresh_roster(error)) />
            <Show when=move || cache.with(Option::is_none)>
                <p class="status">{tr(Msg::Loading)}</p>
            </Show>
            <For each=buildings key=|(building, list)| (building.clone(), list.len()) let:group>
                <section class="building" data-testid=format!("building-{}", group.0)>
                    <h2 class="building-name">{group.0.clone()}</h2>
                    <ul class="household-list">
                        {group.1.into_iter().map(|h| view! { <HouseholdRow household=h /> }).collect_view()}
                    </ul>
                </section>
            </For>
        </section>
    }
}

/// Where marking a visit stands.
#[derive(Clone, Debug, PartialEq)]
enum Marking {
    Idle,
    Choosing,
    Sending,
    Done(VisitOutcome),
    Failed(String),
}

/// Marking a visit from the list: "met at home", the usual outcome, in one
/// tap; any other outcome in two. The position is asked for after the tap.
#[component]
fn VisitMarker(household: HouseholdCode) -> impl IntoView {
    let marking = RwSignal::new(Marking::Idle);
    let code = household.to_string();
    let mark = move |outcome: VisitOutcome| {
        let household = household.clone();
        marking.set(Marking::Sending);
        spawn_local(async move {
            let visit = Visit {
                id: Uuid::new_v4(),
                household,
                outcome,
                visited_at: OffsetDateTime::now_utc(),
                position: position::current().await,
            };
            match api::visit(&visit).await {
                Ok(_) => marking.set(Marking::Done(outcome)),
                Err(err) => marking.set(Marking::Failed(err.message())),
            }
        });
    };
    view! {
        <div class="visit-marker" data-testid=format!("visit-{code}")>
            {move || match marking.get() {
                Marking::Idle => {
                    let mark = mark.clone();
                    view! {
                        <div class="outcomes">
                            <button class="choice" on:click=move |_| mark(VisitOutcome::Met)>
                                {tr(Msg::MarkVisit)}" · "{label(VisitOutcome::Met)}
                            </button>
                            <button class="choice" on:click=move |_| marking.set(Marking::Choosing)>
                                {tr(Msg::OtherOutcome)}
                            </button>
                        </div>
                    }.into_any()
                }
                Marking::Choosing => {
                    let mark = mark.clone();
                    view! {
                        <div class="outcomes" role="group" aria-label=tr(Msg::ChooseOutcome)>
                            {VisitOutcome::ALL
                                .iter()
                                .filter(|&&outcome| outcome != VisitOutcome::Met)
                                .map(|&outcome| {
                                    let mark = mark.clone();
                                    view! {
                                        <button class="choice" on:click=move |_| mark(outcome)>
                                            {label(outcome)}
                                        </button>
                                    }
                                })
                                .collect_view()}
                        </div>
                    }.into_any()
                }
                Marking::Sending => view! { <span class="status">{tr(Msg::Submitting)}</span> }.into_any(),
                Marking::Done(outcome) => view! {
                    <span class="badge done" role="status">{tr(Msg::VisitRecorded)}" · "{label(outcome)}</span>
                }.into_any(),
                Marking::Failed(message) => view! { <span class="error" role="alert">{message}</span> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn HouseholdRow(household: RosterHousehold) -> impl IntoView {
    let Session(session) = expect_context();
    // Grid members and work teams call on households; supervisors do not.
    let visits = session.with_untracked(|s| {
        s.as_ref()
            .is_some_and(|s| matches!(s.role, Role::GridMember | Role::Surveyor))
    });
    let code = household.code.clone();
    let head = household
        .members
        .first()
        .and_then(|m| m.record.name.clone())
        .unwrap_or_default();
    let (state_class, state) = if household.surveyed {
        ("badge done", tr(Msg::Surveyed))
    } else {
        ("badge todo", tr(Msg::NotSurveyed))
    };
    view! {
        <li>
            <a
                class="household-row"
                href=format!("/households/{}", household.code)
                data-testid=format!("household-{}", household.code)
            >
                <span class="room">{household.room.clone()}</span>
                <span class="head">{head}</span>
                <span class="count">{household.members.len()}{tr(Msg::People)}</span>
                <span class=state_class data-testid="household-state">{state}</span>
            </a>
            {visits.then(|| view! { <VisitMarker household=code /> })}
        </li>
    }
}
