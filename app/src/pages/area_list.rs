//! A team's list for an area of many households (`roster::BUILDINGS_FROM`
//! or more): the buildings in walking order, each with its progress, one
//! opened at a time to its floors and households; a search as the user
//! types, over every household; and the buildings a member took on today,
//! to narrow the list to. Where the list was (the open building, the
//! search, the scroll) is kept for coming back from a household. Loaded as
//! a lazy module (`desk.rs`): a small area's list needs none of it.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use leptos::prelude::*;
use shared::round::CHINA;
use shared::wire::RosterHousehold;
use time::OffsetDateTime;

use crate::device::{self, Store};
use crate::i18n::{Msg, both, tr};
use crate::list_face::{self, Building, BuildingKey, ListFace};
use crate::outbox::{Entry, State, state_of};
use crate::pages::roster::{Line, RosterLines, lines, matches};
use crate::sync::Sync;
use crate::{RosterCache, Session};

/// The most households a search shows at once: type more to narrow it.
const SHOWN_FOUND: usize = 60;

/// Where the list was, kept while the app runs, for the user it was.
#[derive(Clone)]
struct Kept {
    user: ArcRwSignal<Option<String>>,
    open: ArcRwSignal<Option<BuildingKey>>,
    query: ArcRwSignal<String>,
    today_only: ArcRwSignal<bool>,
    scroll: ArcRwSignal<f64>,
}

/// Made once, outside any view, so that leaving the list disposes of
/// nothing.
fn kept() -> Kept {
    static KEPT: OnceLock<Kept> = OnceLock::new();
    KEPT.get_or_init(|| Kept {
        user: ArcRwSignal::new(None),
        open: ArcRwSignal::new(None),
        query: ArcRwSignal::new(String::new()),
        today_only: ArcRwSignal::new(false),
        scroll: ArcRwSignal::new(0.0),
    })
    .clone()
}

/// The buildings in walking order, with their progress.
fn buildings(households: &[RosterHousehold], outbox: &[Entry]) -> Vec<Building> {
    let mut list: Vec<Building> = Vec::new();
    for h in households {
        let key = (h.grid.clone(), h.building.clone());
        if list.last().is_none_or(|b| b.key != key) {
            list.push(Building {
                key,
                households: 0,
                surveyed: 0,
                visited: 0,
            });
        }
        let b = list.last_mut().expect("just pushed");
        b.households += 1;
        match state_of(h, outbox) {
            State::Surveyed | State::Waiting => b.surveyed += 1,
            State::Visited => b.visited += 1,
            _ => {}
        }
    }
    list
}

/// Where today's buildings are kept on the phone: one key per user and day.
fn today_key(username: &str) -> String {
    let today = OffsetDateTime::now_utc().to_offset(CHINA).date();
    format!("today:{username}:{today}")
}

fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn load_today(key: &str) -> BTreeSet<String> {
    (local_storage().and_then(|s| s.get_item(key).ok().flatten()))
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn save_today(key: &str, today: &BTreeSet<String>) {
    if let (Some(storage), Ok(text)) = (local_storage(), serde_json::to_string(today)) {
        let _ = storage.set_item(key, &text);
    }
}

fn key_text((grid, building): &BuildingKey) -> String {
    format!("{grid} {building}")
}

#[component]
pub fn AreaList() -> impl IntoView {
    let RosterCache(cache) = expect_context();
    let Session(session) = expect_context();
    let sync: Sync = expect_context();
    let kept = kept();
    let username = session.with_untracked(|s| s.as_ref().map(|s| s.username.clone()));
    // Another user on the same phone starts from the top of their own list.
    if kept.user.get_untracked() != username {
        kept.user.set(username.clone());
        kept.open.set(None);
        kept.query.set(String::new());
        kept.today_only.set(false);
        kept.scroll.set(0.0);
    }
    let open: RwSignal<Option<BuildingKey>> = kept.open.into();
    let query: RwSignal<String> = kept.query.into();
    let today_only: RwSignal<bool> = kept.today_only.into();
    let scroll: RwSignal<f64> = kept.scroll.into();
    let stored_at = StoredValue::new(today_key(&username.unwrap_or_default()));
    let today = RwSignal::new(stored_at.with_value(|key| load_today(key)));
    let toggle_today = move |key: String| {
        today.update(|t| {
            if !t.remove(&key) {
                t.insert(key);
            }
        });
        today.with_untracked(|t| stored_at.with_value(|key| save_today(key, t)));
    };

    // From the roster, or from the list's face until the roster is read.
    let all = Memo::new(move |_| {
        cache.with(|r| match r {
            Some(r) => sync.outbox.with(|o| buildings(&r.households, o)),
            None => sync.face.get().unwrap_or_default(),
        })
    });
    // What the list shows is its face for the next opening.
    Effect::new(move |_| {
        let shown = all.get();
        let user = session.with_untracked(|s| s.as_ref().map(|s| (s.username.clone(), s.round)));
        if let (true, Some((user, round))) = (cache.with_untracked(Option::is_some), user) {
            let face = ListFace {
                round,
                buildings: shown,
            };
            leptos::task::spawn_local(async move {
                let _ = device::put(Store::State, &list_face::key(&user), &face).await;
            });
        }
    });
    let shown = move || {
        let only = today_only.get() && today.with(|t| !t.is_empty());
        all.with(|all| {
            all.iter()
                .filter(|b| !only || today.with(|t| t.contains(&key_text(&b.key))))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    // The households a search finds, at most `SHOWN_FOUND` of them, and
    // how many it found.
    let found = Memo::new(move |_| {
        let q = query.get();
        if q.trim().is_empty() {
            return (Vec::new(), 0);
        }
        cache.with(|r| {
            let hits: Vec<&RosterHousehold> = (r.iter().flat_map(|r| &r.households))
                .filter(|h| matches(h, &q))
                .collect();
            let n = hits.len();
            (hits.into_iter().take(SHOWN_FOUND).cloned().collect(), n)
        })
    });
    let households_of = move |key: BuildingKey| {
        cache.with(|r| {
            (r.iter().flat_map(|r| &r.households))
                .filter(|h| h.grid == key.0 && h.building == key.1)
                .cloned()
                .collect::<Vec<_>>()
        })
    };

    // Back from a household: to where the list was, once the list is tall
    // enough again (the open building draws a frame or two later).
    let restored = StoredValue::new(false);
    Effect::new(move |_| {
        if cache.with(Option::is_some) && !restored.get_value() {
            restored.set_value(true);
            scroll_back(scroll.get_untracked(), 20);
        }
    });
    // Where the list was when a household was opened from it.
    let leaving = move |_| scroll.set(window().scroll_y().unwrap_or(0.0));

    view! {
        <div class="area-list" data-testid="area-list" on:click=leaving>
            <input
                class="search"
                type="search"
                data-testid="search"
                placeholder=both("搜索姓名、房号或身份证后几位", "Search name, room or last ID digits")
                aria-label=both("搜索姓名、房号或身份证后几位", "Search name, room or last ID digits")
                bind:value=query
            />
            {move || {
                let n = today.with(BTreeSet::len);
                (n > 0 && query.with(|q| q.trim().is_empty())).then(|| view! {
                    <button
                        class="chip"
                        class:on=move || today_only.get()
                        data-testid="today-only"
                        aria-pressed=move || today_only.get().to_string()
                        on:click=move |_| today_only.update(|t| *t = !*t)
                    >
                        {both("只看今日楼栋", "Today's buildings only")}" ("{n}")"
                    </button>
                })
            }}
            {move || {
                let (hits, n) = found.get();
                if query.with(|q| q.trim().is_empty()) {
                    return view! {
                        <ul class="buildings">
                            <For each=shown key=|b| (b.key.clone(), b.households, b.surveyed, b.visited) let:b>
                                <BuildingItem
                                    building=b
                                    open=open
                                    today=today
                                    toggle_today=toggle_today
                                    households_of=households_of
                                />
                            </For>
                        </ul>
                    }.into_any();
                }
                let more = n.saturating_sub(hits.len());
                if cache.with(Option::is_none) {
                    return view! { <p class="status">{tr(Msg::Loading)}</p> }.into_any();
                }
                view! {
                    <p class="status" class:hidden={n > 0}>{both("没有找到符合的住户", "No household matches")}</p>
                    <RosterLines lines=lines(hits.into_iter()) />
                    <p class="status" class:hidden={more == 0} data-testid="found-more">
                        {format!("{} {more} {}", both("还有", "And"), both("户，请输入更多字缩小范围", "more: type more to narrow"))}
                    </p>
                }.into_any()
            }}
        </div>
    }
}

/// Scrolls the window to `y` once the page is tall enough, trying again
/// on each of the next `frames` frames.
fn scroll_back(y: f64, frames: u32) {
    request_animation_frame(move || {
        let height = document()
            .document_element()
            .map_or(0.0, |root| f64::from(root.scroll_height()));
        let room = height
            - window()
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(0.0);
        if room >= y || frames == 0 {
            window().scroll_to_with_x_and_y(0.0, y);
        } else {
            scroll_back(y, frames - 1);
        }
    });
}

#[component]
fn BuildingItem(
    building: Building,
    open: RwSignal<Option<BuildingKey>>,
    today: RwSignal<BTreeSet<String>>,
    toggle_today: impl Fn(String) + Copy + Send + 'static,
    households_of: impl Fn(BuildingKey) -> Vec<RosterHousehold> + Copy + Send + 'static,
) -> impl IntoView {
    let key = building.key.clone();
    let text = key_text(&key);
    let is_open = {
        let key = key.clone();
        Memo::new(move |_| open.with(|o| o.as_ref() == Some(&key)))
    };
    let is_today = {
        let text = text.clone();
        move || today.with(|t| t.contains(&text))
    };
    let share = (building.surveyed * 100)
        .checked_div(building.households)
        .unwrap_or(0);
    let testid = format!("building-{}", building.key.1);
    let toggle = {
        let key = key.clone();
        move |_| {
            open.update(|o| {
                *o = if o.as_ref() == Some(&key) {
                    None
                } else {
                    Some(key.clone())
                }
            })
        }
    };
    view! {
        <li class="building" data-testid=testid>
            <div class="building-line">
                <button
                    class="building-open"
                    aria-expanded=move || is_open.get().to_string()
                    on:click=toggle
                >
                    <span class="name">{building.key.1.clone()}</span>
                    <span class="progress" data-testid="progress">
                        {format!("{}/{}", building.surveyed, building.households)}
                    </span>
                    <span class="bar"><span style:width=format!("{share}%")></span></span>
                </button>
                <button
                    class="today"
                    class:on=is_today.clone()
                    data-testid="today"
                    aria-pressed=move || is_today().to_string()
                    aria-label=both("今日楼栋", "Today's building")
                    on:click=move |_| toggle_today(text.clone())
                >
                    {both("今日", "Today")}
                </button>
            </div>
            {move || is_open.get().then(|| {
                // Under the building's own line: its floors and households.
                let lines = (lines(households_of(key.clone()).into_iter()).into_iter())
                    .filter(|l| !matches!(l, Line::Building(..)))
                    .collect();
                view! { <RosterLines lines=lines /> }
            })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::place::{GridCode, HouseholdCode};

    fn household(
        grid: &str,
        building: &str,
        room: &str,
        surveyed: bool,
        visited: bool,
    ) -> RosterHousehold {
        RosterHousehold {
            code: HouseholdCode::parse(&format!("{grid}-{}-{room}", &building[..1])).unwrap(),
            grid: GridCode::parse(grid).unwrap(),
            building: building.into(),
            floor: 1,
            room: room.into(),
            record: Default::default(),
            masked_phone: None,
            members: Vec::new(),
            surveyed,
            surveyed_by: None,
            visited,
            conflicted: false,
            returned: None,
            base: Vec::new(),
        }
    }

    #[test]
    fn each_building_of_each_grid_counts_its_own_progress() {
        let list = buildings(
            &[
                household("G1", "1号楼", "101", true, false),
                household("G1", "1号楼", "102", false, true),
                household("G1", "1号楼", "103", false, false),
                household("G1", "2号楼", "101", false, false),
                household("G2", "1号楼", "101", true, true),
            ],
            &[],
        );
        let got: Vec<(String, usize, usize, usize)> = list
            .iter()
            .map(|b| (key_text(&b.key), b.households, b.surveyed, b.visited))
            .collect();
        assert_eq!(
            got,
            [
                ("G1 1号楼".to_owned(), 3, 1, 1),
                ("G1 2号楼".to_owned(), 1, 0, 0),
                ("G2 1号楼".to_owned(), 1, 1, 0),
            ]
        );
    }
}
