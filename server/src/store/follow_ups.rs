//! The follow-up lists as kept (`shared::follow_up`): each open item is a
//! row from the day a merged ledger put it on its list until the one that
//! took it off. They are kept from the households' kept figures rather
//! than in each write path: `plan` compares what a household's figures
//! put on the lists with what is open, for the households changed since
//! the last time, and dates what it enters or clears by the household's
//! change, the write that made it so.

use std::collections::{BTreeMap, BTreeSet};

use shared::codes::{ActionKind, Code, FollowUp};
use shared::dispatch::Activity;
use shared::place::{HouseholdCode, PersonId};
use shared::round::CHINA;
use time::Date;

use super::StoreError;
use super::rows::parse_timestamp;

/// The columns of a household to compare, as `CandidateRow` reads them.
const CANDIDATE: &str = "SELECT code, zero_employment, CAST(per_capita AS BIGINT) AS per_capita, \
     seeking, removed_at IS NOT NULL AS removed, changed_at FROM households";

/// The households changed after `$1`, to compare (their change times'
/// index).
pub fn changed_candidates() -> String {
    format!("{CANDIDATE} WHERE changed_at > $1")
}

/// Every household on a list by its figures (under the line `$1`) or with
/// an item open, to compare.
pub fn all_candidates() -> String {
    format!(
        "{CANDIDATE} WHERE zero_employment OR per_capita < $1 OR seeking <> '' \
         OR code IN (SELECT household FROM follow_ups WHERE cleared_on IS NULL)"
    )
}

/// The open items of the households changed after `$1`.
pub const CHANGED_OPEN_ITEMS: &str = "SELECT id, household, list, member FROM follow_ups \
     WHERE cleared_on IS NULL AND household IN (SELECT code FROM households WHERE changed_at > $1)";

/// Every open item.
pub const ALL_OPEN_ITEMS: &str =
    "SELECT id, household, list, member FROM follow_ups WHERE cleared_on IS NULL";

/// Puts household `$1` (member `$3`, or '') on list `$2` from day `$4`
/// (whose first instant in China is `$5`), unless it is on it already.
pub const ENTER: &str = "INSERT INTO follow_ups (household, list, member, entered_on, since) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";

/// Takes item `$3` off its list on day `$1`, for reason `$2`.
pub const CLEAR: &str =
    "UPDATE follow_ups SET cleared_on = $1, cleared_how = $2 WHERE id = $3 AND cleared_on IS NULL";

/// A page of list `$1`'s items in the scope (`scope` tests `$2`): open
/// ones if `$3`, else cleared ones, ordered by `key` (the day entered, or
/// the household) then id, after key `$4` and id `$5`, at most `$6`; each
/// with its household's place, kept income and latest ledger.
pub fn items_sql(scope: &str, key: &str) -> String {
    format!(
        "SELECT f.id, f.household, h.grid, h.building, h.room, f.member, f.entered_on, \
             f.cleared_on, f.cleared_how, CAST(h.per_capita AS BIGINT) AS per_capita, \
             {key} AS sort_key, \
             (SELECT l.body FROM ledgers l WHERE l.household = f.household \
              ORDER BY l.round DESC LIMIT 1) AS body \
         FROM follow_ups f JOIN households h ON h.code = f.household \
         WHERE f.list = $1 AND {scope} \
             AND (($3 AND f.cleared_on IS NULL) OR (NOT $3 AND f.cleared_on IS NOT NULL)) \
             AND (CAST($4 AS TEXT) IS NULL OR {key} > $4 OR ({key} = $4 AND f.id > $5)) \
         ORDER BY {key}, f.id LIMIT $6"
    )
}

