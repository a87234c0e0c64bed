//! Surveying one household: its members, a summary, then the outbox.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::codes::SubmissionKind;
use shared::place::PersonId;
use std::sync::Arc;

use shared::extra::{ExtraField, ExtraKey, ExtraWrite, Target};
use shared::record::{HouseholdKey, HouseholdRecord, Record};
use shared::validate::{IssueCode, check_household_write};
use shared::wire::{RosterHousehold, Submission, SubmissionId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::components::fields::{Control, Field, reader};
use crate::components::header::Header;
use crate::i18n::{Msg, both, tr, value_text};
use crate::outbox::Entry;
use crate::pages::help::HelpRecorder;
use crate::pages::member::{
    Draft, MemberCard, caption, change_label, extra_enter, extra_view, glance,
};
use crate::pages::roster::describe;
use crate::sync::Sync;
use crate::{RosterCache, Session, api};

#[component]
pub fn HouseholdPage() -> impl IntoView {
    let RosterCache(cache) = expect_context();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    // `?correct` opens the form for a supervisor's correction of the ledger.
    let kind = if use_query_map().with_untracked(|q| q.get("correct").is_some()) {
        SubmissionKind::Correction
    } else {
        SubmissionKind::Survey
    };
    let sync: Sync = expect_context();
    sync.want_roster();
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
                (Some(true), Some(household)) => view! { <SurveyForm household kind /> }.into_any(),
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

#[component]
fn SurveyForm(household: RosterHousehold, kind: SubmissionKind) -> impl IntoView {
    let correcting = kind == SubmissionKind::Correction;
    let Session(session) = expect_context();
    let sync: Sync = expect_context();
    let RosterCache(cache) = expect_context();
    let fields: Arc<Vec<ExtraField>> = Arc::new(
        cache.with_untracked(|r| r.as_ref().map(|r| r.fields.clone()).unwrap_or_default()),
    );
    let drafts: RwSignal<Vec<Draft>> = RwSignal::new(
        household
            .members
            .iter()
            .map(|m| Draft::existing(m.clone(), fields.clone()))
            .collect(),
    );
    let home = HouseholdDraft::new(&household, &fields);
    let step = RwSignal::new(Step::Editing);
    let title = if correcting {
        format!(
            "{} · {} {}",
            tr(Msg::Correcting),
            household.building,
            household.room
        )
    } else {
        format!("{} {}", household.building, household.room)
    };
    let today = OffsetDateTime::now_utc().date();
    // A correction must change something; a survey may confirm all as is.
    let valid = move || {
        drafts.with(|d| {
            d.iter().all(|d| d.ready(today))
                && home.ready(correcting)
                && (!correcting || home.changed() || d.iter().any(Draft::changed))
        })
    };
    let add_member = {
        let code = household.code.clone();
        let fields = fields.clone();
        move |_| {
            let suffix = Uuid::new_v4().simple().to_string();
            let Ok(person) = PersonId::parse(&format!("{code}-{}", &suffix[..8])) else {
                return;
            };
            drafts.update(|d| d.push(Draft::joining(person, fields.clone())));
        }
    };
    let undo_join = Callback::new(move |person: PersonId| {
        drafts.update(|d| d.retain(|d| d.member.person != person));
    });
    let unchanged_all = move |_| {
        drafts.update(|d| {
            d.retain(|d| !d.joining);
            for draft in d.iter() {
                draft.reset();
                draft.change.set(None);
            }
        });
        home.reset();
        // Last round's answers may be incomplete: then the form stays,
        // showing what is missing.
        if valid() {
            step.set(Step::Summary);
        }
    };
    let review = move |_| {
        if valid() {
            step.set(Step::Summary);
        }
    };
    let confirm = {
        let household = household.clone();
        move |_| {
            let Some(round) = session.with_untracked(|s| s.as_ref().map(|s| s.round)) else {
                return;
            };
            if step.get_untracked() != Step::Summary {
                return;
            }
            step.set(Step::Saving);
            let drafts = drafts.get_untracked();
            let submission = Submission {
                id: SubmissionId(Uuid::new_v4()),
                kind,
                household_writes: home.writes(),
                household: household.code.clone(),
                round,
                captured_at: OffsetDateTime::now_utc(),
                base: household.base.clone(),
                // A survey reports every member, unchanged ones included; a
                // correction writes only what the supervisor changed.
                members: drafts
                    .iter()
                    .filter(|d| !correcting || d.changed())
                    .map(Draft::report)
                    .collect(),
                household_extra: home.extra_writes(),
            };
            let id = submission.id.0;
            let what = describe(&household);
            // The members the household has once this arrives.
            let records = drafts
                .iter()
                .filter(|d| !d.leaving())
                .map(|d| (d.member.person.clone(), d.record.get_untracked()))
                .collect();
            let entry = Entry::survey(&submission, records);
            let body = entry.as_ref().map(|e| e.body.clone());
            spawn_local(async move {
                if sync.enqueue(entry, what).await.is_ok() {
                    step.set(Step::Saved(id));
                    // Room was made since the warning: it goes.
                    if sync.storage_low.get_untracked() {
                        sync.check_storage();
                    }
                    return;
                }
                // The phone cannot keep it: sent straight to the server, it
                // is kept there; else the form stays to save again.
                let sent = match &body {
                    Some(body) => api::post_raw("/api/v1/submissions", body).await,
                    None => Err(api::ApiError::Network),
                };
                match sent {
                    Ok(()) => {
                        sync.delivered.update(|d| d.push(id));
                        step.set(Step::Saved(id));
                    }
                    Err(_) => {
                        step.set(Step::StorageFailed);
                        sync.check_storage();
                    }
                }
            });
        }
    };
    let summary = move || {
        let home_line = home.changed().then(|| {
            view! {
                <li class="summary-line changed">
                    <strong>{tr(Msg::HouseholdInfo)}</strong>
                    <span>{home.glance()}</span>
                </li>
            }
        });
        let members = drafts
            .get_untracked()
            .into_iter()
            .map(|draft| {
                let now = draft.record.get_untracked();
                let changed = draft.changed();
                let mut line = match draft.change.get_untracked() {
                    Some(change) => format!("{} · {}", change_label(change), glance(&now)),
                    None if changed => {
                        format!("{} → {}", glance(&draft.member.record), glance(&now))
                    }
                    None => format!("{} · {}", tr(Msg::Unchanged), glance(&now)),
                };
                // The added fields it answers, which the glance leaves out.
                for write in draft.member.record.extra.diff(&now.extra) {
                    let field = draft.fields.iter().find(|f| f.key == write.key);
                    if let (Some(field), Some(value)) = (field, &write.value) {
                        line.push_str(&format!(
                            " · {} {}",
                            caption(field),
                            value_text(field.shown(value))
                        ));
                    }
                }
                view! {
                    <li class="summary-line" class:changed=changed>
                        <strong>{now.name.clone()}</strong>
                        <span>{line}</span>
                    </li>
                }
            })
            .collect_view();
        view! { {home_line} {members} }
    };
    let delivered = move |id: Uuid| sync.delivered.with(|d| d.contains(&id));
    let problem = move |id: Uuid| {
        sync.outbox.with(|o| {
            o.iter()
                .find(|e| e.id == id)
                .and_then(|e| e.problem.clone())
        })
    };
    let returned = household.returned.clone().map(|r| {
        view! {
            <div class="error returned" role="alert" data-testid="returned">
                <p>{tr(Msg::ReturnedBy)}{r.by}": "{r.reason}</p>
                <p class="status-line">{tr(Msg::CorrectAndResubmit)}</p>
            </div>
        }
    });
    // Told before the survey is written, not only once saving it fails.
    sync.check_storage();
    let storage_low = sync.storage_low;
    view! {
        <h1 class="page-title" data-testid="household-title">{title}</h1>
        {move || storage_low.get().then(|| view! {
            <p class="error" role="alert" data-testid="storage-low">{tr(Msg::StorageLow)}</p>
        })}
        {returned}
        // Teams and grid members record the help they gave beside the
        // survey; a correction is only the form.
        {(!correcting).then(|| {
            let household = household.clone();
            view! {
                <div class:hidden=move || step.get() != Step::Editing>
                    <HelpRecorder household />
                </div>
            }
        })}
        <div class="form-body" class:hidden=move || step.get() != Step::Editing>
            <button class="secondary wide" data-testid="all-unchanged" on:click=unchanged_all class:hidden=correcting>
                {tr(Msg::AllUnchanged)}
            </button>
            <details class="field-group household-fields">
                <summary data-testid="group-household">{tr(Msg::HouseholdInfo)}</summary>
                <div class="member-fields">{home.fields(household.masked_phone.clone())}</div>
            </details>
            <h2 class="section-title">{tr(Msg::Members)}</h2>
            <ul class="member-list">
                <For each=move || drafts.get() key=|d| d.member.person.clone() let:draft>
                    <MemberCard draft today on_undo_join=undo_join />
                </For>
            </ul>
            <button class="secondary wide" data-testid="add-member" on:click=add_member>
                {tr(Msg::AddMember)}
            </button>
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
                    <ul class="summary-list">{summary}</ul>
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
                    <a class="primary" href=if correcting { "/review" } else { "/households" } data-testid="back-to-list">{tr(Msg::BackToList)}</a>
                </div>
            }.into_any(),
            Step::StorageFailed => view! {
                <div class="submit-bar">
                    <p class="error" role="alert" data-testid="storage-failed">{tr(Msg::StorageFailed)}</p>
                    // The form is as it was: save it again once there is room.
                    <button class="primary" data-testid="save-again" on:click=move |_| step.set(Step::Summary)>
                        {tr(Msg::SaveAgain)}
                    </button>
                </div>
            }.into_any(),
        }}
    }
}

