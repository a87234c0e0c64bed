//! Supervisors: a round's submissions to approve, to return to the
//! resident work team with a reason, or to correct directly.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::codes::{ReviewDecision, SubmissionKind};
use shared::wire::{ChangeSummary, ReviewItem, ReviewList, ReviewRequest, ReviewState};
use time::OffsetDateTime;

use crate::api;
use crate::components::header::{Header, clock};
use crate::desk_text::DeskMsg;
use crate::i18n::{Msg, label, tr};
use crate::loading::{ErrorBanner, fetch_into};

/// The states a supervisor filters by, pending first: what needs them.
const FILTERS: [(Option<&str>, DeskMsg); 4] = [
    (Some("pending"), DeskMsg::Pending),
    (Some("returned"), DeskMsg::ReturnedFilter),
    (Some("corrected"), DeskMsg::CorrectedFilter),
    (None, DeskMsg::All),
];

/// Reasons supervisors give most, one tap each; any other can be typed.
const REASONS: [DeskMsg; 3] = [
    DeskMsg::ReasonCheckEmployment,
    DeskMsg::ReasonIncomplete,
    DeskMsg::ReasonCheckMembers,
];

#[component]
pub fn ReviewPage() -> impl IntoView {
    let filter = RwSignal::new(FILTERS[0].0);
    let list = RwSignal::new(None::<ReviewList>);
    let error = RwSignal::new(None::<String>);
    let load = move || fetch_into(api::review(filter.get_untracked(), 0), list, error);
    load();
    let more = RwSignal::new(None::<ReviewList>);
    let load_more = move |_| {
        let shown = list.with_untracked(|l| l.as_ref().map_or(0, |l| l.submissions.len()));
        fetch_into(api::review(filter.get_untracked(), shown), more, error);
    };
    // The next page joins the list below what is shown.
    Effect::new(move |_| {
        if let Some(page) = more.get() {
            list.update(|l| {
                if let Some(l) = l {
                    l.submissions.extend(page.submissions);
                    l.total = page.total;
                }
            });
        }
    });
    let chips = FILTERS
        .into_iter()
        .map(|(state, msg)| {
            view! {
                <button
                    type="button"
                    class="choice"
                    data-testid=format!("review-filter-{}", state.unwrap_or("all"))
                    aria-pressed=move || (filter.get() == state).to_string()
                    on:click=move |_| {
                        filter.set(state);
                        list.set(None);
                        load();
                    }
                >
                    {tr(msg)}
                </button>
            }
        })
        .collect_view();
    view! {
        <Header />
        <section class="review">
            <h1 class="page-title">{tr(Msg::Review)}</h1>
            <div class="page-actions">
                <a class="secondary" href="/conflicts" data-testid="to-conflicts">{tr(DeskMsg::Conflicts)}</a>
                <a class="secondary" href="/import" data-testid="to-import">{tr(DeskMsg::ImportRoster)}</a>
            </div>
            <div class="chips filters" role="group" aria-label=tr(Msg::Review)>{chips}</div>
            <ErrorBanner error on_retry=Callback::new(move |()| load()) />
            {move || match list.get() {
                None if error.with(Option::is_none) => view! { <p class="status">{tr(Msg::Loading)}</p> }.into_any(),
                None => ().into_any(),
                Some(list) if list.submissions.is_empty() => {
                    view! { <p class="status" data-testid="review-empty">{tr(DeskMsg::NothingToReview)}</p> }.into_any()
                }
                Some(list) => {
                    let rest = (list.total as usize).saturating_sub(list.submissions.len());
                    view! {
                        <ul class="review-list">
                            {list.submissions.into_iter().map(|item| view! { <ReviewRow item /> }).collect_view()}
                        </ul>
                        {(rest > 0).then(|| view! {
                            <button class="secondary wide" data-testid="review-more" on:click=load_more>
                                {tr(DeskMsg::LoadMore)}" ("{rest}")"
                            </button>
                        })}
                    }.into_any()
                }
            }}
        </section>
    }
}

/// Where a supervisor's decision on one row stands.
#[derive(Clone, Debug, PartialEq)]
enum Deciding {
    Idle,
    /// Writing the reason to return it.
    Returning,
    Sending,
    Done(ReviewDecision),
}

