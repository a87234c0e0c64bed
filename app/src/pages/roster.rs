//! The households of the caller's grid, grouped by building.

use leptos::prelude::*;
use shared::wire::RosterHousehold;

use crate::components::header::Header;
use crate::i18n::{Msg, tr};
use crate::loading::{ErrorBanner, fetch_into};
use crate::{RosterCache, api};

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

#[component]
fn HouseholdRow(household: RosterHousehold) -> impl IntoView {
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
        </li>
    }
}
