//! Surveying one household: each member's fields, then submit.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use shared::codes::{Channel, EmploymentStatus, SubmissionKind, WorkPlace};
use shared::record::LabourRecord;
use shared::resident_id::age_on;
use shared::validate::check_record;
use shared::wire::{MemberReport, RosterHousehold, RosterMember, Submission, SubmissionId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::components::fields::{CodeSelect, FieldAccess, NumberInput, TextInput, YesNo};
use crate::components::header::Header;
use crate::i18n::{Msg, label, tr};
use crate::pages::roster::refresh_roster;
use crate::{RosterCache, Session, api};

#[component]
pub fn HouseholdPage() -> impl IntoView {
    let RosterCache(cache) = expect_context();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let error = RwSignal::new(None::<String>);
    if cache.with_untracked(Option::is_none) {
        refresh_roster(error);
    }
    // Tracks only whether the household is loaded and found, so that the
    // cache updating after a submit does not reset the form.
    let found = Memo::new(move |_| {
        let code = code();
        cache.with(|roster| {
            roster
                .as_ref()
                .map(|r| r.households.iter().any(|h| h.code.as_str() == code))
        })
    });
    let household = move || {
        let code = code();
        cache.with_untracked(|roster| {
            roster.as_ref().and_then(|r| {
                r.households
                    .iter()
                    .find(|h| h.code.as_str() == code)
                    .cloned()
            })
        })
    };
    view! {
        <Header />
        <section class="household">
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || match (found.get(), household()) {
                (None, _) => view! { <p class="status">{tr(Msg::Loading)}</p> }.into_any(),
                (Some(true), Some(household)) => view! { <SurveyForm household /> }.into_any(),
                _ => view! { <p class="error">{tr(Msg::NoSuchHousehold)}</p> }.into_any(),
            }}
        </section>
    }
}

/// Where a submission stands.
#[derive(Clone, Debug, PartialEq)]
enum Sending {
    Editing,
    Busy,
    Accepted,
    Failed(String),
}

