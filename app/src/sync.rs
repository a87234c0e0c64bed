//! Keeping the phone and the server in step: the outbox goes up, oldest
//! first, and the roster comes down by delta. Runs at start, after every
//! capture, when the network returns and every half minute; a failure
//! waits longer each time, up to a minute.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::codes::Role;
use shared::wire::{Roster, RosterHousehold};
use uuid::Uuid;
use wasm_bindgen::prelude::*;

use crate::api::{self, ApiError};
use crate::device::{self, StorageError, Store};
use crate::list_face::{self, Building, ListFace};
use crate::outbox::{self, Entry, Kind, State, state_of};
use crate::pages::desk;
use crate::roster_merge::merge_roster;
use crate::{RosterCache, Session, SessionEnded};

const PERIOD: Duration = Duration::from_secs(30);
const MAX_BACKOFF_SECS: u64 = 60;
/// The lock a tab holds while it sends, so that two tabs never send the
/// same capture.
const SYNC_LOCK: &str = "anju-sync";
/// How long a tab waits for another that is sending.
const OTHER_TAB_WAIT: Duration = Duration::from_secs(3);

/// The sync state every screen can show, and the way to add to the outbox.
#[derive(Clone, Copy)]
pub struct Sync {
    session: RwSignal<Option<shared::wire::SessionInfo>>,
    ended: SessionEnded,
    roster: RwSignal<Option<Roster>>,
    /// Every waiting capture on this phone, of any user, oldest first.
    pub outbox: RwSignal<Vec<Entry>>,
    /// Captures the server acknowledged since the app started.
    pub delivered: RwSignal<Vec<Uuid>>,
    /// When the server last answered, in milliseconds since the epoch.
    pub last_sync: RwSignal<Option<f64>>,
    /// Whether the last attempt reached the server.
    pub online: RwSignal<bool>,
    /// The roster could not be fetched and there is none on the phone.
    pub roster_error: RwSignal<Option<String>>,
    /// Whether the browser agreed to keep the app's data.
    pub persistent: RwSignal<Option<bool>>,
    /// Whether the phone had too little room to keep a survey when last checked.
    pub storage_low: RwSignal<bool>,
    /// A supervisor's phone fetches the roster of its scope (a whole city,
    /// perhaps) only once a screen needs it: a household or the map.
    roster_wanted: RwSignal<bool>,
    /// Whether the roster kept on the phone for this user has been read:
    /// until then a sync would not know its cursor and fetch it whole.
    roster_read: RwSignal<bool>,
    /// A large area's list as it was last shown, until the roster is read.
    pub face: RwSignal<Option<Vec<Building>>>,
    busy: RwSignal<bool>,
    again: RwSignal<bool>,
    failures: RwSignal<u32>,
    /// When the server said to try again (`Retry-After`), in ms since the
    /// epoch: no sync starts before it, whatever asks for one.
    wait_until: RwSignal<f64>,
}

impl Sync {
    pub fn new(
        Session(session): Session,
        RosterCache(roster): RosterCache,
        ended: SessionEnded,
    ) -> Self {
        Sync {
            session,
            ended,
            roster,
            outbox: RwSignal::new(Vec::new()),
            delivered: RwSignal::new(Vec::new()),
            last_sync: RwSignal::new(None),
            online: RwSignal::new(device::is_online()),
            roster_error: RwSignal::new(None),
            persistent: RwSignal::new(None),
            storage_low: RwSignal::new(false),
            roster_wanted: RwSignal::new(false),
            roster_read: RwSignal::new(false),
            face: RwSignal::new(None),
            busy: RwSignal::new(false),
            again: RwSignal::new(false),
            failures: RwSignal::new(0),
            wait_until: RwSignal::new(0.0),
        }
    }

    /// Loads what the phone kept and starts the schedule.
    pub fn start(self) {
        spawn_local(async move {
            self.outbox.set(outbox::load().await);
            self.last_sync
                .set(device::get(Store::State, LAST_SYNC).await);
            let online = Closure::<dyn FnMut()>::new(move || {
                self.failures.set(0);
                self.kick();
            });
            device::on_online(&online);
            // Lives as long as the page.
            online.forget();
            let _ = set_interval_with_handle(move || self.kick(), PERIOD);
        });
    }

    /// Checks whether the phone has room to keep a survey (`storage_low`).
    pub fn check_storage(self) {
        spawn_local(async move {
            self.storage_low
                .set(device::storage_low().await.is_truthy());
        });
    }

