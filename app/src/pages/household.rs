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

use crate::components::fields::{CodeChoice, FieldAccess, NumberInput, TextInput, YesNo};
use crate::components::header::Header;
use crate::i18n::{Msg, label, tr};
use crate::outbox::Entry;
use crate::pages::roster::describe;
use crate::sync::Sync;
use crate::{RosterCache, Session};

#[component]
pub fn HouseholdPage() -> impl IntoView {
    let RosterCache(cache) = expect_context();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let sync: Sync = expect_context();
    let error = sync.roster_error;
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

/// Where the survey of this household stands.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Editing,
    /// What will be submitted, to check before confirming.
    Summary,
    /// Being written to the phone's disk.
    Saving,
    /// On the phone's disk, in the outbox.
    Saved(Uuid),
    /// The phone refused to store it.
    StorageFailed,
}

/// What a member's record says at a glance: employment and its details.
pub fn glance(record: &LabourRecord) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.push(
        record
            .employment
            .map(label)
            .unwrap_or(tr(Msg::NotSet))
            .to_owned(),
    );
    if record.is_employed() {
        parts.extend(record.channel.map(|c| label(c).to_owned()));
        parts.extend(record.work_place.map(|p| label(p).to_owned()));
        parts.extend(
            record
                .months_worked
                .map(|m| format!("{m}{}", tr(Msg::MonthsUnit))),
        );
        parts.extend(
            record
                .monthly_income
                .map(|i| format!("{i}{}", tr(Msg::YuanUnit))),
        );
    }
    if let Some(work) = &record.intended_work {
        parts.push(format!("{}{work}", tr(Msg::WantsWork)));
    }
    parts.join(" · ")
}

#[component]
fn SurveyForm(household: RosterHousehold) -> impl IntoView {
    let Session(session) = expect_context();
    let sync: Sync = expect_context();
    let drafts: Vec<(RosterMember, RwSignal<LabourRecord>)> = household
        .members
        .iter()
        .map(|m| (m.clone(), RwSignal::new(m.record.clone())))
        .collect();
    let step = RwSignal::new(Step::Editing);
    let title = format!("{} {}", household.building, household.room);
    let today = OffsetDateTime::now_utc().date();
    let valid = {
        let drafts = drafts.clone();
        move || {
            drafts
                .iter()
                .all(|(_, record)| record.with(|r| check_record(r, today).is_empty()))
        }
    };
    let cards = drafts
        .iter()
        .map(|(member, record)| view! { <MemberCard member=member.clone() record=*record /> })
        .collect_view();
    let unchanged_all = {
        let drafts = drafts.clone();
        let valid_all = valid.clone();
        move |_| {
            for (member, record) in &drafts {
                record.set(member.record.clone());
            }
            // Last round's answers may be incomplete: then the form stays,
            // showing what is missing.
            if valid_all() {
                step.set(Step::Summary);
            }
        }
    };
    let review = {
        let valid = valid.clone();
        move |_| {
            if valid() {
                step.set(Step::Summary);
            }
        }
    };
    let confirm = {
        let drafts = drafts.clone();
        let household = household.clone();
        move |_| {
            let Some(round) = session.with_untracked(|s| s.as_ref().map(|s| s.round)) else {
                return;
            };
            if step.get_untracked() != Step::Summary {
                return;
            }
            step.set(Step::Saving);
            let members = drafts
                .iter()
                .map(|(member, record)| MemberReport {
                    person: member.person.clone(),
                    membership: None,
                    writes: member.record.diff(&record.get_untracked()),
                })
                .collect();
            let submission = Submission {
                id: SubmissionId(Uuid::new_v4()),
                kind: SubmissionKind::Survey,
                household_writes: Vec::new(),
                household: household.code.clone(),
                round,
                captured_at: OffsetDateTime::now_utc(),
                base: household.base.clone(),
                members,
            };
            let id = submission.id.0;
            let what = describe(&household);
            let records = drafts
                .iter()
                .map(|(member, record)| (member.person.clone(), record.get_untracked()))
                .collect();
            let entry = Entry::survey(&submission, records);
            spawn_local(async move {
                match sync.enqueue(entry, what).await {
                    Ok(()) => step.set(Step::Saved(id)),
                    Err(_) => step.set(Step::StorageFailed),
                }
            });
        }
    };
    let summary = {
        let drafts = drafts.clone();
        move || {
            drafts
                .iter()
                .map(|(member, record)| {
                    let now = record.get_untracked();
                    let changed = member.record != now;
                    let line = if changed {
                        format!("{} → {}", glance(&member.record), glance(&now))
                    } else {
                        format!("{} · {}", tr(Msg::Unchanged), glance(&now))
                    };
                    view! {
                        <li class="summary-line" class:changed=changed>
                            <strong>{member.record.name.clone()}</strong>
                            <span>{line}</span>
                        </li>
                    }
                })
                .collect_view()
        }
    };
    let delivered = move |id: Uuid| sync.delivered.with(|d| d.contains(&id));
    let problem = move |id: Uuid| {
        sync.outbox.with(|o| {
            o.iter()
                .find(|e| e.id == id)
                .and_then(|e| e.problem.clone())
        })
    };
    view! {
        <h1 class="page-title" data-testid="household-title">{title}</h1>
        <div class="form-body" class:hidden=move || step.get() != Step::Editing>
            <button class="secondary wide" data-testid="all-unchanged" on:click=unchanged_all>
                {tr(Msg::AllUnchanged)}
            </button>
            <h2 class="section-title">{tr(Msg::Members)}</h2>
            <ul class="member-list">{cards}</ul>
            <div class="submit-bar">
                <button class="primary" data-testid="review" disabled=move || !valid() on:click=review>
                    {tr(Msg::Next)}
                </button>
            </div>
        </div>
        {move || match step.get() {
            Step::Editing => ().into_any(),
            Step::Saving => view! { <p class="status">{tr(Msg::Saving)}</p> }.into_any(),
            Step::Summary => view! {
                <section class="summary" data-testid="summary">
                    <h2 class="section-title">{tr(Msg::CheckBeforeSubmit)}</h2>
                    <ul class="summary-list">{summary.clone()}</ul>
                    <div class="submit-bar">
                        <button class="secondary" on:click=move |_| step.set(Step::Editing)>
                            {tr(Msg::BackToEdit)}
                        </button>
                        <button class="primary" data-testid="submit" on:click=confirm.clone()>
                            {tr(Msg::Submit)}
                        </button>
                    </div>
                </section>
            }.into_any(),
            Step::Saved(id) => view! {
                <div class="submit-bar">
                    {move || match (delivered(id), problem(id)) {
                        (true, _) => view! {
                            <p class="accepted" role="status" data-testid="submit-accepted">{tr(Msg::Accepted)}</p>
                        }.into_any(),
                        (false, Some(message)) => view! {
                            <p class="error" role="alert" data-testid="submit-refused">{message}</p>
                            <a class="secondary" href="/outbox">{tr(Msg::OpenOutbox)}</a>
                        }.into_any(),
                        (false, None) => view! {
                            <p class="saved" role="status" data-testid="submit-saved">{tr(Msg::SavedOnPhone)}</p>
                        }.into_any(),
                    }}
                    <a class="primary" href="/households" data-testid="back-to-list">{tr(Msg::BackToList)}</a>
                </div>
            }.into_any(),
            Step::StorageFailed => view! {
                <p class="error" role="alert">{tr(Msg::StorageFailed)}</p>
            }.into_any(),
        }}
    }
}

