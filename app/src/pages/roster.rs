//! The households of the caller's grid, by building and floor, with each
//! one's state this round and a search; visits are marked from here.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::codes::{Code, FollowUp, Role, VisitOutcome};
use shared::follow_up::lists_of;
use shared::place::GridCode;
use shared::record::LabourRecord;
use shared::round::CHINA;
use shared::wire::{RosterHousehold, Visit};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::components::header::Header;
use crate::i18n::{Msg, label, tr};
use crate::outbox::{Entry, State, state_of};
use crate::pages::desk;
use crate::sync::Sync;
use crate::{RosterCache, Session, position};

impl State {
    fn class(self) -> &'static str {
        match self {
            State::NeedsAction => "badge alert",
            State::Waiting => "badge waiting",
            State::Surveyed => "badge done",
            State::Returned => "badge alert",
            State::Conflict => "badge alert",
            State::Visited => "badge visited",
            State::NotYet => "badge todo",
        }
    }

    fn text(self) -> &'static str {
        tr(match self {
            State::NeedsAction => Msg::NeedsAction,
            State::Waiting => Msg::Waiting,
            State::Surveyed => Msg::Surveyed,
            State::Returned => Msg::Returned,
            State::Conflict => Msg::Conflict,
            State::Visited => Msg::VisitedThisRound,
            State::NotYet => Msg::NotSurveyed,
        })
    }
}

/// Whether `household` matches what was typed: a name, a room number, or
/// the last digits of an ID number.
pub fn matches(household: &RosterHousehold, query: &str) -> bool {
    let query = query.trim();
    if query.is_empty() {
        return true;
    }
    if household.room.contains(query) || household.building.contains(query) {
        return true;
    }
    household.members.iter().any(|m| {
        m.record.name.as_deref().is_some_and(|n| n.contains(query))
            || (query.len() >= 3
                && query
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == 'X' || c == 'x')
                && m.record
                    .resident_id
                    .as_ref()
                    .map(|id| id.as_str().to_owned())
                    .or_else(|| m.masked.resident_id.clone())
                    .is_some_and(|id| {
                        id.to_ascii_uppercase()
                            .ends_with(&query.to_ascii_uppercase())
                    }))
    })
}

/// One line of the list: households under their building and floor. A
/// building is its grid's: two grids may each have a 1号楼.
#[derive(Clone)]
pub enum Line {
    Building(GridCode, String),
    Floor(GridCode, String, i16),
    Household(Box<RosterHousehold>),
}

impl Line {
    /// A household keeps its row, and a visit being marked its state,
    /// whatever the roster learns about it: the row reads what it shows
    /// from the roster as it is now (`HouseholdRow`).
    fn key(&self) -> String {
        match self {
            Line::Building(grid, name) => format!("b {grid} {name}"),
            Line::Floor(grid, building, floor) => format!("f {grid} {building} {floor}"),
            Line::Household(h) => format!("h {}", h.code),
        }
    }
}

/// The list in walking order: a heading at each new building and floor.
pub fn lines(households: impl Iterator<Item = RosterHousehold>) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut at: Option<(GridCode, String, i16)> = None;
    for household in households {
        let building_changed = at
            .as_ref()
            .is_none_or(|(g, b, _)| *g != household.grid || *b != household.building);
        if building_changed {
            lines.push(Line::Building(
                household.grid.clone(),
                household.building.clone(),
            ));
        }
        if building_changed || at.as_ref().is_some_and(|(_, _, f)| *f != household.floor) {
            lines.push(Line::Floor(
                household.grid.clone(),
                household.building.clone(),
                household.floor,
            ));
        }
        at = Some((
            household.grid.clone(),
            household.building.clone(),
            household.floor,
        ));
        lines.push(Line::Household(Box::new(household)));
    }
    lines
}

/// From this many households on, the list goes by building
/// (`area_list.rs`): a small grid's list stays whole.
pub const BUILDINGS_FROM: usize = 400;