/// The open items of the scope (`scope` tests `$7`), by grid (and
/// building, as `building` reads it) and list, with those entered before
/// each list's last day in time (`$1` before `$2`, `$3` before `$4`, `$5`
/// before `$6`) counted overdue.
pub fn counts_sql(scope: &str, building: &str, group: &str) -> String {
    format!(
        "SELECT h.grid, {building} AS building, f.list, count(*) AS open, \
             sum(CASE WHEN (f.list = $1 AND f.entered_on < $2) OR (f.list = $3 AND f.entered_on < $4) \
                 OR (f.list = $5 AND f.entered_on < $6) THEN 1 ELSE 0 END) AS overdue \
         FROM follow_ups f JOIN households h ON h.code = f.household \
         WHERE f.cleared_on IS NULL AND {scope} GROUP BY {group}, f.list"
    )
}

/// The open seeking-work items of the scope (`scope` tests `$2`) whose
/// labourer had, since the item entered, one guidance (`$3`), three
/// referrals (`$4`) and one training (`$5`) at least: the "131" met. Read
/// from the actions' side, which are far fewer than the items.
pub fn met_131_sql(scope: &str) -> String {
    format!(
        "SELECT count(*) FROM (SELECT f.id FROM follow_up_actions a \
             JOIN follow_ups f ON f.household = a.household AND f.member = a.member \
                 AND f.cleared_on IS NULL AND a.done_at >= f.since \
             JOIN households h ON h.code = f.household \
             WHERE f.list = $1 AND {scope} GROUP BY f.id \
             HAVING sum(CASE WHEN a.kind = $3 THEN 1 ELSE 0 END) >= 1 \
                 AND sum(CASE WHEN a.kind = $4 THEN 1 ELSE 0 END) >= 3 \
                 AND sum(CASE WHEN a.kind = $5 THEN 1 ELSE 0 END) >= 1) met"
    )
}

/// The actions recorded for the households `$1` (tested by `in_list`)
/// from `$2` on, latest first, each with its author's display name while
/// they are a user.
pub fn actions_of(in_list: &str) -> String {
    format!(
        "SELECT a.body, a.author, u.display_name FROM follow_up_actions a \
         LEFT JOIN users u ON u.username = a.author \
         WHERE {in_list} AND a.done_at >= $2 ORDER BY a.done_at DESC"
    )
}

/// Keeps an action once by its id.
pub const INSERT_ACTION: &str = "INSERT INTO follow_up_actions \
         (id, household, member, kind, author, done_at, received_at, digest, body) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING";

/// An item as `items_sql` reads it.
#[derive(Debug, sqlx::FromRow)]
pub struct ItemRow {
    pub id: i64,
    pub household: String,
    pub grid: String,
    pub building: String,
    pub room: String,
    pub member: String,
    pub entered_on: String,
    pub cleared_on: Option<String>,
    pub cleared_how: Option<String>,
    pub per_capita: Option<i64>,
    pub sort_key: String,
    pub body: Option<String>,
}

/// One group's open items as `counts_sql` reads them.
#[derive(Debug, sqlx::FromRow)]
pub struct CountRow {
    pub grid: String,
    pub building: Option<String>,
    pub list: String,
    pub open: i64,
    pub overdue: Option<i64>,
}

/// What was done from `$1` to before `$2` (times) and from day `$3` to
/// day `$4` (list `$5`'s entries and clearances), by grid: one row per
/// grid and kind of work (`surveys`, `visits`, `entered`, `cleared`, and
/// `action` with its kind).
pub const ACTIVITY: &str = "SELECT h.grid, 'surveys' AS what, '' AS kind, count(*) AS n \
         FROM submissions s JOIN households h ON h.code = s.household \
         WHERE s.received_at >= $1 AND s.received_at < $2 GROUP BY h.grid \
     UNION ALL SELECT h.grid, 'visits', '', count(*) \
         FROM visits v JOIN households h ON h.code = v.household \
         WHERE v.visited_at >= $1 AND v.visited_at < $2 GROUP BY h.grid \
     UNION ALL SELECT h.grid, 'entered', '', count(*) \
         FROM follow_ups f JOIN households h ON h.code = f.household \
         WHERE f.entered_on >= $3 AND f.entered_on <= $4 AND f.list = $5 GROUP BY h.grid \
     UNION ALL SELECT h.grid, 'cleared', '', count(*) \
         FROM follow_ups f JOIN households h ON h.code = f.household \
         WHERE f.cleared_on >= $3 AND f.cleared_on <= $4 AND f.list = $5 GROUP BY h.grid \
     UNION ALL SELECT h.grid, 'action', a.kind, count(*) \
         FROM follow_up_actions a JOIN households h ON h.code = a.household \
         WHERE a.done_at >= $1 AND a.done_at < $2 GROUP BY h.grid, a.kind";