/// The household's own fields as the form holds them.
#[derive(Clone, Copy)]
struct HouseholdDraft {
    original: StoredValue<HouseholdRecord>,
    record: RwSignal<HouseholdRecord>,
    invalid: RwSignal<Vec<HouseholdKey>>,
    invalid_extra: RwSignal<Vec<ExtraKey>>,
    /// The household's added fields the round asks.
    fields: StoredValue<Vec<ExtraField>>,
}

impl HouseholdDraft {
    fn new(household: &RosterHousehold, fields: &[ExtraField]) -> HouseholdDraft {
        let own = fields.iter().filter(|f| f.target == Target::Household);
        HouseholdDraft {
            original: StoredValue::new(household.record.clone()),
            record: RwSignal::new(household.record.clone()),
            invalid: RwSignal::new(Vec::new()),
            invalid_extra: RwSignal::new(Vec::new()),
            fields: StoredValue::new(own.cloned().collect()),
        }
    }

    /// The required added fields that apply and are not answered.
    fn missing(&self) -> Vec<String> {
        let required = both(IssueCode::Required.zh(), IssueCode::Required.en());
        self.fields.with_value(|fields| {
            self.record.with(|r| {
                (fields.iter())
                    .filter(|f| f.required && f.asks_household(r) && r.extra.get(f.key).is_none())
                    .map(|f| format!("{}：{required}", caption(f)))
                    .collect()
            })
        })
    }

