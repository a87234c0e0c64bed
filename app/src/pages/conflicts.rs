//! Supervisors: the round's open conflicts, every side with who recorded
//! it and when; choosing one settles the field and keeps the trail.

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

use shared::extra::{ExtraField, ExtraKey, ExtraValue};
use shared::record::{FieldKey, HouseholdKey, Membership};
use shared::wire::{
    ConflictList, ConflictSide, ConflictSides, OpenConflict, ResolveConflict, SubmissionId,
};
use uuid::Uuid;

use crate::api;
use crate::components::header::{Header, clock};
use crate::desk_text::DeskMsg;
use crate::i18n::{Msg, both, label, tr, value_text};
use crate::loading::{ErrorBanner, fetch_into};
use crate::pages::member::caption;
use crate::pages::review::millis;

#[component]
pub fn ConflictsPage() -> impl IntoView {
    let list = RwSignal::new(None::<ConflictList>);
    let error = RwSignal::new(None::<String>);
    let load = move || fetch_into(api::conflicts(None), list, error);
    load();
    // A page covers some households; the next is added below it.
    let more = RwSignal::new(None::<ConflictList>);
    let load_more = move |_| {
        if let Some(next) = list.with_untracked(|l| l.as_ref().and_then(|l| l.next.clone())) {
            fetch_into(api::conflicts(Some(next.to_string())), more, error);
        }
    };
    Effect::new(move |_| {
        if let Some(page) = more.get() {
            list.update(|l| {
                if let Some(l) = l {
                    l.conflicts.extend(page.conflicts);
                    l.next = page.next;
                }
            });
        }
    });
    view! {
        <Header />
        <section class="conflicts">
            <h1 class="page-title">{tr(DeskMsg::Conflicts)}</h1>
            <ErrorBanner error on_retry=Callback::new(move |()| load()) />
            {move || match list.get() {
                None if error.with(Option::is_none) => view! { <p class="status">{tr(Msg::Loading)}</p> }.into_any(),
                None => ().into_any(),
                Some(list) if list.conflicts.is_empty() => {
                    view! { <p class="status" data-testid="conflicts-empty">{tr(DeskMsg::NoConflicts)}</p> }.into_any()
                }
                Some(list) => {
                    let fields = Arc::new(list.fields);
                    view! {
                        <ul class="review-list">
                            {list.conflicts.into_iter().map(|conflict| view! {
                                <ConflictRow conflict fields=fields.clone() />
                            }).collect_view()}
                        </ul>
                        {list.next.is_some().then(|| view! {
                            <button class="secondary wide" data-testid="conflicts-more" on:click=load_more>
                                {tr(DeskMsg::MoreConflicts)}
                            </button>
                        })}
                    }.into_any()
                }
            }}
        </section>
    }
}

/// One side as the supervisor compares it.
struct Side {
    value: String,
    who: String,
    at: f64,
    stands: bool,
    submission: Option<SubmissionId>,
}

