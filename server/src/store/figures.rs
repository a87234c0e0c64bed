//! Each household's figures (`shared::tally::Figures`), kept in its
//! `households` row as its ledgers and visits are written, and summed per
//! grid or building in one read. Both backends and every write path use
//! these texts (`$1`-style parameters in order, which rusqlite binds by
//! position too).

use shared::follow_up::seeking_work;
use shared::indicators::AgeLimit;
use shared::merge::HouseholdLedger;
use shared::place::HouseholdCode;
use shared::round::Round;
use shared::tally::{Figures, Tally};
use time::{Date, OffsetDateTime};

use super::StoreError;
use shared::round::CHINA;

/// Sets a household's figures from a ledger of round `$1`, unless they
/// come from a later round's already: round, as of, until, labourers,
/// employed labourers, employed, willing to train, trained of willing,
/// labour household, zero employment, per capita, search text, its
/// labourers seeking work, its workers past working age, whether it holds
/// conflicts, whether the ledger is surveyed (then so is the household in
/// that round); its change time `$17` if given (a write sets it here rather
/// than in a statement of its own); code `$18`; and, for a refresh, the day
/// `$19` they must still be stale as of, so that a refresh never
/// overwrites what a write just set.
/// Parameters first appear in order, as rusqlite binds them.
pub const SET_FIGURES: &str = "UPDATE households SET figures_round = $1, figures_on = $2, \
     figures_until = $3, labourers = $4, employed_labourers = $5, employed = $6, \
     willing_to_train = $7, trained_of_willing = $8, labour_household = $9, \
     zero_employment = $10, per_capita = $11, search_text = $12, seeking = $13, \
     over_age_employed = $14, conflicted = $15, \
     surveyed_round = CASE WHEN $16 AND (surveyed_round IS NULL OR surveyed_round < $1) \
         THEN $1 ELSE surveyed_round END, \
     changed_at = COALESCE(CAST($17 AS TEXT), changed_at) \
     WHERE code = $18 AND (figures_round IS NULL OR figures_round <= $1) \
     AND (CAST($19 AS TEXT) IS NULL OR figures_on IS NULL OR figures_on > $19 \
         OR figures_until <= $19)";

/// Household `$3`'s people who found work (`$1`) and who lost it (`$2`)
/// since the ledger its round-`$4` ledger was merged from, while its
/// figures are that round's (`shared::trends::work_changes`).
pub const SET_WORK_CHANGES: &str = "UPDATE households SET found_work = $1, lost_work = $2 \
     WHERE code = $3 AND figures_round = $4";

/// Marks household `$2` visited in round `$1`.
pub const MARK_VISITED: &str = "UPDATE households SET visited_round = $1 \
     WHERE code = $2 AND (visited_round IS NULL OR visited_round < $1)";

/// The households whose figures need computing as of `$1`, each with
/// whether they were never computed: never computed (no day), computed as
/// of a later day, or changed by age since. Each test reads an index.
pub const STALE: &str = "SELECT code, figures_on IS NULL AS never FROM households \
     WHERE figures_on IS NULL OR figures_on > $1 \
     UNION SELECT code, FALSE AS never FROM households WHERE figures_until <= $1";

/// The households of the scope (`$1`, tested by the caller) whose latest
/// ledger holds a conflict.
pub const CONFLICTED: &str = "SELECT h.code FROM households h \
     WHERE h.conflicted AND h.removed_at IS NULL AND ";

/// Each household changed after `$1`: its code, grid and change time. In
/// the order of the change times, so that it reads their index: asked for
/// distinct grids, SQLite walks the grids' index instead.
pub const CHANGED_HOUSEHOLDS: &str =
    "SELECT code, grid, changed_at FROM households WHERE changed_at > $1 ORDER BY changed_at";

/// A household's change as `CHANGED_HOUSEHOLDS` reads it. The grid and the
/// time stay as stored: a read after a large import finds thousands, and
/// the time is only compared with one read before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdChange {
    pub code: String,
    pub grid: String,
    pub changed_at: String,
}

/// A household's latest ledger.
pub const LATEST_LEDGER: &str =
    "SELECT body FROM ledgers WHERE household = $1 ORDER BY round DESC LIMIT 1";