#[component]
pub fn RosterPage() -> impl IntoView {
    let RosterCache(cache) = expect_context();
    let sync: Sync = expect_context();
    sync.kick();
    // Large by the roster, or, until it is read, by the list's face.
    let large = Memo::new(move |_| {
        cache.with(|r| match r {
            Some(r) => r.households.len() >= BUILDINGS_FROM,
            None => sync.face.with(Option::is_some),
        })
    });
    view! {
        <Header />
        <section class="roster">
            {move || sync.roster_error.get().map(|message| view! {
                <div class="error" role="alert">
                    <p>{message}</p>
                    <button on:click=move |_| sync.kick()>{tr(Msg::Retry)}</button>
                </div>
            })}
            <p
                class="status"
                class:hidden=move || large.get() || cache.with(Option::is_some) || sync.roster_error.with(Option::is_some)
            >
                {tr(Msg::Loading)}
            </p>
            {move || if large.get() { desk::area_list().into_any() } else { view! { <WholeList /> }.into_any() }}
        </section>
    }
}

/// Every household of a small grid, with a search.
#[component]
fn WholeList() -> impl IntoView {
    let RosterCache(cache) = expect_context();
    let query = RwSignal::new(String::new());
    let lines = move || {
        let query = query.get();
        cache.with(|roster| {
            lines(
                roster
                    .iter()
                    .flat_map(|r| &r.households)
                    .filter(|h| matches(h, &query))
                    .cloned(),
            )
        })
    };
    let nothing_found = move || {
        cache.with(|r| r.is_some()) && !query.with(|q| q.trim().is_empty()) && lines().is_empty()
    };
    view! {
        <input
            class="search"
            type="search"
            data-testid="search"
            placeholder=tr(Msg::SearchHint)
            aria-label=tr(Msg::SearchHint)
            bind:value=query
        />
        <p class="status" class:hidden=move || !nothing_found()>{tr(Msg::NothingFound)}</p>
        <div class="household-list">
            <For each=lines key=Line::key let:line>
                {line_view(line)}
            </For>
        </div>
    }
}

/// Households under their building and floor headings, as drawn once.
#[component]
pub fn RosterLines(lines: Vec<Line>) -> impl IntoView {
    view! {
        <div class="household-list">{lines.into_iter().map(line_view).collect_view()}</div>
    }
}

fn line_view(line: Line) -> AnyView {
    match line {
        Line::Building(_, name) => view! {
            <h2 class="building-name" data-testid=format!("building-{name}")>{name.clone()}</h2>
        }
        .into_any(),
        Line::Floor(_, _, floor) => view! {
            <h3 class="floor-name">{floor}{tr(Msg::Floor)}</h3>
        }
        .into_any(),
        Line::Household(h) => view! { <HouseholdRow household=*h /> }.into_any(),
    }
}

/// Where marking a visit stands.
#[derive(Clone, Debug, PartialEq)]
enum Marking {
    Idle,
    Choosing,
    Saving,
    Saved(VisitOutcome, Uuid),
    Failed,
}

/// Marking a visit from the list: "met at home", the usual outcome, in one
/// tap; any other outcome in two. The position is asked for after the tap,
/// and the visit goes to the outbox like a survey.
#[component]
fn VisitMarker(household: RosterHousehold) -> impl IntoView {
    let sync: Sync = expect_context();
    let marking = RwSignal::new(Marking::Idle);
    let code = household.code.to_string();
    let what = describe(&household);
    let mark = move |outcome: VisitOutcome| {
        let household = household.code.clone();
        let what = what.clone();
        marking.set(Marking::Saving);
        spawn_local(async move {
            let visit = Visit {
                id: Uuid::new_v4(),
                household,
                outcome,
                visited_at: OffsetDateTime::now_utc(),
                position: position::current().await,
            };
            let id = visit.id;
            let what = format!("{what} · {}", label(outcome));
            match sync.enqueue(Entry::visit(&visit), what).await {
                Ok(()) => marking.set(Marking::Saved(outcome, id)),
                Err(_) => marking.set(Marking::Failed),
            }
        });
    };
    let sent = move |id: Uuid| sync.delivered.with(|d| d.contains(&id));
    view! {
        <div class="visit-marker" data-testid=format!("visit-{code}")>
            {move || match marking.get() {
                Marking::Idle => {
                    let mark = mark.clone();
                    view! {
                        <div class="outcomes">
                            <button
                                class="choice"
                                aria-label=format!("{}：{}", tr(Msg::MarkVisit), label(VisitOutcome::Met))
                                on:click=move |_| mark(VisitOutcome::Met)
                            >
                                {label(VisitOutcome::Met)}
                            </button>
                            <button class="choice" on:click=move |_| marking.set(Marking::Choosing)>
                                {tr(Msg::OtherOutcome)}
                            </button>
                        </div>
                    }.into_any()
                }
                Marking::Choosing => {
                    let mark = mark.clone();
                    view! {
                        <div class="outcomes" role="group" aria-label=tr(Msg::ChooseOutcome)>
                            {VisitOutcome::ALL
                                .iter()
                                .filter(|&&outcome| outcome != VisitOutcome::Met)
                                .map(|&outcome| {
                                    let mark = mark.clone();
                                    view! {
                                        <button class="choice" on:click=move |_| mark(outcome)>
                                            {label(outcome)}
                                        </button>
                                    }
                                })
                                .collect_view()}
                        </div>
                    }.into_any()
                }
                Marking::Saving => view! { <span class="status">{tr(Msg::Saving)}</span> }.into_any(),
                Marking::Saved(outcome, id) => view! {
                    <span class="badge done" role="status">
                        {tr(Msg::VisitRecorded)}" · "{label(outcome)}" · "
                        {move || if sent(id) { tr(Msg::Sent) } else { tr(Msg::Waiting) }}
                    </span>
                }.into_any(),
                Marking::Failed => view! {
                    <span class="error" role="alert">{tr(Msg::StorageFailed)}</span>
                }.into_any(),
            }}
        </div>
    }
}