#[component]
fn ReviewRow(item: ReviewItem) -> impl IntoView {
    let deciding = RwSignal::new(Deciding::Idle);
    let reason = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    // A reason written answers the "reason needed" message.
    let write_reason = move |text: String| {
        reason.set(text);
        failure.set(None);
    };
    let id = item.submission;
    let decide = move |decision: ReviewDecision| {
        let reason = match decision {
            ReviewDecision::Return => Some(reason.get_untracked().trim().to_owned()),
            ReviewDecision::Approve => None,
        };
        if reason.as_deref() == Some("") {
            failure.set(Some(tr(DeskMsg::ReasonNeeded).to_owned()));
            return;
        }
        deciding.set(Deciding::Sending);
        spawn_local(async move {
            match api::decide(id, &ReviewRequest { decision, reason }).await {
                Ok(()) => {
                    failure.set(None);
                    deciding.set(Deciding::Done(decision));
                }
                Err(err) => {
                    failure.set(Some(err.message()));
                    deciding.set(match decision {
                        ReviewDecision::Return => Deciding::Returning,
                        ReviewDecision::Approve => Deciding::Idle,
                    });
                }
            }
        });
    };
    let place = &item.household;
    let code = place.code.to_string();
    let correct = format!("/households/{code}?correct");
    let pending = item.review == ReviewState::Pending;
    let (badge, state_text) = state_badge(&item.review);
    let who = item
        .author_name
        .clone()
        .unwrap_or_else(|| item.author.clone());
    let mut meta = format!("{who} · {}", clock(millis(item.captured_at)));
    if item.kind != SubmissionKind::Survey {
        meta = format!("{} · {meta}", label(item.kind));
    }
    let note = match &item.review {
        ReviewState::Returned { reason, by, .. } | ReviewState::Corrected { reason, by, .. } => {
            Some(format!("{}{by}: {reason}", tr(Msg::ReturnedBy)))
        }
        _ => None,
    };
    let quick = REASONS
        .into_iter()
        .map(|msg| {
            view! {
                <button type="button" class="choice" on:click=move |_| write_reason(tr(msg).to_owned())>
                    {tr(msg)}
                </button>
            }
        })
        .collect_view();
    view! {
        <li class="review-item" data-testid=format!("review-{code}")>
            <div class="review-head">
                <strong>{place.building.clone()}" "{place.room.clone()}</strong>
                {move || match deciding.get() {
                    Deciding::Done(decision) => view! {
                        <span class="badge done" data-testid="review-state">{label(decision)}</span>
                    }.into_any(),
                    _ => view! { <span class=badge data-testid="review-state">{state_text}</span> }.into_any(),
                }}
            </div>
            <p class="status-line">{meta}</p>
            // The capture time is the phone's own, kept as it was given.
            {item.clock.map(|doubt| view! {
                <p class="error" data-testid="review-clock">{label(doubt)}</p>
            })}
            <p class="status-line">{changes(&item.changes)}</p>
            {note.map(|n| view! { <p class="status-line">{n}</p> })}
            {move || failure.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || match deciding.get() {
                Deciding::Idle => view! {
                    <div class="review-actions">
                        {pending.then(|| view! {
                            <button class="primary" data-testid="approve" on:click=move |_| decide(ReviewDecision::Approve)>
                                {tr(DeskMsg::Approve)}
                            </button>
                            <button class="secondary" data-testid="return" on:click=move |_| deciding.set(Deciding::Returning)>
                                {tr(DeskMsg::ReturnIt)}
                            </button>
                        })}
                        <a class="secondary" href=correct.clone() data-testid="correct">{tr(DeskMsg::Correct)}</a>
                    </div>
                }.into_any(),
                Deciding::Returning => view! {
                    <div class="return-form">
                        <div class="chips">{quick.clone()}</div>
                        <label class="field">
                            <span class="field-caption">{tr(DeskMsg::ReturnReason)}</span>
                            <textarea
                                class="field-input"
                                data-testid="return-reason"
                                maxlength="200"
                                prop:value=move || reason.get()
                                on:input=move |ev| write_reason(event_target_value(&ev))
                            ></textarea>
                        </label>
                        <div class="review-actions">
                            <button class="secondary" on:click=move |_| deciding.set(Deciding::Idle)>{tr(Msg::Cancel)}</button>
                            <button class="primary" data-testid="confirm-return" on:click=move |_| decide(ReviewDecision::Return)>
                                {tr(DeskMsg::ConfirmReturn)}
                            </button>
                        </div>
                    </div>
                }.into_any(),
                Deciding::Sending => view! { <p class="status">{tr(DeskMsg::Submitting)}</p> }.into_any(),
                Deciding::Done(_) => ().into_any(),
            }}
        </li>
    }
}

fn state_badge(state: &ReviewState) -> (&'static str, &'static str) {
    match state {
        ReviewState::Pending => ("badge todo", tr(DeskMsg::Pending)),
        ReviewState::Approved { .. } => ("badge done", label(ReviewDecision::Approve)),
        ReviewState::Returned { .. } => ("badge alert", tr(Msg::Returned)),
        ReviewState::Corrected { .. } => ("badge waiting", tr(DeskMsg::CorrectedFilter)),
    }
}

/// What a submission changed, in a line: members, fields, who joined or left.
fn changes(c: &ChangeSummary) -> String {
    let mut parts = vec![
        format!("{}{}", c.members, tr(Msg::People)),
        format!(
            "{}{}",
            c.writes + c.household_writes,
            tr(DeskMsg::FieldsChanged)
        ),
    ];
    if c.joined > 0 {
        parts.push(format!("{}{}", tr(DeskMsg::JoinedCount), c.joined));
    }
    if c.left > 0 {
        parts.push(format!("{}{}", tr(DeskMsg::LeftCount), c.left));
    }
    parts.join(" · ")
}

pub fn millis(at: OffsetDateTime) -> f64 {
    (at.unix_timestamp_nanos() / 1_000_000) as f64
}
