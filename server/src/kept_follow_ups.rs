//! The follow-up lists kept up to date with the households' kept
//! figures (`store::follow_ups`), and their open and overdue items
//! counted per grid between the supervisors' summaries. A keeping
//! compares households only when some changed since the last one
//! (`ChangeWatch`), and then those of the last minute; the first after a
//! start, a change of the low-income line or a refresh of figures by age
//! compares them all.

use std::collections::HashMap;
use std::sync::Arc;

use shared::codes::{Code, FollowUp};
use shared::follow_up::Deadlines;
use shared::place::GridCode;
use shared::tally::Tally;
use time::{Date, OffsetDateTime};
use tokio::sync::Mutex;

use crate::change_watch::ChangeWatch;
use crate::store::{Scope, Store, StoreError};

/// A grid's open follow-up items: each list's open and overdue, in
/// `FollowUp::ALL`'s order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenItems {
    pub by_list: [ListCount; 3],
}

/// One list's open items, and of those, overdue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListCount {
    pub open: u32,
    pub overdue: u32,
}

impl OpenItems {
    /// The counts of `list`.
    pub fn of(&self, list: FollowUp) -> ListCount {
        let n = FollowUp::ALL.iter().position(|&l| l == list).unwrap_or(0);
        self.by_list[n]
    }

    /// Sets a place's tally's follow-up figures to these: the items
    /// overdue on every list, and the labourers seeking work.
    pub fn apply(&self, tally: &mut Tally) {
        tally.overdue = self.by_list.iter().map(|l| l.overdue).sum();
        tally.seeking_work = self.of(FollowUp::SeekingWork).open;
    }
}

pub type GridItems = Arc<HashMap<GridCode, OpenItems>>;

#[derive(Clone, Debug, Default)]
pub struct KeptFollowUps {
    kept: Arc<Mutex<Kept>>,
}

#[derive(Debug, Default)]
struct Kept {
    /// The changes since the lists were last kept, and with which
    /// low-income line.
    mark: Option<(ChangeWatch, u32)>,
    /// The counts of every grid, for a day and deadlines, until a keeping
    /// finds a household changed.
    counts: Option<(Date, Deadlines, GridItems)>,
}

impl KeptFollowUps {
    /// Brings the lists up to date, as of `today`.
    pub async fn keep<S: Store>(
        &self,
        store: &S,
        line: u32,
        today: Date,
    ) -> Result<(), StoreError> {
        let mut kept = self.kept.lock().await;
        let now = OffsetDateTime::now_utc();
        // Out until the keeping is done: after a failure, all are compared.
        let mark = (kept.mark.take())
            .filter(|(_, kept_line)| *kept_line == line)
            .map(|(watch, _)| watch);
        let (watch, compared) = match mark {
            Some(mut watch) => {
                let look = watch.look(store, now).await?;
                let compared = if look.news.is_empty() {
                    0
                } else {
                    (store.keep_follow_ups(line, Some(watch.since()), today)).await?
                };
                watch.take(look);
                (watch, compared)
            }
            None => {
                // Started first: the comparison then holds what it saw.
                let watch = ChangeWatch::start(store, now).await?;
                (watch, store.keep_follow_ups(line, None, today).await?)
            }
        };
        if compared > 0 {
            kept.counts = None;
        }
        kept.mark = Some((watch, line));
        Ok(())
    }

    /// Compares every household again at the next keeping: their figures
    /// were computed again with no change time to find them by.
    pub async fn forget(&self) {
        let mut kept = self.kept.lock().await;
        kept.mark = None;
        kept.counts = None;
    }

    /// Every grid's open items on `today` under `deadlines`, as of the
    /// last keeping.
    pub async fn counts<S: Store>(
        &self,
        store: &S,
        deadlines: Deadlines,
        today: Date,
    ) -> Result<GridItems, StoreError> {
        let mut kept = self.kept.lock().await;
        if let Some((day, kept_deadlines, counts)) = &kept.counts
            && *day == today
            && *kept_deadlines == deadlines
        {
            return Ok(counts.clone());
        }
        let rows = (store)
            .follow_up_counts(&Scope::All, &overdue_before(deadlines, today), false)
            .await?;
        let mut counts: HashMap<GridCode, OpenItems> = HashMap::new();
        for row in rows {
            let grid =
                GridCode::parse(&row.grid).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let items = counts.entry(grid).or_default();
            add(items, &row);
        }
        let counts = Arc::new(counts);
        kept.counts = Some((today, deadlines, counts.clone()));
        Ok(counts)
    }
}

/// Each list with the last day on which an item could enter and still be
/// in time on `today`.
pub fn overdue_before(deadlines: Deadlines, today: Date) -> [(FollowUp, Date); 3] {
    let day = |list| (list, deadlines.overdue_before(list, today));
    [
        day(FollowUp::ZeroEmployment),
        day(FollowUp::LowIncome),
        day(FollowUp::SeekingWork),
    ]
}

/// Adds one row of `follow_up_counts` to a group's open items.
pub fn add(items: &mut OpenItems, row: &crate::store::follow_ups::CountRow) {
    let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    let (open, overdue) = (n(row.open), n(row.overdue.unwrap_or(0)));
    if let Some(i) = FollowUp::ALL.iter().position(|l| l.code() == row.list) {
        items.by_list[i].open += open;
        items.by_list[i].overdue += overdue;
    }
}
