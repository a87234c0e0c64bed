//! Folding a roster delta from the server into the roster on the phone.

use std::cmp::Ordering;

use shared::wire::{Roster, RosterHousehold};

use crate::outbox::{Entry, overlay};

/// The roster after `delta`, with the user's waiting surveys laid over it.
pub fn merge_roster(kept: Option<Roster>, delta: Roster, pending: &[Entry]) -> Roster {
    let mut roster = match kept {
        Some(mut kept) if !delta.full && kept.round == delta.round => {
            kept.households.retain(|h| !delta.removed.contains(&h.code));
            for household in delta.households {
                match kept
                    .households
                    .iter_mut()
                    .find(|h| h.code == household.code)
                {
                    Some(old) => *old = household,
                    None => kept.households.push(household),
                }
            }
            if !delta.grids_kept {
                kept.grids = delta.grids;
            }
            kept.cursor = delta.cursor;
            // Every sync says which added fields the round asks now, and
            // the rules of the follow-up lists.
            kept.fields = delta.fields;
            kept.working_age_limit = delta.working_age_limit;
            kept.low_income_line = delta.low_income_line;
            kept
        }
        _ => delta,
    };
    roster.full = true;
    roster.grids_kept = false;
    roster.removed.clear();
    roster.households.sort_by(in_walking_order);
    for household in &mut roster.households {
        overlay(household, pending);
    }
    roster
}

/// Building, floor, room, with "2号楼" before "10号楼".
fn in_walking_order(a: &RosterHousehold, b: &RosterHousehold) -> Ordering {
    natural(&a.building, &b.building)
        .then(a.floor.cmp(&b.floor))
        .then_with(|| natural(&a.room, &b.room))
}

/// Compares runs of digits by value, everything else as text.
pub fn natural(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        match (a.chars().next(), b.chars().next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let (da, ra) = split_digits(a);
                let (db, rb) = split_digits(b);
                let by_value = da
                    .trim_start_matches('0')
                    .len()
                    .cmp(&db.trim_start_matches('0').len())
                    .then_with(|| da.trim_start_matches('0').cmp(db.trim_start_matches('0')));
                if by_value != Ordering::Equal {
                    return by_value;
                }
                (a, b) = (ra, rb);
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                (a, b) = (&a[x.len_utf8()..], &b[y.len_utf8()..]);
            }
        }
    }
}

fn split_digits(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::place::{GridCode, HouseholdCode};
    use shared::round::Round;
    use shared::wire::GridInfo;

    fn household(code: &str, building: &str, floor: i16, room: &str) -> RosterHousehold {
        RosterHousehold {
            code: HouseholdCode::parse(code).unwrap(),
            grid: GridCode::parse("G1").unwrap(),
            building: building.into(),
            floor,
            room: room.into(),
            record: Default::default(),
            masked_phone: None,
            members: Vec::new(),
            surveyed: false,
            surveyed_by: None,
            visited: false,
            conflicted: false,
            returned: None,
            base: Vec::new(),
        }
    }

    fn roster(households: Vec<RosterHousehold>, full: bool, cursor: &str) -> Roster {
        Roster {
            fields: Vec::new(),
            round: Round::parse("2026Q4").unwrap(),
            grids: Vec::new(),
            households,
            removed: Vec::new(),
            full,
            grids_kept: false,
            cursor: cursor.into(),
            working_age_limit: None,
            low_income_line: None,
        }
    }

    fn codes(roster: &Roster) -> Vec<&str> {
        roster.households.iter().map(|h| h.code.as_str()).collect()
    }

    #[test]
    fn buildings_and_rooms_sort_by_number() {
        assert_eq!(natural("2号楼", "10号楼"), Ordering::Less);
        assert_eq!(natural("10号楼", "2号楼"), Ordering::Greater);
        assert_eq!(natural("0102", "102"), Ordering::Equal);
        assert_eq!(natural("A栋", "B栋"), Ordering::Less);
    }

    #[test]
    fn a_delta_replaces_adds_and_removes() {
        let kept = roster(
            vec![
                household("H1", "1号楼", 1, "101"),
                household("H2", "1号楼", 1, "102"),
            ],
            true,
            "c1",
        );
        let mut changed = household("H2", "1号楼", 1, "102");
        changed.surveyed = true;
        let mut delta = roster(
            vec![
                changed,
                household("H3", "10号楼", 1, "101"),
                household("H4", "2号楼", 3, "301"),
            ],
            false,
            "c2",
        );
        delta.removed.push(HouseholdCode::parse("H1").unwrap());
        let merged = merge_roster(Some(kept), delta, &[]);
        assert_eq!(codes(&merged), ["H2", "H4", "H3"]);
        assert!(merged.households[0].surveyed);
        assert_eq!(merged.cursor, "c2");
    }

    #[test]
    fn a_full_roster_replaces_what_was_kept() {
        let kept = roster(vec![household("H1", "1号楼", 1, "101")], true, "c1");
        let full = roster(vec![household("H9", "1号楼", 2, "201")], true, "c2");
        assert_eq!(codes(&merge_roster(Some(kept), full, &[])), ["H9"]);
    }

    #[test]
    fn a_delta_keeps_the_grids_unless_it_sends_new_ones() {
        let grid = |name: &str| GridInfo {
            code: GridCode::parse("G1").unwrap(),
            name: name.into(),
            area: String::new(),
            outline: None,
            buildings: Vec::new(),
        };
        let mut kept = roster(Vec::new(), true, "c1");
        kept.grids = vec![grid("第一网格")];
        let mut same = roster(Vec::new(), false, "c2");
        same.grids_kept = true;
        let merged = merge_roster(Some(kept), same, &[]);
        assert_eq!(merged.grids, [grid("第一网格")]);
        assert!(!merged.grids_kept);

        let mut renamed = roster(Vec::new(), false, "c3");
        renamed.grids = vec![grid("一网格")];
        assert_eq!(
            merge_roster(Some(merged), renamed, &[]).grids,
            [grid("一网格")]
        );
    }

    #[test]
    fn a_waiting_visit_shows_its_household_visited_until_the_roster_does() {
        let visit = Entry {
            id: uuid::Uuid::nil(),
            kind: crate::outbox::Kind::Visit,
            household: HouseholdCode::parse("H2").unwrap(),
            body: "{}".into(),
            records: Vec::new(),
            owner: "grid".into(),
            label: String::new(),
            saved_at: 0.0,
            problem: None,
        };
        let kept = roster(vec![household("H1", "1号楼", 1, "101")], true, "c1");
        let delta = roster(vec![household("H2", "1号楼", 1, "102")], false, "c2");
        let merged = merge_roster(Some(kept), delta, std::slice::from_ref(&visit));
        let visited: Vec<bool> = merged.households.iter().map(|h| h.visited).collect();
        assert_eq!(visited, [false, true]);
    }
}