/// The name of the household's first member, its head.
fn head_of(household: &RosterHousehold) -> String {
    household
        .members
        .first()
        .and_then(|m| m.record.name.clone())
        .unwrap_or_default()
}

/// Building, room and head of household: how people name a household.
pub fn describe(household: &RosterHousehold) -> String {
    format!(
        "{} {} {}",
        household.building,
        household.room,
        head_of(household)
    )
}

#[component]
fn HouseholdRow(household: RosterHousehold) -> impl IntoView {
    let Session(session) = expect_context();
    let sync: Sync = expect_context();
    // Grid members and work teams call on households; supervisors do not.
    let visits = session.with_untracked(|s| {
        s.as_ref().is_some_and(|s| {
            matches!(
                s.role,
                Role::GridMember | Role::BuildingHead | Role::Surveyor
            )
        })
    });
    let me = session.with_untracked(|s| s.as_ref().map(|s| s.username.clone()));
    let RosterCache(cache) = expect_context();
    // The household as the roster has it now: a return answered, a visit
    // or a conflict recorded since the list was drawn. Looked up once per
    // roster change; what reads it runs again only if it changed.
    let now = {
        let first = household.clone();
        Memo::new(move |_| {
            cache
                .with(|r| {
                    r.as_ref()
                        .and_then(|r| r.households.iter().find(|h| h.code == first.code).cloned())
                })
                .unwrap_or_else(|| first.clone())
        })
    };
    let state = Memo::new(move |_| now.with(|h| sync.outbox.with(|o| state_of(h, o))));
    let head = move || now.with(head_of);
    let count = move || now.with(|h| h.members.len());
    // The follow-up lists it is on, by the server's rules, from what the
    // phone holds (a survey waiting to be sent included).
    let marks = Memo::new(move |_| {
        let (limit, line) = cache.with(|r| {
            r.as_ref()
                .map_or((None, None), |r| (r.working_age_limit, r.low_income_line))
        });
        let today = OffsetDateTime::now_utc().to_offset(CHINA).date();
        now.with(|h| {
            let members: Vec<&LabourRecord> = h.members.iter().map(|m| &m.record).collect();
            lists_of(&h.record, &members, today, limit, line)
        })
    });
    let mark_view = move || {
        let marks = marks.get();
        (!marks.is_empty()).then(|| {
            let chips = (marks.into_iter())
                .map(|(list, n)| {
                    let text = match list {
                        FollowUp::ZeroEmployment => tr(Msg::MarkZeroEmployment).to_owned(),
                        FollowUp::LowIncome => tr(Msg::MarkLowIncome).to_owned(),
                        FollowUp::SeekingWork => format!("{}{n}{}", tr(Msg::MarkSeeking), tr(Msg::People)),
                    };
                    view! { <span class="mark" data-testid=format!("mark-{}", list.code())>{text}</span> }
                })
                .collect_view();
            view! { <span class="marks" data-testid="follow-up-marks">{chips}</span> }
        })
    };
    // A teammate's survey, once synced, says whose it was.
    let by = move || {
        now.with(|h| h.surveyed_by.clone())
            .filter(|by| Some(by) != me.as_ref())
    };
    view! {
        <div class="household-item">
            <a
                class="household-row"
                href=format!("/households/{}", household.code)
                data-testid=format!("household-{}", household.code)
            >
                <span class="room">{household.room.clone()}</span>
                <span class="head">{head}</span>
                <span class="count">{count}{tr(Msg::People)}</span>
                <span class=move || state.get().class() data-testid="household-state">
                    {move || state.get().text()}
                </span>
                {move || by().map(|by| view! { <span class="by" data-testid="surveyed-by">{by}</span> })}
                {mark_view}
            </a>
            {visits.then(|| view! { <VisitMarker household=household.clone() /> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::place::HouseholdCode;
    use shared::wire::RosterMember;

    fn household(building: &str, floor: i16, room: &str, name: &str, id: &str) -> RosterHousehold {
        let mut member = RosterMember {
            person: shared::place::PersonId::parse(&format!("P{room}")).unwrap(),
            record: Default::default(),
            masked: Default::default(),
        };
        member.record.name = Some(name.into());
        member.masked.resident_id = Some(id.into());
        RosterHousehold {
            code: HouseholdCode::parse(&format!("H{building}{room}")).unwrap(),
            grid: GridCode::parse("G1").unwrap(),
            building: building.into(),
            floor,
            room: room.into(),
            record: Default::default(),
            masked_phone: None,
            members: vec![member],
            surveyed: false,
            surveyed_by: None,
            visited: false,
            conflicted: false,
            returned: None,
            base: Vec::new(),
        }
    }

    #[test]
    fn search_finds_names_rooms_and_last_id_digits() {
        let h = household("1", 1, "0102", "王秀英", "142727********2345");
        assert!(matches(&h, "秀英"));
        assert!(matches(&h, "0102"));
        assert!(matches(&h, "2345"));
        assert!(!matches(&h, "9999"));
        assert!(!matches(&h, "李"));
        assert!(matches(&h, "  "));
    }

    #[test]
    fn headings_come_at_each_new_building_and_floor() {
        let list = lines(
            [
                household("1", 1, "101", "甲", "1"),
                household("1", 1, "102", "乙", "2"),
                household("1", 2, "201", "丙", "3"),
                household("2", 2, "201", "丁", "4"),
            ]
            .into_iter(),
        );
        let shape: Vec<String> = list
            .iter()
            .map(|line| match line {
                Line::Building(_, b) => format!("B{b}"),
                Line::Floor(_, _, f) => format!("F{f}"),
                Line::Household(h) => h.room.clone(),
            })
            .collect();
        assert_eq!(
            shape,
            ["B1", "F1", "101", "102", "F2", "201", "B2", "F2", "201"]
        );
    }

    #[test]
    fn two_grids_each_keep_their_own_building_of_one_name() {
        let mut other = household("1", 1, "101", "戊", "5");
        other.grid = GridCode::parse("G2").unwrap();
        other.code = HouseholdCode::parse("G2-1-101").unwrap();
        let list = lines([household("1", 1, "101", "甲", "1"), other].into_iter());
        let keys: Vec<String> = list.iter().map(Line::key).collect();
        assert_eq!(
            keys,
            [
                "b G1 1",
                "f G1 1 1",
                "h H1101",
                "b G2 1",
                "f G2 1 1",
                "h G2-1-101"
            ]
        );
    }

    #[test]
    fn a_row_keeps_its_place_whatever_the_roster_learns() {
        let key = |h: &RosterHousehold| Line::Household(Box::new(h.clone())).key();
        let first = household("1", 1, "101", "甲", "1");
        let mut later = first.clone();
        later.visited = true;
        later.surveyed = true;
        later
            .base
            .push(shared::wire::SubmissionId(uuid::Uuid::nil()));
        assert_eq!(key(&later), key(&first));
        assert_ne!(key(&household("1", 1, "102", "乙", "2")), key(&first));
    }
}
