//! One member on the survey form: what matters at a glance, "无变化",
//! every field of the labour record in its group (the work first, the
//! others folded), and joining or leaving the household.

use leptos::prelude::*;
use std::sync::Arc;

use shared::codes::{Code, EmploymentStatus, JoinReason, LeaveReason};
use shared::extra::{ExtraField, ExtraKey, ExtraKind, ExtraWrite, Target};
use shared::place::PersonId;
use shared::record::Record;
use shared::record::{FieldKey, Group, LabourRecord, Membership};
use shared::resident_id::age_on;
use shared::validate::{IssueCode, asks, check_record, missing_required};
use shared::wire::{MemberReport, RosterMember};
use time::Date;

use crate::components::fields::{Control, Field, reader};
use crate::i18n::{Msg, both, label, tr};

/// A member as the form holds them: last round's record, the edited one,
/// and whether they join or leave this round.
#[derive(Clone)]
pub struct Draft {
    pub member: RosterMember,
    pub record: RwSignal<LabourRecord>,
    pub change: RwSignal<Option<Membership>>,
    /// Added on this form rather than carried from last round.
    pub joining: bool,
    /// Fields whose entry is not a value of their kind: the record keeps
    /// the last good value, and the form cannot be submitted.
    pub invalid: RwSignal<Vec<FieldKey>>,
    /// The same for the added fields.
    pub invalid_extra: RwSignal<Vec<ExtraKey>>,
    /// The fields the county added that the round asks.
    pub fields: Arc<Vec<ExtraField>>,
}

impl Draft {
    pub fn existing(member: RosterMember, fields: Arc<Vec<ExtraField>>) -> Draft {
        Draft {
            record: RwSignal::new(member.record.clone()),
            member,
            change: RwSignal::new(None),
            joining: false,
            invalid: RwSignal::new(Vec::new()),
            invalid_extra: RwSignal::new(Vec::new()),
            fields,
        }
    }

    /// A new member, with an id the server will know them by from now on.
    pub fn joining(person: PersonId, fields: Arc<Vec<ExtraField>>) -> Draft {
        Draft {
            member: RosterMember {
                person,
                record: LabourRecord::default(),
                masked: Default::default(),
            },
            record: RwSignal::new(LabourRecord::default()),
            change: RwSignal::new(None),
            joining: true,
            invalid: RwSignal::new(Vec::new()),
            invalid_extra: RwSignal::new(Vec::new()),
            fields,
        }
    }

    pub fn leaving(&self) -> bool {
        self.change.with(|c| matches!(c, Some(Membership::Left(_))))
    }

    /// Whether this member can be submitted: no rule broken, every entry read.
    pub fn ready(&self, today: Date) -> bool {
        self.problems(today).is_empty()
            && (self.leaving()
                || (self.invalid.with(Vec::is_empty) && self.invalid_extra.with(Vec::is_empty)))
    }

    /// Back to last round's record, forgetting what was typed.
    pub fn reset(&self) {
        self.record.set(self.member.record.clone());
        self.invalid.set(Vec::new());
        self.invalid_extra.set(Vec::new());
    }

    /// What must be fixed before this member can be submitted, beyond
    /// entries that are not values (said at their fields).
    pub fn problems(&self, today: Date) -> Vec<String> {
        if self.leaving() {
            return Vec::new();
        }
        let mut res: Vec<String> = Vec::new();
        if self.joining {
            if self.record.with(|r| r.name.is_none()) {
                res.push(tr(Msg::NameRequired).to_owned());
            }
            if self.change.with(Option::is_none) {
                res.push(tr(Msg::JoinReasonRequired).to_owned());
            }
        }
        self.record.with(|r| {
            let broken = check_record(r, today).into_iter();
            res.extend(broken.map(|(_, code)| both(code.zh(), code.en()).to_owned()));
            let required = both(IssueCode::Required.zh(), IssueCode::Required.en());
            for field in missing_required(&self.fields, r, today) {
                res.push(format!("{}：{required}", caption(field)));
            }
        });
        res
    }