/// One row of `ACTIVITY`.
#[derive(Debug, sqlx::FromRow)]
pub struct ActivityRow {
    pub grid: String,
    pub what: String,
    pub kind: String,
    pub n: i64,
}

impl ActivityRow {
    /// Adds what the row counts to `activity`.
    pub fn add_to(&self, activity: &mut Activity) {
        let n = u32::try_from(self.n).unwrap_or(u32::MAX);
        match self.what.as_str() {
            "surveys" => activity.surveys += n,
            "visits" => activity.visits += n,
            "entered" => activity.newly_zero_employment += n,
            "cleared" => activity.cleared_zero_employment += n,
            _ => {
                if let Some(kind) = ActionKind::from_code(&self.kind) {
                    activity.add_actions(kind, n);
                }
            }
        }
    }
}

/// A household as `changed_candidates` and `all_candidates` read it.
#[derive(Debug, sqlx::FromRow)]
pub struct CandidateRow {
    pub code: String,
    pub zero_employment: bool,
    pub per_capita: Option<i64>,
    pub seeking: String,
    pub removed: bool,
    pub changed_at: String,
}

/// An open item as `CHANGED_OPEN_ITEMS` and `ALL_OPEN_ITEMS` read it.
#[derive(Debug, sqlx::FromRow)]
pub struct OpenRow {
    pub id: i64,
    pub household: String,
    pub list: String,
    pub member: String,
}

/// What keeping the lists up to date comes to: items to enter (household,
/// list, member, day) and to clear (id, household, list, member, day).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub enter: Vec<(String, FollowUp, String, Date)>,
    pub clear: Vec<Clear>,
}

/// An open item to take off its list.
#[derive(Debug, PartialEq, Eq)]
pub struct Clear {
    pub id: i64,
    pub household: HouseholdCode,
    pub list: FollowUp,
    pub member: Option<PersonId>,
    pub on: Date,
    pub removed: bool,
}

/// The items `row`'s figures put on the lists, with households under
/// `line` low-income.
fn wanted(row: &CandidateRow, line: u32) -> BTreeSet<(FollowUp, String)> {
    let mut items = BTreeSet::new();
    if row.removed {
        return items;
    }
    if row.zero_employment {
        items.insert((FollowUp::ZeroEmployment, String::new()));
    }
    if row.per_capita.is_some_and(|p| p < i64::from(line)) {
        items.insert((FollowUp::LowIncome, String::new()));
    }
    for person in row.seeking.lines().filter(|p| !p.is_empty()) {
        items.insert((FollowUp::SeekingWork, person.to_owned()));
    }
    items
}

/// The day of a household's change time in China; `today` if it never
/// changed.
fn changed_on(changed_at: &str, today: Date) -> Result<Date, StoreError> {
    if changed_at.is_empty() {
        return Ok(today);
    }
    Ok(parse_timestamp(changed_at)?.to_offset(CHINA).date())
}