    /// The logged-in user's captures waiting to go.
    pub fn waiting(&self) -> Vec<Entry> {
        let user = self.user();
        self.outbox.with(|entries| {
            entries
                .iter()
                .filter(|e| Some(&e.owner) == user.as_ref())
                .cloned()
                .collect()
        })
    }

    /// The households the list shows as returned: sent back by a supervisor
    /// and not yet answered by a waiting survey. A resident work team's to
    /// correct, the only role that surveys from a roster.
    pub fn returned(&self) -> Vec<RosterHousehold> {
        let surveys = self
            .session
            .with(|s| s.as_ref().is_some_and(|s| s.role == Role::Surveyor));
        if !surveys {
            return Vec::new();
        }
        self.outbox.with(|outbox| {
            self.roster.with(|roster| {
                roster
                    .iter()
                    .flat_map(|r| &r.households)
                    .filter(|h| state_of(h, outbox) == State::Returned)
                    .cloned()
                    .collect()
            })
        })
    }

    fn user(&self) -> Option<String> {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| s.username.clone()))
    }

    /// Saves a capture on the phone, then tries to send it. Returns only
    /// after it is on disk.
    pub async fn enqueue(self, entry: Option<Entry>, label: String) -> Result<(), StorageError> {
        let mut entry = entry.ok_or(StorageError)?;
        entry.owner = self.user().ok_or(StorageError)?;
        entry.label = label;
        outbox::save(&entry).await?;
        self.show(entry.clone());
        self.roster.update(|roster| {
            if let Some(household) = roster
                .as_mut()
                .and_then(|r| r.households.iter_mut().find(|h| h.code == entry.household))
            {
                outbox::overlay(household, std::slice::from_ref(&entry));
            }
        });
        self.save_roster();
        if self.persistent.get_untracked() != Some(true) {
            let persistent = self.persistent;
            spawn_local(async move { persistent.set(Some(device::persist().await)) });
        }
        self.kick();
        Ok(())
    }

    /// Adds captures read back from a file; those already here are skipped.
    pub async fn import(self, entries: Vec<Entry>) -> Result<usize, StorageError> {
        let mut added = 0;
        for mut entry in entries {
            if self
                .outbox
                .with_untracked(|o| o.iter().any(|e| e.id == entry.id))
            {
                continue;
            }
            entry.problem = None;
            outbox::save(&entry).await?;
            self.show(entry);
            added += 1;
        }
        self.kick();
        Ok(added)
    }

    /// Throws captures away, after the user confirmed what is lost.
    pub async fn discard(self, ids: Vec<Uuid>) -> Result<(), StorageError> {
        for id in &ids {
            outbox::remove(*id).await?;
            self.outbox.update(|o| o.retain(|e| e.id != *id));
        }
        // The list may show values from what was discarded: fetch it whole.
        self.roster.update(|r| {
            if let Some(r) = r {
                r.cursor.clear();
            }
        });
        self.kick();
        Ok(())
    }

    /// Sends a capture the server refused once more, after the user acted.
    pub async fn retry(self, id: Uuid) -> Result<(), StorageError> {
        let Some(mut entry) = self
            .outbox
            .with_untracked(|o| o.iter().find(|e| e.id == id).cloned())
        else {
            return Ok(());
        };
        entry.problem = None;
        outbox::save(&entry).await?;
        self.show(entry);
        self.failures.set(0);
        self.kick();
        Ok(())
    }

    /// Shows `entry` in the outbox, in place of its earlier state if it has
    /// one, else in the order captures are sent.
    fn show(self, entry: Entry) {
        self.outbox
            .update(|o| match o.iter_mut().find(|e| e.id == entry.id) {
                Some(kept) => *kept = entry,
                None => {
                    o.push(entry);
                    o.sort_by(|a, b| a.saved_at.total_cmp(&b.saved_at));
                }
            });
    }

    /// Starts a round of syncing, or asks the running one to go again.
    pub fn kick(self) {
        if self.busy.get_untracked() {
            self.again.set(true);
            return;
        }
        if self.session.with_untracked(Option::is_none) {
            return;
        }
        // The timer set when the server asked for the wait kicks again.
        if self.told_to_wait().is_some() {
            return;
        }
        self.busy.set(true);
        spawn_local(async move {
            // One tab of the app sends at a time; the others wait their turn.
            let Some(_turn) = device::lock_if_free(SYNC_LOCK).await else {
                self.busy.set(false);
                set_timeout(move || self.kick(), OTHER_TAB_WAIT);
                return;
            };
            loop {
                self.again.set(false);
                let reached = self.send_outbox().await && self.refresh_roster().await;
                if !reached {
                    self.back_off();
                    break;
                }
                self.failures.set(0);
                if !self.again.get_untracked() {
                    break;
                }
            }
            self.busy.set(false);
        });
    }

    fn back_off(self) {
        let failures = self.failures.get_untracked().saturating_add(1);
        self.failures.set(failures);
        let backoff =
            Duration::from_secs(2u64.saturating_pow(failures.min(6)).min(MAX_BACKOFF_SECS));
        let delay = self.told_to_wait().unwrap_or(backoff);
        set_timeout(move || self.kick(), delay);
    }

    /// How long is left of the wait the server asked for, if any.
    fn told_to_wait(self) -> Option<Duration> {
        let left = self.wait_until.get_untracked() - js_sys::Date::now();
        (left > 0.0).then(|| Duration::from_millis(left.ceil() as u64))
    }

    /// Notes the wait a refusal asked for (a database restarting, a full
    /// disk, too many tries): at most ten minutes, in case of a mistake.
    fn heed(self, err: &ApiError) {
        if let Some(secs) = err.retry_after() {
            let secs = f64::from(secs.min(600));
            self.wait_until.set(js_sys::Date::now() + secs * 1000.0);
        }
    }

    /// Sends the user's waiting captures; false if the server was not reached.
    async fn send_outbox(self) -> bool {
        // What the phone holds now: another tab may have sent some of it,
        // or captured more, since this one last looked. The screens that
        // read the outbox are told only if it changed.
        let kept = outbox::load().await;
        if self.outbox.with_untracked(|o| *o != kept) {
            self.outbox.set(kept);
        }
        let mut tried: Vec<Uuid> = Vec::new();
        loop {
            let Some(entry) = self
                .waiting()
                .into_iter()
                .find(|e| e.problem.is_none() && !tried.contains(&e.id))
            else {
                return true;
            };
            tried.push(entry.id);
            let path = match entry.kind {
                Kind::Survey => "/api/v1/submissions",
                Kind::Visit => "/api/v1/visits",
                Kind::Action => "/api/v1/follow-up/actions",
            };
            let answer = api::post_raw(path, &entry.body).await;
            match answer {
                Ok(()) => {
                    // If this fails the entry is sent again, and the server
                    // answers a repeated id with its first receipt.
                    let _ = outbox::remove(entry.id).await;
                    self.outbox.update(|o| o.retain(|e| e.id != entry.id));
                    self.delivered.update(|d| d.push(entry.id));
                    self.reached();
                }
                Err(err) if err.is_unauthenticated() => {
                    self.ended.by(self.session, &err);
                    return false;
                }
                Err(err) if err.is_transient() => {
                    self.online.set(!matches!(err, ApiError::Network));
                    self.heed(&err);
                    return false;
                }
                Err(err) => {
                    self.reached();
                    let mut refused = entry.clone();
                    refused.problem = Some(err.message());
                    let _ = outbox::save(&refused).await;
                    self.show(refused);
                }
            }
        }
    }

    /// Asks for the roster on a supervisor's phone, from a screen that
    /// reads it.
    pub fn want_roster(self) {
        if !self.roster_wanted.get_untracked() {
            self.roster_wanted.set(true);
            self.kick();
        }
    }

    /// Fetches what changed in the roster; false if the server was not reached.
    async fn refresh_roster(self) -> bool {
        let Some((round, role)) = self
            .session
            .with_untracked(|s| s.as_ref().map(|s| (s.round, s.role)))
        else {
            return true;
        };
        if !self.roster_read.get_untracked()
            || (matches!(role, Role::Admin | Role::Supervisor)
                && !self.roster_wanted.get_untracked())
        {
            return true;
        }
        let since = self.roster.with_untracked(|r| {
            r.as_ref()
                .filter(|r| r.round == round && !r.cursor.is_empty())
                .map(|r| r.cursor.clone())
        });
        let mut answer = api::roster(since.as_deref()).await;
        let mut new_round = None;
        if answer.as_ref().is_ok_and(|delta| delta.round != round) {
            // The quarter changed at the server: the new round starts from the
            // whole roster, whose records (last round's) prefill its surveys.
            answer = api::roster(None).await;
            new_round = answer
                .as_ref()
                .ok()
                .map(|r| r.round)
                .filter(|r| *r != round);
        }
        match answer {
            Ok(delta) if self.changes_nothing(&delta) => {
                self.reached();
                // Nothing changed: keep the newer cursor in memory only. The
                // kept roster's older cursor still asks for a superset, so
                // the whole roster need not be rewritten every half minute.
                self.roster.update_untracked(|r| {
                    if let Some(r) = r {
                        r.cursor = delta.cursor;
                    }
                });
                self.roster_error.set(None);
                true
            }
            Ok(delta) => {
                self.reached();
                let pending = self.waiting();
                let old = self.roster.get_untracked();
                let merged = merge_roster(old, delta, &pending);
                match (new_round, self.user()) {
                    // The new round's households are on the phone before the
                    // session says the new round: a reload in between opens
                    // last round as it was, never its households in the new.
                    (Some(new_round), Some(user)) => {
                        let _ = device::put(Store::State, &roster_key(&user), &merged).await;
                        self.roster.set(Some(merged));
                        self.session.update(|s| {
                            if let Some(s) = s.as_mut() {
                                s.round = new_round;
                            }
                        });
                        if let Some(info) = self.session.get_untracked() {
                            let _ = device::put(Store::State, crate::SESSION_KEY, &info).await;
                        }
                    }
                    _ => {
                        self.roster.set(Some(merged));
                        self.save_roster();
                    }
                }
                self.roster_error.set(None);
                true
            }
            Err(err) if err.is_unauthenticated() => {
                self.ended.by(self.session, &err);
                false
            }
            Err(err) => {
                if matches!(err, ApiError::Network) {
                    self.online.set(false);
                }
                self.heed(&err);
                if self.roster.with_untracked(Option::is_none) {
                    self.roster_error.set(Some(err.message()));
                }
                !err.is_transient()
            }
        }
    }

    /// Whether `delta` leaves the kept roster as it is.
    fn changes_nothing(&self, delta: &Roster) -> bool {
        !delta.full
            && delta.households.is_empty()
            && delta.removed.is_empty()
            && self.roster.with_untracked(|r| {
                r.as_ref().is_some_and(|r| {
                    (delta.grids_kept || r.grids == delta.grids) && r.fields == delta.fields
                })
            })
    }

    fn reached(&self) {
        let now = js_sys::Date::now();
        self.online.set(true);
        self.last_sync.set(Some(now));
        spawn_local(async move {
            let _ = device::put(Store::State, LAST_SYNC, &now).await;
        });
    }

    /// Keeps the roster on the phone for the next start, offline or not.
    fn save_roster(&self) {
        let (Some(user), Some(roster)) = (self.user(), self.roster.get_untracked()) else {
            return;
        };
        spawn_local(async move {
            let _ = device::put(Store::State, &roster_key(&user), &roster).await;
        });
    }

    /// Shows the roster kept on the phone for `user` until the server answers.
    pub async fn load_roster(self, user: &str) {
        self.roster_read.set(false);
        let round = self.session.with_untracked(|s| s.as_ref().map(|s| s.round));
        let face: Option<ListFace> = device::get(Store::State, &list_face::key(user)).await;
        if let Some(face) = face.filter(|f| Some(f.round) == round) {
            // The list draws from its face first: its module loads and the
            // page paints before decoding the roster holds the main thread.
            self.face.set(Some(face.buildings));
            desk::preload_area_list().await;
            device::after_paint().await;
        }
        let kept: Option<Roster> = device::get(Store::State, &roster_key(user)).await;
        if kept.is_some() {
            self.roster.set(kept);
        }
        self.face.set(None);
        self.roster_read.set(true);
    }
}

const LAST_SYNC: &str = "last_sync";

fn roster_key(user: &str) -> String {
    format!("roster:{user}")
}

impl ApiError {
    /// Worth trying again later without the user doing anything.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Network => true,
            // Until a one-time password is replaced the server takes nothing;
            // the captures wait rather than count as refused.
            ApiError::Server { status, code, .. } => {
                *status >= 500 || matches!(*status, 408 | 429) || code == "password_change_required"
            }
        }
    }
}