/// The sums of `Tally`, for round `$1` and the low-income line `$3`, over
/// households `h` (the scope's grids bound as `$2`); the caller adds the
/// scope's test and the grouping.
pub const SUMS: &str = "count(*) AS households, \
     sum(CASE WHEN h.surveyed_round = $1 THEN 1 ELSE 0 END) AS surveyed, \
     sum(CASE WHEN h.visited_round = $1 THEN 1 ELSE 0 END) AS visited, \
     sum(CASE WHEN (h.surveyed_round IS NULL OR h.surveyed_round <> $1) \
         AND (h.visited_round IS NULL OR h.visited_round <> $1) THEN 1 ELSE 0 END) AS missed, \
     sum(CASE WHEN h.labour_household THEN 1 ELSE 0 END) AS labour_households, \
     sum(h.labourers) AS labourers, \
     sum(h.employed_labourers) AS employed_labourers, \
     sum(CASE WHEN h.labour_household THEN h.employed ELSE 0 END) AS employed_in_labour_households, \
     sum(h.willing_to_train) AS willing_to_train, \
     sum(h.trained_of_willing) AS trained_of_willing, \
     sum(CASE WHEN h.zero_employment THEN 1 ELSE 0 END) AS zero_employment, \
     sum(CASE WHEN h.per_capita < $3 THEN 1 ELSE 0 END) AS low_income, \
     sum(h.over_age_employed) AS over_age_employed, \
     sum(CASE WHEN h.figures_round = $1 THEN h.found_work ELSE 0 END) AS found_work, \
     sum(CASE WHEN h.figures_round = $1 THEN h.lost_work ELSE 0 END) AS lost_work";

/// One group's sums as `SUMS` reads them, with its grid and, when grouped
/// by building, its building.
#[derive(sqlx::FromRow)]
pub struct SumsRow {
    pub grid: String,
    pub building: Option<String>,
    pub households: i64,
    pub surveyed: Option<i64>,
    pub visited: Option<i64>,
    pub missed: Option<i64>,
    pub labour_households: Option<i64>,
    pub labourers: Option<i64>,
    pub employed_labourers: Option<i64>,
    pub employed_in_labour_households: Option<i64>,
    pub willing_to_train: Option<i64>,
    pub trained_of_willing: Option<i64>,
    pub zero_employment: Option<i64>,
    pub low_income: Option<i64>,
    pub over_age_employed: Option<i64>,
    pub found_work: Option<i64>,
    pub lost_work: Option<i64>,
}

impl SumsRow {
    pub fn tally(&self) -> Tally {
        let n = |v: Option<i64>| u32::try_from(v.unwrap_or(0)).unwrap_or(u32::MAX);
        Tally {
            households: n(Some(self.households)),
            surveyed: n(self.surveyed),
            visited: n(self.visited),
            missed: n(self.missed),
            labour_households: n(self.labour_households),
            labourers: n(self.labourers),
            employed_labourers: n(self.employed_labourers),
            employed_in_labour_households: n(self.employed_in_labour_households),
            willing_to_train: n(self.willing_to_train),
            trained_of_willing: n(self.trained_of_willing),
            zero_employment: n(self.zero_employment),
            low_income: n(self.low_income),
            over_age_employed: n(self.over_age_employed),
            found_work: n(self.found_work),
            lost_work: n(self.lost_work),
            ..Tally::default()
        }
    }
}

/// A household's figures as `SET_FIGURES` binds them, `$1` to `$16`.
#[derive(Clone, Debug)]
pub struct KeptFigures {
    pub round: String,
    pub on: String,
    pub until: Option<String>,
    pub labourers: i64,
    pub employed_labourers: i64,
    pub employed: i64,
    pub willing_to_train: i64,
    pub trained_of_willing: i64,
    pub labour_household: bool,
    pub zero_employment: bool,
    pub per_capita: Option<i64>,
    pub search: String,
    /// The labourers seeking work (`shared::follow_up::seeking_work`), a line each.
    pub seeking: String,
    pub over_age_employed: i64,
    pub conflicted: bool,
    pub surveyed: bool,
}

