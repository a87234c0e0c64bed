//! 自定义字段: the fields a county adds to the survey. `file.rs` reads the
//! administrator's definitions file; every version is kept in the store,
//! and `FieldSets` keeps them at hand for intake, the roster and exports.

pub mod file;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use shared::extra::{FieldSet, in_effect};
use shared::round::Round;

use crate::store::{Store, StoreError};

/// How long a server trusts the versions it read: an upload through
/// another server sharing the database shows here within this time.
const FRESH_FOR: Duration = Duration::from_secs(10);

/// The versions as read, and when.
type Kept = Option<(Instant, Arc<Vec<FieldSet>>)>;

/// The versions of the added fields, read from the store at most every
/// `FRESH_FOR` (and at once after an upload through this server).
#[derive(Clone, Debug, Default)]
pub struct FieldSets {
    kept: Arc<Mutex<Kept>>,
}

impl FieldSets {
    /// Every version, oldest first.
    pub async fn all<S: Store>(&self, store: &S) -> Result<Arc<Vec<FieldSet>>, StoreError> {
        if let Some((at, sets)) = self.kept.lock().expect("not poisoned").as_ref()
            && at.elapsed() < FRESH_FOR
        {
            return Ok(sets.clone());
        }
        let sets = Arc::new(store.field_sets().await?);
        *self.kept.lock().expect("not poisoned") = Some((Instant::now(), sets.clone()));
        Ok(sets)
    }

    /// The version in effect for `round`, if any.
    pub async fn of_round<S: Store>(
        &self,
        store: &S,
        round: Round,
    ) -> Result<Option<FieldSet>, StoreError> {
        Ok(in_effect(&self.all(store).await?, round).cloned())
    }

    /// Forgets what was read, after an upload.
    pub fn forget(&self) {
        *self.kept.lock().expect("not poisoned") = None;
    }
}
