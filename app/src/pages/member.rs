//! One member on the survey form: what matters at a glance, "无变化", the
//! employment fields, and joining or leaving the household.

use leptos::prelude::*;
use shared::codes::{
    Channel, Code, EmploymentStatus, JoinReason, LabourCapacity, LeaveReason, Relation, WorkPlace,
};
use shared::place::PersonId;
use shared::record::{LabourRecord, Membership};
use shared::resident_id::{ResidentId, ResidentIdError, age_on};
use shared::validate::check_record;
use shared::wire::{MemberReport, RosterMember};
use time::Date;

use crate::components::fields::{Chips, CodeChoice, FieldAccess, NumberInput, TextInput, YesNo};
use crate::i18n::{Locale, Msg, label, locale, tr};

/// A member as the form holds them: last round's record, the edited one,
/// and whether they join or leave this round.
#[derive(Clone)]
pub struct Draft {
    pub member: RosterMember,
    pub record: RwSignal<LabourRecord>,
    pub change: RwSignal<Option<Membership>>,
    /// Added on this form rather than carried from last round.
    pub joining: bool,
}

impl Draft {
    pub fn existing(member: RosterMember) -> Draft {
        Draft {
            record: RwSignal::new(member.record.clone()),
            member,
            change: RwSignal::new(None),
            joining: false,
        }
    }

    /// A new member, with an id the server will know them by from now on.
    pub fn joining(person: PersonId) -> Draft {
        Draft {
            member: RosterMember {
                person,
                record: LabourRecord::default(),
                masked: Default::default(),
            },
            record: RwSignal::new(LabourRecord::default()),
            change: RwSignal::new(None),
            joining: true,
        }
    }

    pub fn leaving(&self) -> bool {
        self.change.with(|c| matches!(c, Some(Membership::Left(_))))
    }

    /// What must be fixed before this member can be submitted.
    pub fn problems(&self, today: Date) -> Vec<&'static str> {
        if self.leaving() {
            return Vec::new();
        }
        let mut res: Vec<&'static str> = Vec::new();
        if self.joining {
            if self.record.with(|r| r.name.is_none()) {
                res.push(tr(Msg::NameRequired));
            }
            if self.change.with(Option::is_none) {
                res.push(tr(Msg::JoinReasonRequired));
            }
        }
        let zh = locale().get() == Locale::Zh;
        self.record.with(|r| {
            res.extend(
                check_record(r, today)
                    .into_iter()
                    .map(|(_, code)| if zh { code.zh() } else { code.en() }),
            )
        });
        res
    }

    pub fn report(&self) -> MemberReport {
        MemberReport {
            person: self.member.person.clone(),
            membership: self.change.get_untracked(),
            writes: self.member.record.diff(&self.record.get_untracked()),
        }
    }

    pub fn changed(&self) -> bool {
        self.joining
            || self.change.with_untracked(Option::is_some)
            || self.record.with_untracked(|r| *r != self.member.record)
    }
}