/// A job's details go with the job: out of work, they would be stale.
fn set_employment(record: &mut LabourRecord, status: Option<EmploymentStatus>) {
    record.employment = status;
    if !record.is_employed() {
        record.channel = None;
        record.work_place = None;
        record.employer = None;
        record.monthly_income = None;
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
    // "无变化" folds the card to its glance line; "修改" opens it again.
    let folded = RwSignal::new(false);
    let unchanged_id = id("unchanged");
    let original = member.record.clone();
    let unchanged = move |_| {
        record.set(original.clone());
        folded.set(true);
    };
    view! {
        <li class="member-card" class:folded=move || folded.get() data-testid=format!("member-{person}")>
            <div class="member-head">
                <span class="member-name">{member.record.name.clone()}</span>
                <span class="member-meta">{relation}" "{age}</span>
            </div>
            {masked_id.map(|id| view! { <span class="member-id">{id}</span> })}
            <p class="glance" data-testid="glance">{move || record.with(glance)}</p>
            <div class="member-actions">
                {move || if folded.get() {
                    view! {
                        <span class="badge done">{tr(Msg::Unchanged)}</span>
                        <button class="secondary" on:click=move |_| folded.set(false)>{tr(Msg::Edit)}</button>
                    }.into_any()
                } else {
                    let unchanged = unchanged.clone();
                    view! {
                        <button class="secondary" data-testid=unchanged_id.clone() on:click=unchanged>
                            {tr(Msg::Unchanged)}
                        </button>
                    }.into_any()
                }}
            </div>
            <div class="member-fields" class:hidden=move || folded.get()>
            <CodeChoice
                caption=Msg::EmploymentStatus
                record
                access={FieldAccess::<EmploymentStatus> { get: |r| r.employment, set: set_employment }}
                testid=employment_id
            />
            <Show when=employed>
                <CodeChoice
                    caption=Msg::Channel
                    record
                    access={FieldAccess::<Channel> { get: |r| r.channel, set: |r, v| r.channel = v }}
                    testid=channel_id.clone()
                />
                <CodeChoice
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
            </div>
            <ul class="issues">
                {move || issues().into_iter().map(|m| view! { <li class="error">{m}</li> }).collect_view()}
            </ul>
        </li>
    }
}