    pub fn report(&self) -> MemberReport {
        MemberReport {
            person: self.member.person.clone(),
            membership: self.change.get_untracked(),
            writes: self.member.record.diff(&self.record.get_untracked()),
            extra: self
                .record
                .with_untracked(|r| self.member.record.extra.diff(&r.extra)),
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

/// What an entry brings with it: a job's details go with the job (out of
/// work, they would be stale), and an ID number gives birth date and sex.
fn after_write(record: &mut LabourRecord, key: FieldKey) {
    match key {
        FieldKey::Employment if record.employment != Some(EmploymentStatus::Employed) => {
            record.channel = None;
            record.work_place = None;
            record.employer = None;
            record.monthly_income = None;
        }
        FieldKey::ResidentId => record.fill_from_resident_id(),
        _ => {}
    }
}

/// One field of the member's record, shown when the survey asks it.
fn member_field(draft: &Draft, key: FieldKey, today: Date) -> impl IntoView + use<> {
    let Draft {
        record,
        invalid,
        member,
        ..
    } = draft.clone();
    let placeholder = match key {
        FieldKey::ResidentId => member.masked.resident_id.clone(),
        FieldKey::Phone => member.masked.phone.clone(),
        _ => None,
    };
    let current = Memo::new(move |_| record.with(|r| r.get(key).shown().entered()));
    let enter = reader(
        key,
        invalid,
        move |input| key.read(input),
        move |write| {
            record.update(|r| {
                r.apply(&write);
                after_write(r, key);
            })
        },
    );
    let hidden = move || !record.with(|r| asks(r, key, today));
    let testid = format!("{}-{}", key.name(), member.person);
    view! {
        <div class="field-slot" class:hidden=hidden>
            <Field
                caption=both(key.zh(), key.en()).to_owned()
                control=Control::of(key.kind())
                current=current.into()
                enter
                testid
                placeholder=placeholder.unwrap_or_default()
            />
        </div>
    }
}

/// An added field's caption in the current language.
pub fn caption(field: &ExtraField) -> &str {
    both(&field.zh, &field.en)
}

/// The control an added field's kind asks for.
pub fn extra_control(kind: &ExtraKind) -> Control {
    match kind {
        ExtraKind::YesNo => Control::YesNo,
        ExtraKind::Choice(choices) => Control::Chips(
            choices
                .iter()
                .map(|c| (c.code.clone(), both(&c.zh, &c.en).to_owned()))
                .collect(),
        ),
        ExtraKind::Number { unit, .. } => Control::Number(unit.clone()),
        ExtraKind::Text { .. } => Control::Text("text"),
        ExtraKind::Date => Control::Date,
    }
}

/// An added field's control, of a member or a household, shown while
/// `shown` holds. One function for both, so the download has it once.
pub fn extra_view(
    field: &ExtraField,
    current: Signal<Option<String>>,
    enter: Callback<Option<String>, Option<&'static str>>,
    shown: Signal<bool>,
    testid: String,
) -> AnyView {
    view! {
        <div class="field-slot" class:hidden=move || !shown.get()>
            <Field caption=caption(field).to_owned() control=extra_control(&field.kind) current enter testid />
        </div>
    }
    .into_any()
}

/// The `enter` of an added field: an entry it allows becomes a write for `apply`.
pub fn extra_enter(
    field: Arc<ExtraField>,
    invalid: RwSignal<Vec<ExtraKey>>,
    apply: Callback<ExtraWrite>,
) -> Callback<Option<String>, Option<&'static str>> {
    let key = field.key;
    reader(
        key,
        invalid,
        move |input| field.entry(input),
        move |value| apply.run(ExtraWrite { key, value }),
    )
}

/// One of the county's added fields of the member, shown when it applies.
fn extra_field(draft: &Draft, field: &ExtraField, today: Date) -> AnyView {
    let Draft {
        record,
        invalid_extra,
        member,
        ..
    } = draft.clone();
    let key = field.key;
    let shared = Arc::new(field.clone());
    let current = {
        let field = shared.clone();
        Signal::derive(move || {
            record.with(|r| r.extra.get(key).and_then(|v| field.shown(v).entered()))
        })
    };
    let apply =
        Callback::new(move |write: ExtraWrite| record.update(|r| r.extra.apply_write(&write)));
    let enter = extra_enter(shared.clone(), invalid_extra, apply);
    let shown = Signal::derive(move || record.with(|r| shared.asks_member(r, today)));
    extra_view(
        field,
        current,
        enter,
        shown,
        format!("{}-{}", key.field_name(), member.person),
    )
}

/// A group's fields, in the record's order.
fn group_fields(draft: &Draft, group: Group, today: Date) -> impl IntoView + use<> {
    FieldKey::ALL
        .iter()
        .filter(|k| k.group() == group)
        .map(|&key| member_field(draft, key, today))
        .collect_view()
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
        ..
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
    let problems = {
        let draft = draft.clone();
        move || draft.problems(today)
    };
    let id = |what: &str| format!("{what}-{person}");
    let (unchanged_id, leave_id) = (id("unchanged"), id("leave"));
    let fold = RwSignal::new(Fold::Open);
    let name = member.record.name.clone();
    let leaving = move || change.with(|c| matches!(c, Some(Membership::Left(_))));
    let reset = {
        let draft = draft.clone();
        move || draft.reset()
    };
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
                let reset = reset.clone();
                view! {
                    <button class="secondary" data-testid=unchanged_id.clone() on:click=move |_| {
                        reset();
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
    // A new member is introduced first: who they are, then the rest.
    let folded = |group: Group, caption: Msg, open: bool| {
        view! {
            <details class="field-group" open=open>
                <summary data-testid=id(&format!("group-{}", group_name(group)))>{tr(caption)}</summary>
                <div class="member-fields">{group_fields(&draft, group, today)}</div>
            </details>
        }
    };
    let identity = Some(folded(Group::Identity, Msg::GroupIdentity, joining));
    let (identity_first, identity_last) = if joining {
        (identity, None)
    } else {
        (None, identity)
    };
    let skills = folded(Group::Skills, Msg::GroupSkills, joining);
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
                {identity_first}
                {group_fields(&draft, Group::Work, today)}
                {draft.fields.iter().filter(|f| f.target == Target::Member).map(|f| extra_field(&draft, f, today)).collect_view()}
                {skills}
                {identity_last}
            </div>
            <ul class="issues">
                {move || problems().into_iter().map(|m| view! { <li class="error">{m}</li> }).collect_view()}
            </ul>
        </li>
    }
}

/// The group's name in test ids.
fn group_name(group: Group) -> &'static str {
    match group {
        Group::Household => "household",
        Group::Work => "work",
        Group::Skills => "skills",
        Group::Identity => "identity",
    }
}

/// Why a new member joined, and what their ID number says of them.
#[component]
fn JoinFields(
    record: RwSignal<LabourRecord>,
    change: RwSignal<Option<Membership>>,
    person: String,
) -> impl IntoView {
    let born_id = format!("born-{person}");
    let born = move || {
        record.with(|r| {
            let sex = r.sex.map(label).unwrap_or_default();
            r.birth_date
                .map(|d| format!("{} {d} · {sex}", tr(Msg::BornOn)))
        })
    };
    let options = JoinReason::ALL
        .iter()
        .map(|&r| (r.code().to_owned(), label(r).to_owned()))
        .collect();
    view! {
        <Field
            caption=tr(Msg::JoinReason).to_owned()
            control=Control::Chips(options)
            current=Signal::derive(move || match change.get() {
                Some(Membership::Joined(reason)) => Some(reason.code().to_owned()),
                _ => None,
            })
            enter=Callback::new(move |code: Option<String>| {
                let reason = code.as_deref().and_then(JoinReason::from_code);
                change.set(reason.map(Membership::Joined));
                None
            })
            testid=format!("join-reason-{person}")
        />
        {move || born().map(|b| view! { <p class="glance" data-testid=born_id.clone()>{b}</p> })}
    }
}