/// What a member's record says at a glance: employment and its details.
pub fn glance(record: &LabourRecord) -> String {
    let mut parts: Vec<String> = vec![
        record
            .employment
            .map(label)
            .unwrap_or(tr(Msg::NotSet))
            .to_owned(),
    ];
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

/// How a membership change reads in a list.
pub fn change_label(change: Membership) -> String {
    match change {
        Membership::Joined(reason) => format!("{} · {}", tr(Msg::Joining), label(reason)),
        Membership::Left(reason) => format!("{} · {}", tr(Msg::Leaving), label(reason)),
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

/// Where the member's card stands.
#[derive(Clone, Copy, PartialEq)]
enum Fold {
    Open,
    /// Confirmed unchanged.
    Unchanged,
    /// Choosing why they left.
    ChoosingLeave,
}

#[component]
pub fn MemberCard(draft: Draft, today: Date, on_undo_join: Callback<PersonId>) -> impl IntoView {
    let Draft {
        member,
        record,
        change,
        joining,
    } = draft.clone();
    let person = member.person.to_string();
    let member_person = member.person.clone();
    let age = move || {
        record.with(|r| {
            r.birth_date
                .map(|birth| format!("{}{}", age_on(birth, today), tr(Msg::Age)))
        })
    };
    let relation = move || record.with(|r| r.relation.map(label));
    // Shown masked, so the surveyor can match the last digits on the card.
    let masked_id = member.masked.resident_id.clone();
    let employed = move || record.with(LabourRecord::is_employed);
    let seeking = move || record.with(|r| r.is_seeking_work(today));
    let problems = move || draft.problems(today);
    // Test ids are plain strings: the `Show` children below are re-run and clone them.
    let id = |field: &str| format!("{field}-{person}");
    let (employment_id, channel_id, place_id) = (id("employment"), id("channel"), id("work-place"));
    let (months_id, income_id) = (id("months"), id("income"));
    let (willing_id, intention_id) = (id("willing"), id("intention"));
    let (unchanged_id, leave_id) = (id("unchanged"), id("leave"));
    let fold = RwSignal::new(Fold::Open);
    let original = member.record.clone();
    let name = member.record.name.clone();
    let leaving = move || change.with(|c| matches!(c, Some(Membership::Left(_))));
    let actions = move || {
        if leaving() {
            let reason = change.get().map(change_label).unwrap_or_default();
            return view! {
                <span class="badge alert">{reason}</span>
                <button class="secondary" on:click=move |_| change.set(None)>{tr(Msg::Undo)}</button>
            }
            .into_any();
        }
        if joining {
            let person = member_person.clone();
            return view! {
                <button class="secondary" on:click=move |_| on_undo_join.run(person.clone())>
                    {tr(Msg::Undo)}
                </button>
            }
            .into_any();
        }
        match fold.get() {
            Fold::Unchanged => view! {
                <span class="badge done">{tr(Msg::Unchanged)}</span>
                <button class="secondary" on:click=move |_| fold.set(Fold::Open)>{tr(Msg::Edit)}</button>
            }
            .into_any(),
            Fold::ChoosingLeave => view! {
                <div class="chips" role="group" aria-label=tr(Msg::LeaveReason)>
                    {LeaveReason::ALL.iter().map(|&reason| view! {
                        <button class="choice" data-code=reason.code() on:click=move |_| {
                            change.set(Some(Membership::Left(reason)));
                            fold.set(Fold::Open);
                        }>{label(reason)}</button>
                    }).collect_view()}
                    <button class="choice" on:click=move |_| fold.set(Fold::Open)>{tr(Msg::Cancel)}</button>
                </div>
            }
            .into_any(),
            Fold::Open => {
                let original = original.clone();
                view! {
                    <button class="secondary" data-testid=unchanged_id.clone() on:click=move |_| {
                        record.set(original.clone());
                        fold.set(Fold::Unchanged);
                    }>{tr(Msg::Unchanged)}</button>
                    <button class="secondary quiet" data-testid=leave_id.clone() on:click=move |_| {
                        fold.set(Fold::ChoosingLeave)
                    }>{tr(Msg::Leave)}</button>
                }
                .into_any()
            }
        }
    };
    let fields_hidden = move || leaving() || fold.get() != Fold::Open;
    view! {
        <li class="member-card" class:leaving=leaving data-testid=format!("member-{person}")>
            <div class="member-head">
                <span class="member-name">
                    {move || record.with(|r| r.name.clone()).or(name.clone()).unwrap_or_else(|| tr(Msg::NewMember).to_owned())}
                </span>
                <span class="member-meta">{relation}" "{age}</span>
            </div>
            {masked_id.map(|id| view! { <span class="member-id">{id}</span> })}
            <div class="member-status">
                <p class="glance" data-testid="glance">{move || record.with(glance)}</p>
                <div class="member-actions">{actions}</div>
            </div>
            <div class="member-fields" class:hidden=fields_hidden>
                {joining.then(|| view! { <JoinFields record change person=person.clone() /> })}
                <CodeChoice
                    caption=Msg::EmploymentStatus
                    record
                    access={FieldAccess::<EmploymentStatus> { get: |r| r.employment, set: set_employment }}
                    testid=employment_id
                />
                <div class="member-fields" class:hidden=move || !employed()>
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
                </div>
                <div class="member-fields" class:hidden=move || !seeking()>
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
                </div>
            </div>
            <ul class="issues">
                {move || problems().into_iter().map(|m| view! { <li class="error">{m}</li> }).collect_view()}
            </ul>
        </li>
    }
}

/// Who a new member is: name, ID number (which fills birth date and sex),
/// relation, capacity and why they joined.
#[component]
fn JoinFields(
    record: RwSignal<LabourRecord>,
    change: RwSignal<Option<Membership>>,
    person: String,
) -> impl IntoView {
    let id_error = RwSignal::new(None::<&'static str>);
    let on_id = move |ev| {
        let raw = event_target_value(&ev).trim().to_ascii_uppercase();
        if raw.is_empty() {
            id_error.set(None);
            record.update(|r| r.resident_id = None);
            return;
        }
        match ResidentId::parse(&raw) {
            Ok(id) => {
                id_error.set(None);
                record.update(|r| {
                    r.resident_id = Some(id);
                    r.fill_from_resident_id();
                });
            }
            // Still typing: say nothing until the number is long enough.
            Err(ResidentIdError::WrongLength(n)) if n < 18 => {
                id_error.set(None);
                record.update(|r| r.resident_id = None);
            }
            Err(err) => {
                id_error.set(Some(id_problem(&err)));
                record.update(|r| r.resident_id = None);
            }
        }
    };
    let born_id = format!("born-{person}");
    let born = move || {
        record.with(|r| {
            let sex = r.sex.map(label).unwrap_or_default();
            r.birth_date
                .map(|d| format!("{} {d} · {sex}", tr(Msg::BornOn)))
        })
    };
    view! {
        <TextInput
            caption=Msg::Name
            record
            access={FieldAccess::<String> { get: |r| r.name.clone(), set: |r, v| r.name = v }}
            testid=format!("name-{person}")
        />
        <label class="field">
            <span class="field-caption">{tr(Msg::ResidentId)}</span>
            <input
                class="field-input"
                data-testid=format!("resident-id-{person}")
                inputmode="text"
                autocomplete="off"
                maxlength="18"
                on:input=on_id
            />
        </label>
        {move || id_error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
        {move || born().map(|b| view! { <p class="glance" data-testid=born_id.clone()>{b}</p> })}
        <CodeChoice
            caption=Msg::Relation
            record
            access={FieldAccess::<Relation> { get: |r| r.relation, set: |r, v| r.relation = v }}
            testid=format!("relation-{person}")
        />
        <CodeChoice
            caption=Msg::Capacity
            record
            access={FieldAccess::<LabourCapacity> { get: |r| r.capacity, set: |r, v| r.capacity = v }}
            testid=format!("capacity-{person}")
        />
        <Chips
            caption=Msg::JoinReason
            options=JoinReason::ALL.iter().map(|&r| (r.code(), label(r))).collect()
            current=Signal::derive(move || match change.get() {
                Some(Membership::Joined(reason)) => Some(reason.code()),
                _ => None,
            })
            pick=Callback::new(move |code: &'static str| {
                change.set(JoinReason::from_code(code).map(Membership::Joined));
            })
            testid=format!("join-reason-{person}")
        />
    }
}

/// A wrong ID number, in words a surveyor can act on.
fn id_problem(err: &ResidentIdError) -> &'static str {
    tr(match err {
        ResidentIdError::WrongLength(_) => Msg::IdWrongLength,
        ResidentIdError::BadBirthDate => Msg::IdBadBirthDate,
        ResidentIdError::NotADigit(_)
        | ResidentIdError::UnknownRegion
        | ResidentIdError::CheckMismatch => Msg::IdInvalid,
    })
}
