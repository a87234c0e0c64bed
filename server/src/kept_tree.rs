//! The place tree, and the round in progress's figures of every grid,
//! kept in memory between the supervisors' summaries. Summing a
//! province's kept figures takes longer than a summary may (about 260 ms
//! for 500,000 households on SQLite), and few grids change between two
//! reads. Each read sums again only the grids whose households changed
//! since the last one (`ChangeWatch`), and reads everything again after
//! any roster import, on whichever server it ran: an import may add places
//! and move households between grids.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use shared::place::{GridCode, Place, PlaceCode};
use shared::round::Round;
use shared::tally::Tally;
use time::{Date, OffsetDateTime};
use tokio::sync::Mutex;

use crate::change_watch::ChangeWatch;
use crate::store::{Scope, Store, StoreError};

pub type Tree = Arc<BTreeMap<PlaceCode, Place>>;
pub type GridSums = Arc<HashMap<GridCode, Tally>>;

#[derive(Clone, Debug, Default)]
pub struct KeptTree {
    kept: Arc<Mutex<Option<Kept>>>,
}

#[derive(Debug)]
struct Kept {
    /// `Store::roster_imports` when the tree was read.
    imports: u64,
    tree: Tree,
    sums: Option<Sums>,
}

#[derive(Debug)]
struct Sums {
    round: Round,
    on: Date,
    low_income_line: u32,
    grids: GridSums,
    watch: ChangeWatch,
}

impl KeptTree {
    /// The place tree as it is now.
    pub async fn tree<S: Store>(&self, store: &S) -> Result<Tree, StoreError> {
        let mut kept = self.kept.lock().await;
        Ok(current(&mut kept, store).await?.tree.clone())
    }

    /// The kept figures of every grid holding households, for `round` as of `on`, with households under
    /// `low_income_line` counted.
    pub async fn sums<S: Store>(
        &self,
        store: &S,
        round: Round,
        on: Date,
        low_income_line: u32,
    ) -> Result<GridSums, StoreError> {
        let mut kept = self.kept.lock().await;
        let kept = current(&mut kept, store).await?;
        let now = OffsetDateTime::now_utc();
        match &mut kept.sums {
            Some(sums)
                if sums.round == round
                    && sums.on == on
                    && sums.low_income_line == low_income_line =>
            {
                let look = sums.watch.look(store, now).await?;
                let grids: BTreeSet<&str> = look.news.iter().map(|c| c.grid.as_str()).collect();
                let changed = (grids.into_iter())
                    .map(|g| GridCode::parse(g).map_err(|e| StoreError::Corrupt(e.to_string())))
                    .collect::<Result<Vec<_>, _>>()?;
                if !changed.is_empty() {
                    let fresh = (store)
                        .tallies(round, low_income_line, &Scope::Page(changed.clone()), false)
                        .await?;
                    let grids = Arc::make_mut(&mut sums.grids);
                    for grid in &changed {
                        grids.remove(grid);
                    }
                    grids.extend(fresh.into_iter().map(|t| (t.grid, t.tally)));
                }
                sums.watch.take(look);
            }
            _ => {
                let watch = ChangeWatch::start(store, now).await?;
                let all = store
                    .tallies(round, low_income_line, &Scope::All, false)
                    .await?;
                kept.sums = Some(Sums {
                    round,
                    on,
                    low_income_line,
                    grids: Arc::new(all.into_iter().map(|t| (t.grid, t.tally)).collect()),
                    watch,
                });
            }
        }
        Ok(kept
            .sums
            .as_ref()
            .map(|s| s.grids.clone())
            .unwrap_or_default())
    }

    /// Forgets the figures, after some were computed again with no change
    /// time to find them by.
    pub async fn forget_sums(&self) {
        if let Some(kept) = self.kept.lock().await.as_mut() {
            kept.sums = None;
        }
    }
}

/// What is kept, read again first if a roster import ran since.
async fn current<'k, S: Store>(
    kept: &'k mut Option<Kept>,
    store: &S,
) -> Result<&'k mut Kept, StoreError> {
    let imports = store.roster_imports().await?;
    if kept.as_ref().is_none_or(|k| k.imports != imports) {
        let tree = (store.places().await?.into_iter())
            .map(|p| (p.code.clone(), p))
            .collect();
        *kept = Some(Kept {
            imports,
            tree: Arc::new(tree),
            sums: None,
        });
    }
    Ok(kept.as_mut().expect("just kept"))
}
