//! Recording what a team did for a household it follows up (帮扶措施):
//! for the household or one of its members, what was done, the employer
//! and post of a job referral, a note. Saved to the outbox like a survey,
//! so it is kept offline and sent when the phone reaches the server.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::codes::{ActionKind, Code};
use shared::follow_up::{FollowUpAction, is_seeking_work};
use shared::place::PersonId;
use shared::wire::RosterHousehold;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::i18n::{Msg, issue, label, tr};
use crate::outbox::Entry;
use crate::pages::roster::describe;
use crate::sync::Sync;

/// Where recording stands.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Closed,
    Open,
    Saving,
    Saved(Uuid),
    Failed,
}

#[component]
pub fn HelpRecorder(household: RosterHousehold) -> impl IntoView {
    let sync: Sync = expect_context();
    let step = RwSignal::new(Step::Closed);
    let member = RwSignal::new(None::<PersonId>);
    let kind = RwSignal::new(None::<ActionKind>);
    let employer = RwSignal::new(String::new());
    let post = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let today = OffsetDateTime::now_utc().date();
    let members: Vec<(PersonId, String, bool)> = (household.members.iter())
        .map(|m| {
            let name = m
                .record
                .name
                .clone()
                .unwrap_or_else(|| m.person.to_string());
            (
                m.person.clone(),
                name,
                is_seeking_work(&m.record, today, None),
            )
        })
        .collect();
    let code = household.code.clone();
    let what = describe(&household);
    let text = |s: RwSignal<String>| {
        let t = s.get_untracked().trim().to_owned();
        (!t.is_empty()).then_some(t)
    };
    let save = move || {
        let Some(chosen) = kind.get_untracked() else {
            return;
        };
        let action = FollowUpAction {
            id: Uuid::new_v4(),
            household: code.clone(),
            member: member.get_untracked(),
            kind: chosen,
            employer: text(employer),
            post: text(post),
            note: text(note),
            done_at: OffsetDateTime::now_utc(),
        };
        if let Err(code) = action.check() {
            problem.set(Some(issue(code)));
            return;
        }
        problem.set(None);
        step.set(Step::Saving);
        let what = format!("{what} · {}", label(chosen));
        spawn_local(async move {
            let id = action.id;
            match sync.enqueue(Entry::action(&action), what).await {
                Ok(()) => step.set(Step::Saved(id)),
                Err(_) => step.set(Step::Failed),
            }
        });
    };
    let reset = move || {
        member.set(None);
        kind.set(None);
        employer.set(String::new());
        post.set(String::new());
        note.set(String::new());
        step.set(Step::Open);
    };
    let sent = move |id: Uuid| sync.delivered.with(|d| d.contains(&id));
    view! {
        <div class="help-recorder" data-testid="help">
            {move || match step.get() {
                Step::Closed => view! {
                    <button class="secondary wide" data-testid="help-open" on:click=move |_| step.set(Step::Open)>
                        {tr(Msg::RecordHelp)}
                    </button>
                }.into_any(),
                Step::Open => {
                    let members = members.clone();
                    let save = save.clone();
                    view! {
                        <h2 class="section-title">{tr(Msg::RecordHelp)}</h2>
                        <p class="field-label">{tr(Msg::HelpFor)}</p>
                        <div class="chips" role="group" aria-label=tr(Msg::HelpFor)>
                            <button class="choice" aria-pressed=move || member.get().is_none().to_string()
                                data-testid="help-member-household" on:click=move |_| member.set(None)>
                                {tr(Msg::WholeHousehold)}
                            </button>
                            {members.into_iter().map(|(person, name, seeking)| {
                                let id = person.clone();
                                let testid = format!("help-member-{person}");
                                view! {
                                    <button class="choice" aria-pressed=move || member.with(|m| m.as_ref() == Some(&id)).to_string()
                                        data-testid=testid on:click=move |_| member.set(Some(person.clone()))>
                                        {name}{seeking.then(|| tr(Msg::SeekingTag))}
                                    </button>
                                }
                            }).collect_view()}
                        </div>
                        <p class="field-label">{tr(Msg::HelpKind)}</p>
                        <div class="chips" role="group" aria-label=tr(Msg::HelpKind)>
                            {ActionKind::ALL.iter().map(|&k| view! {
                                <button class="choice" aria-pressed=move || (kind.get() == Some(k)).to_string()
                                    data-testid=format!("help-kind-{}", k.code()) on:click=move |_| kind.set(Some(k))>
                                    {label(k)}
                                </button>
                            }).collect_view()}
                        </div>
                        {move || (kind.get() == Some(ActionKind::JobReferral)).then(|| view! {
                            <label class="field">
                                <span class="field-label">{tr(Msg::HelpEmployer)}</span>
                                <input type="text" data-testid="help-employer" bind:value=employer />
                            </label>
                            <label class="field">
                                <span class="field-label">{tr(Msg::HelpPost)}</span>
                                <input type="text" data-testid="help-post" bind:value=post />
                            </label>
                        })}
                        <label class="field">
                            <span class="field-label">{tr(Msg::HelpNote)}</span>
                            <textarea data-testid="help-note" bind:value=note></textarea>
                        </label>
                        {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
                        <button class="primary wide" data-testid="help-save"
                            disabled=move || kind.get().is_none() on:click=move |_| save()>
                            {tr(Msg::SaveHelp)}
                        </button>
                    }.into_any()
                }
                Step::Saving => view! { <p class="status">{tr(Msg::Saving)}</p> }.into_any(),
                Step::Saved(id) => view! {
                    <p class="badge done" role="status" data-testid="help-saved">
                        {tr(Msg::HelpRecorded)}" · "
                        {move || if sent(id) { tr(Msg::Sent) } else { tr(Msg::Waiting) }}
                    </p>
                    <button class="secondary wide" on:click=move |_| reset()>{tr(Msg::RecordMoreHelp)}</button>
                }.into_any(),
                Step::Failed => view! {
                    <p class="error" role="alert">{tr(Msg::StorageFailed)}</p>
                }.into_any(),
            }}
        </div>
    }
}
