//! Which households changed since figures kept in memory were last brought
//! up to date. A change is found by its time, looking back a minute before
//! the last look for commits that were slow to land; the changes seen at
//! the last look are passed over, so that the minute after an import
//! (every household changed) does not compare them all again at each read.

use std::collections::HashMap;

use time::{Duration, OffsetDateTime};

use crate::store::figures::HouseholdChange;
use crate::store::{Store, StoreError};

/// How far before the last look a change is looked for again.
pub const LOOK_BACK: Duration = Duration::minutes(1);

#[derive(Debug)]
pub struct ChangeWatch {
    looked_at: OffsetDateTime,
    /// The change time of each household changed within `LOOK_BACK` of
    /// `looked_at`, as the figures hold it.
    seen: HashMap<String, String>,
}

impl ChangeWatch {
    /// Starts watching at `now`, before figures are computed in full: the
    /// changes read here are in them.
    pub async fn start<S: Store>(store: &S, now: OffsetDateTime) -> Result<Self, StoreError> {
        let changes = store.changed_households(now - LOOK_BACK).await?;
        Ok(ChangeWatch {
            looked_at: now,
            seen: seen(changes),
        })
    }

    /// From where the next look reads changes.
    pub fn since(&self) -> OffsetDateTime {
        self.looked_at - LOOK_BACK
    }

    /// Reads the changes as of `now`; `take` them once what they change is
    /// brought up to date, so that a failure on the way finds them again.
    pub async fn look<S: Store>(&self, store: &S, now: OffsetDateTime) -> Result<Look, StoreError> {
        let changes = store.changed_households(self.since()).await?;
        let news = (changes.iter())
            .filter(|c| self.seen.get(&c.code) != Some(&c.changed_at))
            .cloned()
            .collect();
        Ok(Look {
            at: now,
            changes,
            news,
        })
    }

    /// Takes a look's changes as seen.
    pub fn take(&mut self, look: Look) {
        self.looked_at = look.at;
        self.seen = seen(look.changes);
    }
}

/// The changes one look read.
#[derive(Debug)]
pub struct Look {
    at: OffsetDateTime,
    changes: Vec<HouseholdChange>,
    /// Those not seen at the look before.
    pub news: Vec<HouseholdChange>,
}

/// Each household's change time, from changes read in their order.
fn seen(changes: Vec<HouseholdChange>) -> HashMap<String, String> {
    (changes.into_iter())
        .map(|c| (c.code, c.changed_at))
        .collect()
}
