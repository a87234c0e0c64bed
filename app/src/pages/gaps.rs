//! Supervisors: who is still to be surveyed and who to be visited, each
//! with their last visit and its outcome.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{self, GapRow, GapsView};
use crate::components::header::{Header, clock};
use crate::desk_text::DeskMsg;
use crate::i18n::{label, tr};
use crate::loading::{ErrorBanner, fetch_into};

#[component]
pub fn GapsPage() -> impl IntoView {
    let query = use_query_map();
    // Narrowed to an area, a grid or a grid's building, as the link asked.
    let asked: Vec<(&'static str, String)> = ["area", "grid", "building"]
        .into_iter()
        .filter_map(|name| query.with_untracked(|q| q.get(name)).map(|v| (name, v)))
        .collect();
    let gaps = RwSignal::new(None::<GapsView>);
    let error = RwSignal::new(None::<String>);
    let load = {
        let asked = asked.clone();
        move || fetch_into(api::gaps(asked.clone()), gaps, error)
    };
    load();
    // A page covers some grids; the next is added below it.
    let more = RwSignal::new(None::<GapsView>);
    let load_more = {
        let asked = asked.clone();
        move |_| {
            let Some(next) = gaps.with_untracked(|g| g.as_ref().and_then(|g| g.next.clone()))
            else {
                return;
            };
            let mut asked = asked.clone();
            asked.push(("after", next));
            fetch_into(api::gaps(asked), more, error);
        }
    };
    Effect::new(move |_| {
        if let Some(page) = more.get() {
            gaps.update(|g| {
                if let Some(g) = g {
                    g.not_surveyed.extend(page.not_surveyed);
                    g.not_visited.extend(page.not_visited);
                    g.next = page.next;
                }
            });
        }
    });
    let title = std::iter::once(tr(DeskMsg::MissingList).to_owned())
        .chain(asked.into_iter().map(|(_, value)| value))
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <Header />
        <section class="gaps">
            <h1 class="page-title">{title}</h1>
            <ErrorBanner error on_retry=Callback::new(move |()| load()) />
            {move || gaps.get().map(|g| view! {
                <GapList title=tr(DeskMsg::NotSurveyedList) households=g.not_surveyed testid="not-surveyed" />
                <GapList title=tr(DeskMsg::NotVisitedList) households=g.not_visited testid="not-visited" />
            })}
            {move || gaps.with(|g| g.as_ref().is_some_and(|g| g.next.is_some())).then(|| view! {
                <button class="secondary wide" data-testid="gaps-more" on:click=load_more.clone()>
                    {tr(DeskMsg::MoreGaps)}
                </button>
            })}
        </section>
    }
}

#[component]
fn GapList(title: &'static str, households: Vec<GapRow>, testid: &'static str) -> impl IntoView {
    let count = households.len();
    let rows = households
        .into_iter()
        .map(|h| {
            let last = match &h.last_visit {
                Some(v) => format!(
                    "{}{} · {} · {}",
                    tr(DeskMsg::LastVisit),
                    clock(js_sys::Date::parse(&v.visited_at)),
                    label(v.outcome),
                    v.author
                ),
                None => tr(DeskMsg::NeverVisited).to_owned(),
            };
            view! {
                <li class="gap-line" data-testid=format!("gap-{}", h.code)>
                    <strong>{h.building}" "{h.room}</strong>
                    <span class="status-line">{last}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section data-testid=testid>
            <h2 class="section-title">{title}" ("{count}")"</h2>
            <ul class="outbox-list">{rows}</ul>
        </section>
    }
}