impl Side {
    fn of<W>(side: &ConflictSide<W>, value: String) -> Side {
        Side {
            value,
            who: side
                .author_name
                .clone()
                .unwrap_or_else(|| side.provenance.author.clone()),
            at: millis(side.provenance.captured_at),
            stands: side.stands,
            submission: side.provenance.submission,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Choosing {
    Idle,
    Sending,
    Settled,
}

#[component]
fn ConflictRow(conflict: OpenConflict, fields: Arc<Vec<ExtraField>>) -> impl IntoView {
    let state = RwSignal::new(Choosing::Idle);
    let failure = RwSignal::new(None::<String>);
    let place = &conflict.household;
    let code = place.code.clone();
    let who = conflict
        .member
        .as_ref()
        .and_then(|m| m.name.clone())
        .unwrap_or_default();
    let sides = sides_of(&conflict.sides, &fields);
    let field = field_label(&conflict.field, &conflict.sides, &fields);
    let choose = {
        let member = conflict.member.as_ref().map(|m| m.person.clone());
        let field = conflict.field.clone();
        move |chosen: SubmissionId| {
            let choice = ResolveConflict {
                id: SubmissionId(Uuid::new_v4()),
                household: code.clone(),
                round: None,
                member: member.clone(),
                field: field.clone(),
                choose: chosen,
            };
            state.set(Choosing::Sending);
            spawn_local(async move {
                match api::resolve(&choice).await {
                    Ok(()) => {
                        failure.set(None);
                        state.set(Choosing::Settled);
                    }
                    Err(err) => {
                        failure.set(Some(err.message()));
                        state.set(Choosing::Idle);
                    }
                }
            });
        }
    };
    let cards = sides
        .into_iter()
        .map(|side| {
            let choose = choose.clone();
            let button = side.submission.map(|chosen| {
                view! {
                    <button
                        class="primary"
                        data-testid="choose-side"
                        disabled=move || state.get() != Choosing::Idle
                        on:click=move |_| choose(chosen)
                    >
                        {tr(DeskMsg::ChooseThis)}
                    </button>
                }
            });
            view! {
                <li class="conflict-side" data-testid="conflict-side">
                    <strong class="side-value">{side.value}</strong>
                    <span class="status-line">{side.who}" · "{clock(side.at)}</span>
                    {side.stands.then(|| view! { <span class="badge waiting">{tr(DeskMsg::StandsNow)}</span> })}
                    {button}
                </li>
            }
        })
        .collect_view();
    view! {
        <li class="review-item" data-testid=format!("conflict-{}", place.code)>
            <div class="review-head">
                <strong>{place.building.clone()}" "{place.room.clone()}" "{who}</strong>
                <span class="badge alert">{field}</span>
            </div>
            {move || failure.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || match state.get() {
                Choosing::Settled => view! {
                    <p class="accepted" role="status" data-testid="conflict-settled">{tr(DeskMsg::ConflictSettled)}</p>
                }.into_any(),
                _ => view! { <ul class="conflict-sides">{cards.clone()}</ul> }.into_any(),
            }}
        </li>
    }
}

fn sides_of(sides: &ConflictSides, fields: &[ExtraField]) -> Vec<Side> {
    match sides {
        ConflictSides::Field { sides } => sides
            .iter()
            .map(|s| Side::of(s, value_text(s.write.shown())))
            .collect(),
        ConflictSides::Household { sides } => sides
            .iter()
            .map(|s| Side::of(s, value_text(s.write.shown())))
            .collect(),
        ConflictSides::Extra { sides } => sides
            .iter()
            .map(|s| Side::of(s, extra_value(fields, s.write.key, s.write.value.as_ref())))
            .collect(),
        ConflictSides::Membership { sides } => sides
            .iter()
            .map(|s| Side::of(s, membership_value(s.write)))
            .collect(),
        ConflictSides::RemovedWhileEdited { removal, edits } => {
            let mut all = vec![Side::of(removal, membership_value(removal.write))];
            all.extend(edits.iter().map(|s| {
                let mut writes: Vec<String> = s
                    .write
                    .writes
                    .iter()
                    .map(|w| {
                        format!(
                            "{}: {}",
                            both(w.key().zh(), w.key().en()),
                            value_text(w.shown())
                        )
                    })
                    .collect();
                writes.extend(s.write.extra.iter().map(|w| {
                    let name = extra_label(fields, &w.key.field_name());
                    format!("{name}: {}", extra_value(fields, w.key, w.value.as_ref()))
                }));
                Side::of(s, writes.join("; "))
            }));
            all
        }
    }
}

/// The conflict's field as people call it.
fn field_label(name: &str, sides: &ConflictSides, fields: &[ExtraField]) -> String {
    match sides {
        ConflictSides::Household { .. } => HouseholdKey::named(name)
            .map(|k| both(k.zh(), k.en()))
            .unwrap_or(name)
            .to_owned(),
        ConflictSides::Field { .. } => FieldKey::named(name)
            .map(|k| both(k.zh(), k.en()))
            .unwrap_or(name)
            .to_owned(),
        ConflictSides::Extra { .. } => extra_label(fields, name),
        ConflictSides::Membership { .. } | ConflictSides::RemovedWhileEdited { .. } => {
            tr(DeskMsg::MembershipChange).to_owned()
        }
    }
}

/// An added field named as the round's definitions name it, else by its
/// key.
fn extra_label(fields: &[ExtraField], name: &str) -> String {
    let key = ExtraKey::from_field_name(name);
    match fields.iter().find(|f| Some(f.key) == key) {
        Some(field) => caption(field).to_owned(),
        None => name.to_owned(),
    }
}

/// An added field's value in words: a choice by its label, a number with
/// its unit.
fn extra_value(fields: &[ExtraField], key: ExtraKey, value: Option<&ExtraValue>) -> String {
    let Some(value) = value else {
        return tr(Msg::NotSet).to_owned();
    };
    match fields.iter().find(|f| f.key == key) {
        Some(field) => value_text(field.shown(value)),
        None => match value {
            ExtraValue::Bool(b) => tr(if *b { Msg::Yes } else { Msg::No }).to_owned(),
            ExtraValue::Int(n) => n.to_string(),
            ExtraValue::Text(text) => text.clone(),
        },
    }
}

fn membership_value(change: Membership) -> String {
    match change {
        Membership::Joined(reason) => format!("{}: {}", tr(DeskMsg::Joined), label(reason)),
        Membership::Left(reason) => format!("{}: {}", tr(DeskMsg::Left), label(reason)),
    }
}