#[component]
fn SurveyForm(household: RosterHousehold) -> impl IntoView {
    let Session(session) = expect_context();
    let RosterCache(cache) = expect_context();
    let drafts: Vec<(RosterMember, RwSignal<LabourRecord>)> = household
        .members
        .iter()
        .map(|m| (m.clone(), RwSignal::new(m.record.clone())))
        .collect();
    let sending = RwSignal::new(Sending::Editing);
    // A retry after a lost answer must reuse the submission's id, so the
    // server recognises it; a changed form gets a new one.
    let pending = StoredValue::new(None::<Submission>);
    let title = format!("{} {}", household.building, household.room);
    let cards = drafts
        .iter()
        .map(|(member, record)| view! { <MemberCard member=member.clone() record=*record /> })
        .collect_view();
    let submit = {
        let drafts = drafts.clone();
        let household = household.clone();
        move |_| {
            if sending.get_untracked() == Sending::Busy {
                return;
            }
            let today = OffsetDateTime::now_utc().date();
            let invalid = drafts
                .iter()
                .any(|(_, record)| !check_record(&record.get_untracked(), today).is_empty());
            if invalid {
                return;
            }
            let members: Vec<MemberReport> = drafts
                .iter()
                .map(|(member, record)| MemberReport {
                    person: member.person.clone(),
                    membership: None,
                    writes: member.record.diff(&record.get_untracked()),
                })
                .collect();
            let Some(round) = session.with_untracked(|s| s.as_ref().map(|s| s.round)) else {
                return;
            };
            let submission = match pending.get_value() {
                Some(previous) if previous.members == members => previous,
                _ => Submission {
                    id: SubmissionId(Uuid::new_v4()),
                    kind: SubmissionKind::Survey,
                    household_writes: Vec::new(),
                    household: household.code.clone(),
                    round,
                    captured_at: OffsetDateTime::now_utc(),
                    base: household.base.clone(),
                    members,
                },
            };
            pending.set_value(Some(submission.clone()));
            sending.set(Sending::Busy);
            let records: Vec<LabourRecord> =
                drafts.iter().map(|(_, r)| r.get_untracked()).collect();
            spawn_local(async move {
                match api::submit(&submission).await {
                    Ok(_) => {
                        sending.set(Sending::Accepted);
                        // The list shows the household surveyed before it refreshes.
                        cache.update(|roster| {
                            let Some(h) = roster.as_mut().and_then(|r| {
                                r.households
                                    .iter_mut()
                                    .find(|h| h.code == submission.household)
                            }) else {
                                return;
                            };
                            h.surveyed = true;
                            h.base.push(submission.id);
                            for (member, record) in h.members.iter_mut().zip(records) {
                                member.record = record;
                            }
                        });
                    }
                    Err(err) if err.is_unauthenticated() => session.set(None),
                    Err(err) => sending.set(Sending::Failed(err.message())),
                }
            });
        }
    };
    view! {
        <h1 class="page-title" data-testid="household-title">{title}</h1>
        <h2 class="section-title">{tr(Msg::Members)}</h2>
        <ul class="member-list">{cards}</ul>
        <div class="submit-bar">
            {move || match sending.get() {
                Sending::Accepted => {
                    view! {
                        <p class="accepted" role="status" data-testid="submit-accepted">
                            {tr(Msg::Accepted)}
                        </p>
                        <a class="primary" href="/households">{tr(Msg::BackToList)}</a>
                    }
                        .into_any()
                }
                state => {
                    let busy = state == Sending::Busy;
                    let failure = match state {
                        Sending::Failed(message) => Some(view! { <p class="error" role="alert">{message}</p> }),
                        _ => None,
                    };
                    view! {
                        {failure}
                        <button class="primary" data-testid="submit" disabled=busy on:click=submit.clone()>
                            {if busy { tr(Msg::Submitting) } else { tr(Msg::Submit) }}
                        </button>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

#[component]
fn MemberCard(member: RosterMember, record: RwSignal<LabourRecord>) -> impl IntoView {
    let person = member.person.to_string();
    let today = OffsetDateTime::now_utc().date();
    let age = member
        .record
        .birth_date
        .map(|birth| format!("{}{}", age_on(birth, today), tr(Msg::Age)));
    let relation = member.record.relation.map(label);
    // Shown masked, so the surveyor can match the last digits on the card.
    let masked_id = member.masked.resident_id.clone();
    let employed = move || record.with(LabourRecord::is_employed);
    let seeking = move || record.with(|r| r.is_seeking_work(today));
    let issues = move || {
        record.with(|r| {
            check_record(r, today)
                .into_iter()
                .map(|(_, code)| match crate::i18n::locale().get_untracked() {
                    crate::i18n::Locale::Zh => code.zh(),
                    crate::i18n::Locale::En => code.en(),
                })
                .collect::<Vec<_>>()
        })
    };
    // Test ids are plain strings: the `Show` children below are re-run and clone them.
    let id = |field: &str| format!("{field}-{person}");
    let (employment_id, channel_id, place_id) = (id("employment"), id("channel"), id("work-place"));
    let (months_id, income_id) = (id("months"), id("income"));
    let (willing_id, intention_id) = (id("willing"), id("intention"));
    view! {
        <li class="member-card" data-testid=format!("member-{person}")>
            <div class="member-head">
                <span class="member-name">{member.record.name.clone()}</span>
                <span class="member-meta">{relation}" "{age}</span>
            </div>
            {masked_id.map(|id| view! { <span class="member-id">{id}</span> })}
            <CodeSelect
                caption=Msg::EmploymentStatus
                record
                access={FieldAccess::<EmploymentStatus> { get: |r| r.employment, set: |r, v| r.employment = v }}
                testid=employment_id
            />
            <Show when=employed>
                <CodeSelect
                    caption=Msg::Channel
                    record
                    access={FieldAccess::<Channel> { get: |r| r.channel, set: |r, v| r.channel = v }}
                    testid=channel_id.clone()
                />
                <CodeSelect
                    caption=Msg::WorkPlace
                    record
                    access={FieldAccess::<WorkPlace> { get: |r| r.work_place, set: |r, v| r.work_place = v }}
                    testid=place_id.clone()
                />
                <NumberInput
                    caption=Msg::MonthsWorked
                    record
                    access={FieldAccess::<u32> {
                        get: |r| r.months_worked.map(u32::from),
                        // Out of a u8's range still fails validation as "over 12".
                        set: |r, v| r.months_worked = v.map(|v| v.min(255) as u8),
                    }}
                    testid=months_id.clone()
                />
                <NumberInput
                    caption=Msg::MonthlyIncome
                    record
                    access={FieldAccess::<u32> {
                        get: |r| r.monthly_income,
                        set: |r, v| r.monthly_income = v,
                    }}
                    testid=income_id.clone()
                />
            </Show>
            <Show when=seeking>
                <YesNo
                    caption=Msg::WillingToTrain
                    record
                    access={FieldAccess::<bool> {
                        get: |r| r.willing_to_train,
                        set: |r, v| r.willing_to_train = v,
                    }}
                    testid=willing_id.clone()
                />
                <TextInput
                    caption=Msg::IntendedWork
                    record
                    access={FieldAccess::<String> {
                        get: |r| r.intended_work.clone(),
                        set: |r, v| r.intended_work = v,
                    }}
                    testid=intention_id.clone()
                />
            </Show>
            <ul class="issues">
                {move || issues().into_iter().map(|m| view! { <li class="error">{m}</li> }).collect_view()}
            </ul>
        </li>
    }
}