/// What to enter and clear so that the open items of `candidates` are
/// those their figures put on the lists.
pub fn plan(
    candidates: &[CandidateRow],
    open: &[OpenRow],
    line: u32,
    today: Date,
) -> Result<Plan, StoreError> {
    let corrupt = |e: String| StoreError::Corrupt(e);
    let mut open_by: BTreeMap<&str, Vec<&OpenRow>> = BTreeMap::new();
    for row in open {
        open_by.entry(&row.household).or_default().push(row);
    }
    let mut res = Plan::default();
    for row in candidates {
        let on = changed_on(&row.changed_at, today)?;
        let mut wanted = wanted(row, line);
        for item in open_by.remove(row.code.as_str()).unwrap_or_default() {
            let list = FollowUp::from_code(&item.list)
                .ok_or_else(|| corrupt(format!("unknown follow-up list {}", item.list)))?;
            if wanted.remove(&(list, item.member.clone())) {
                continue;
            }
            let member = (!item.member.is_empty())
                .then(|| PersonId::parse(&item.member))
                .transpose()
                .map_err(|e| corrupt(e.to_string()))?;
            res.clear.push(Clear {
                id: item.id,
                household: HouseholdCode::parse(&row.code).map_err(|e| corrupt(e.to_string()))?,
                list,
                member,
                on,
                removed: row.removed,
            });
        }
        for (list, member) in wanted {
            res.enter.push((row.code.clone(), list, member, on));
        }
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn row(code: &str, zero: bool, per_capita: Option<i64>, seeking: &str) -> CandidateRow {
        CandidateRow {
            code: code.into(),
            zero_employment: zero,
            per_capita,
            seeking: seeking.into(),
            removed: false,
            changed_at: "2026-11-02T17:00:00Z".into(),
        }
    }

    fn open(id: i64, household: &str, list: FollowUp, member: &str) -> OpenRow {
        OpenRow {
            id,
            household: household.into(),
            list: list.code().into(),
            member: member.into(),
        }
    }

    const TODAY: Date = date!(2026 - 11 - 20);

    #[test]
    fn a_household_enters_its_lists_on_the_day_in_china_of_its_change() {
        let plan = plan(
            &[row("H1", true, Some(3000), "H1-2\nH1-3")],
            &[],
            8500,
            TODAY,
        )
        .unwrap();
        // 17:00 UTC is the next morning in China.
        let day = date!(2026 - 11 - 03);
        assert_eq!(
            plan.enter,
            vec![
                ("H1".into(), FollowUp::ZeroEmployment, String::new(), day),
                ("H1".into(), FollowUp::LowIncome, String::new(), day),
                ("H1".into(), FollowUp::SeekingWork, "H1-2".into(), day),
                ("H1".into(), FollowUp::SeekingWork, "H1-3".into(), day),
            ]
        );
        assert!(plan.clear.is_empty());
    }

    #[test]
    fn what_is_open_and_still_wanted_is_left_and_the_rest_cleared() {
        let opened = [
            open(1, "H1", FollowUp::ZeroEmployment, ""),
            open(2, "H1", FollowUp::SeekingWork, "H1-2"),
            open(3, "H2", FollowUp::LowIncome, ""),
        ];
        let candidates = [row("H1", true, Some(9000), ""), row("H2", false, None, "")];
        let plan = plan(&candidates, &opened, 8500, TODAY).unwrap();
        assert!(plan.enter.is_empty());
        let cleared: Vec<i64> = plan.clear.iter().map(|c| c.id).collect();
        assert_eq!(cleared, vec![2, 3]);
        assert_eq!(
            plan.clear[0].member.as_ref().map(PersonId::as_str),
            Some("H1-2")
        );
    }

    #[test]
    fn a_removed_household_leaves_every_list() {
        let mut gone = row("H1", true, Some(100), "H1-1");
        gone.removed = true;
        let opened = [open(7, "H1", FollowUp::ZeroEmployment, "")];
        let plan = plan(&[gone], &opened, 8500, TODAY).unwrap();
        assert!(plan.enter.is_empty());
        assert!(plan.clear[0].removed);
    }
}