impl KeptFigures {
    /// The figures of `ledger` (of `round`; `None` for a household with
    /// no ledger) as of `on`, under the deployment's age `limit`.
    pub fn of(
        code: &HouseholdCode,
        ledger: Option<&HouseholdLedger>,
        round: Round,
        on: Date,
        limit: Option<AgeLimit>,
    ) -> KeptFigures {
        let figures = ledger
            .map(|l| Figures::of(l, on, limit))
            .unwrap_or_default();
        let until = ledger.and_then(|l| Figures::until(l, on, limit));
        KeptFigures {
            round: round.to_string(),
            on: on.to_string(),
            until: until.map(|d| d.to_string()),
            labourers: figures.labourers.into(),
            employed_labourers: figures.employed_labourers.into(),
            employed: figures.employed.into(),
            willing_to_train: figures.willing_to_train.into(),
            trained_of_willing: figures.trained_of_willing.into(),
            labour_household: figures.labour_household,
            zero_employment: figures.zero_employment,
            per_capita: figures.per_capita.map(i64::from),
            search: search_text(code, ledger),
            seeking: ledger
                .map(|l| seeking_text(l, on, limit))
                .unwrap_or_default(),
            over_age_employed: figures.over_age_employed.into(),
            conflicted: ledger.is_some_and(|l| !l.conflicts.is_empty()),
            surveyed: ledger.is_some_and(HouseholdLedger::is_surveyed),
        }
    }

    /// The figures of a ledger being written now.
    pub fn now(ledger: &HouseholdLedger, limit: Option<AgeLimit>) -> KeptFigures {
        let today = OffsetDateTime::now_utc().to_offset(CHINA).date();
        KeptFigures::of(
            &ledger.household,
            Some(ledger),
            ledger.round,
            ledger.round.as_of(today),
            limit,
        )
    }
}

/// `SET_FIGURES` for household `code`, bound, on either database; with
/// `stale_on`, only if its figures are still stale as of that day, and
/// then marked changed at `changed_at`.
pub fn set_figures<'q, DB>(
    code: &'q str,
    f: &'q KeptFigures,
    stale_on: Option<&'q str>,
    changed_at: Option<&'q str>,
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<&'q str>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    sqlx::query(SET_FIGURES)
        .bind(f.round.as_str())
        .bind(f.on.as_str())
        .bind(f.until.as_deref())
        .bind(f.labourers)
        .bind(f.employed_labourers)
        .bind(f.employed)
        .bind(f.willing_to_train)
        .bind(f.trained_of_willing)
        .bind(f.labour_household)
        .bind(f.zero_employment)
        .bind(f.per_capita)
        .bind(f.search.as_str())
        .bind(f.seeking.as_str())
        .bind(f.over_age_employed)
        .bind(f.conflicted)
        .bind(f.surveyed)
        .bind(changed_at)
        .bind(code)
        .bind(stale_on)
}

/// What a search matches in a household, one term a line, lowercased:
/// its code, its phone, and each present member's name, ID number and
/// phone.
pub fn search_text(code: &HouseholdCode, ledger: Option<&HouseholdLedger>) -> String {
    let mut terms = vec![code.as_str().to_owned()];
    if let Some(ledger) = ledger {
        terms.extend(ledger.record.phone.as_ref().map(|p| p.as_str().to_owned()));
        for member in ledger.present_members() {
            let record = &member.record;
            terms.extend(record.name.clone());
            terms.extend(record.resident_id.as_ref().map(|id| id.as_str().to_owned()));
            terms.extend(record.phone.as_ref().map(|p| p.as_str().to_owned()));
        }
    }
    terms.join("\n").to_lowercase()
}

/// The person ids of the labourers of `ledger` seeking work on `on`, a line each.
pub fn seeking_text(ledger: &HouseholdLedger, on: Date, limit: Option<AgeLimit>) -> String {
    let ids: Vec<&str> = seeking_work(ledger, on, limit)
        .map(|m| m.person.as_str())
        .collect();
    ids.join("\n")
}

/// A stored ledger's text, read.
pub fn ledger_of(body: Option<&str>) -> Result<Option<HouseholdLedger>, StoreError> {
    body.map(super::rows::from_json).transpose()
}

/// Households refreshed in one transaction, so that a refresh of many
/// never holds up the submissions' writer for long.
pub const REFRESH_CHUNK: usize = 500;
