//! The two reads every submission makes before it joins a group commit (its
//! session, and its household with the ledger), run on the calling thread
//! through a synchronous connection: point reads by primary key that take
//! microseconds, where a hand-over to the async driver's connection thread
//! and back costs more than the read itself. In WAL mode a reader never
//! waits for the writer, so these do not block on a commit in progress.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Row};
use shared::round::Round;
use time::OffsetDateTime;

use super::rows::{PlaceRow, StateRow, UserRow, timestamp};
use super::sessions::{session_user, session_user_sql};
use super::{HouseholdState, SessionUser, StoreError};

/// Idle connections kept for reuse; about one per thread that reads at once.
const MAX_IDLE: usize = 8;

/// Read-only connections to one database file, opened on first use.
#[derive(Debug)]
pub struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    pub fn new(path: &Path) -> Readers {
        Readers {
            path: path.to_owned(),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `read` on an idle connection, or a new one.
    fn with<T>(
        &self,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let conn = match idle {
            Some(conn) => conn,
            None => self.open()?,
        };
        let result = read(&conn);
        match self.idle.lock() {
            Ok(mut idle) if idle.len() < MAX_IDLE => idle.push(conn),
            _ => {}
        }
        Ok(result?)
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.execute_batch("PRAGMA query_only = ON;")?;
        Ok(conn)
    }

    /// The user of an unexpired session, and when it was last used.
    pub fn session_user(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<SessionUser>, StoreError> {
        let row = self.with(|conn| {
            conn.prepare_cached(&session_user_sql("?1", "?2"))?
                .query_row((token_hash, timestamp(now)), |row| {
                    let seen_at: String = row.get(0)?;
                    let user = UserRow {
                        username: row.get(1)?,
                        display_name: row.get(2)?,
                        role: row.get(3)?,
                        place: row.get(4)?,
                        place_name: row.get(5)?,
                        place_level: row.get(6)?,
                        building: row.get(7)?,
                        demo: row.get(8)?,
                        disabled: row.get(9)?,
                        must_change_password: row.get(10)?,
                    };
                    Ok((seen_at, user))
                })
                .optional()
        })?;
        row.map(|(seen_at, user)| session_user(&seen_at, user))
            .transpose()
    }

    /// Where a household sits and its ledger for `round`, in one read.
    pub fn household_state(
        &self,
        code: &str,
        round: Round,
    ) -> Result<Option<HouseholdState>, StoreError> {
        let row = self.with(|conn| {
            conn.prepare_cached(
                // One look-up of the ledger: this round's if kept, else the
                // last one before it, which the round carries over.
                "SELECT h.code, h.grid, h.building, h.floor, h.room, \
                     (SELECT body FROM ledgers WHERE household = h.code AND round <= ?2 \
                      ORDER BY round DESC LIMIT 1) AS latest \
                 FROM households h WHERE h.code = ?1",
            )?
            .query_row((code, round.to_string()), state_row)
            .optional()
        })?;
        row.map(|r| r.into_state(round)).transpose()
    }
}

fn state_row(row: &Row<'_>) -> rusqlite::Result<StateRow> {
    Ok(StateRow {
        place: PlaceRow {
            code: row.get(0)?,
            grid: row.get(1)?,
            building: row.get(2)?,
            floor: row.get(3)?,
            room: row.get(4)?,
        },
        // `into_state` takes this round's ledger if it is that, and carries
        // it over otherwise.
        current: row.get(5)?,
        previous: None,
    })
}