    /// The household's values out of their range (an income a year too
    /// large), each with what is wrong.
    fn out_of_range(&self) -> Vec<String> {
        self.record.with(|r| {
            (HouseholdKey::ALL.iter())
                .filter_map(|&key| {
                    check_household_write(&r.get(key)).map(|code| {
                        format!(
                            "{}：{}",
                            both(key.zh(), key.en()),
                            both(code.zh(), code.en())
                        )
                    })
                })
                .collect()
        })
    }

    /// Whether it can be submitted: every entry read and in range, and, in
    /// a survey, every required added field answered.
    fn ready(&self, correcting: bool) -> bool {
        self.invalid.with(Vec::is_empty)
            && self.invalid_extra.with(Vec::is_empty)
            && self.out_of_range().is_empty()
            && (correcting || self.missing().is_empty())
    }

    fn writes(&self) -> Vec<shared::record::HouseholdWrite> {
        self.original
            .with_value(|o| self.record.with_untracked(|r| o.diff(r)))
    }

    fn extra_writes(&self) -> Vec<shared::extra::ExtraWrite> {
        self.original
            .with_value(|o| self.record.with_untracked(|r| o.extra.diff(&r.extra)))
    }

    fn changed(&self) -> bool {
        !self.writes().is_empty() || !self.extra_writes().is_empty()
    }

    fn reset(&self) {
        self.record.set(self.original.get_value());
        self.invalid.set(Vec::new());
        self.invalid_extra.set(Vec::new());
    }

    /// What changed, as the summary says it.
    fn glance(&self) -> String {
        let shown = |w: &shared::record::HouseholdWrite| {
            format!(
                "{} {}",
                both(w.key().zh(), w.key().en()),
                value_text(w.shown())
            )
        };
        self.writes()
            .iter()
            .map(shown)
            .collect::<Vec<_>>()
            .join(" · ")
    }

    fn fields(self, masked_phone: Option<String>) -> impl IntoView {
        let HouseholdDraft {
            record,
            invalid_extra,
            ..
        } = self;
        let extra = self.fields.get_value().into_iter().map(move |field| {
            let key = field.key;
            let shared = Arc::new(field.clone());
            let current = {
                let field = shared.clone();
                Signal::derive(move || {
                    record.with(|r| r.extra.get(key).and_then(|v| field.shown(v).entered()))
                })
            };
            let apply = Callback::new(move |write: ExtraWrite| {
                record.update(|r| r.extra.apply_write(&write))
            });
            let enter = extra_enter(shared.clone(), invalid_extra, apply);
            let shown = Signal::derive(move || record.with(|r| shared.asks_household(r)));
            extra_view(
                &field,
                current,
                enter,
                shown,
                format!("hh-{}", key.field_name()),
            )
        });
        let missing = move || {
            (self.out_of_range().into_iter())
                .chain(self.missing())
                .map(|m| view! { <li class="error">{m}</li> })
                .collect_view()
        };
        let built_in = HouseholdKey::ALL
            .iter()
            .map(|&key| {
                let HouseholdDraft {
                    record, invalid, ..
                } = self;
                let current = Memo::new(move |_| record.with(|r| r.get(key).shown().entered()));
                let enter = reader(
                    key,
                    invalid,
                    move |input| key.read(input),
                    move |write| record.update(|r| r.apply(&write)),
                );
                let placeholder = (key == HouseholdKey::Phone)
                    .then(|| masked_phone.clone())
                    .flatten()
                    .unwrap_or_default();
                view! {
                    <Field
                        caption=both(key.zh(), key.en()).to_owned()
                        control=Control::of(key.kind())
                        current=current.into()
                        enter
                        testid=format!("hh-{}", key.name())
                        placeholder
                    />
                }
            })
            .collect_view();
        view! {
            {built_in}
            {extra.collect_view()}
            <ul class="issues">{missing}</ul>
        }
    }
}
