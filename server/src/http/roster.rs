//! `GET /api/v1/roster[?since=CURSOR]`: the households the caller may
//! survey, for prefill; whole the first time, then only what changed. Its
//! grids carry their outlines and their buildings', so the phone draws the
//! map from what it keeps.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use shared::wire::ErrorBody;
use shared::wire::{GridInfo, Roster};
use time::{Duration, OffsetDateTime};

use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::personal::roster_out;
use crate::http::query::AppQuery;
use crate::store::{Scope, Store};

/// How far before a cursor a delta looks again, so that a change committed
/// just after a read (or stamped by a server whose clock runs a little
/// behind) is sent at the next sync instead of never. The phone merges by
/// household code, so a household sent twice costs only bytes.
const GRACE: Duration = Duration::seconds(60);

#[derive(Debug, Deserialize)]
pub struct SinceQuery {
    pub since: Option<String>,
}

/// What a cursor names its scope by: `all`, a grid's code, or for an area a
/// digest of its grids, so that a cursor no longer applies once the area
/// gains or loses a grid and the phone gets the whole roster again.
fn scope_key(scope: &Scope) -> String {
    match scope {
        Scope::All => "all".into(),
        Scope::Grid(grid) => grid.to_string(),
        Scope::Building { grid, building } => {
            let digest = Sha256::digest(building.as_bytes());
            format!("{grid}-b-{}", &hex::encode(digest)[..12])
        }
        Scope::Area { grids, .. } | Scope::Page(grids) | Scope::Place { grids, .. } => {
            let mut digest = Sha256::new();
            for grid in grids {
                digest.update(grid.as_str().as_bytes());
                digest.update([0]);
            }
            format!("area-{}", &hex::encode(digest.finalize())[..12])
        }
    }
}

/// What the grids sent looked like: a digest of them, outlines included,
/// so that a delta repeats them only once they change.
fn grids_tag(grids: &[GridInfo]) -> String {
    let json = serde_json::to_vec(grids).unwrap_or_default();
    hex::encode(&Sha256::digest(&json)[..8])
}

/// A cursor names the scope it was made for, when its read started, and
/// the grids it sent.
pub fn cursor(scope: &str, at: OffsetDateTime, grids: &str) -> String {
    format!("{scope}.{}.{grids}", at.unix_timestamp_nanos() / 1_000_000)
}

/// The time a cursor stands for and the tag of the grids it sent, if it
/// was made for `scope`.
pub fn parse_cursor<'a>(raw: &'a str, scope: &str) -> Option<(OffsetDateTime, &'a str)> {
    let (rest, grids) = raw.rsplit_once('.')?;
    let (cursor_scope, millis) = rest.rsplit_once('.')?;
    if cursor_scope != scope {
        return None;
    }
    let millis: i128 = millis.parse().ok()?;
    // A cursor made up by hand may name any number (found by fuzzing).
    let at = OffsetDateTime::from_unix_timestamp_nanos(millis.checked_mul(1_000_000)?).ok()?;
    Some((at, grids))
}

#[utoipa::path(get, path = "/api/v1/roster", tag = "survey",
    params(("since" = Option<String>, Query, description = "The cursor of the last sync; omit for the whole roster")),
    responses(
        (status = 200, description = "The caller's households, and its grids with their outlines and their \
            buildings' for the map; numbers masked for roles that do not need them", body = Roster),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "A resident work team or grid member without a grid", body = ErrorBody),
        (status = 422, description = "A malformed query", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user = %caller.user.username))]
pub async fn get<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    AppQuery(query): AppQuery<SinceQuery>,
) -> Result<Json<Roster>, ApiError> {
    let scope = caller.scope()?;
    let key = scope_key(scope);
    let read_at = OffsetDateTime::now_utc();
    // A cursor from another scope (the user moved grids) or an unreadable
    // one gets the whole roster, which the phone takes in place of its own.
    let asked = query
        .since
        .as_deref()
        .and_then(|raw| parse_cursor(raw, &key));
    let since = asked.map(|(at, _)| at - GRACE);
    let mut grids = app.store.grids(scope).await?;
    for map in app.store.map(scope).await? {
        if let Some(grid) = grids.iter_mut().find(|g| g.code == map.grid) {
            grid.outline = map.outline;
            grid.buildings = map.buildings;
        }
    }
    let households = app.store.roster(app.round(), scope, since).await?;
    let removed = match since {
        Some(since) => app.store.roster_removals(scope, since).await?,
        None => Vec::new(),
    };
    let tag = grids_tag(&grids);
    let grids_kept = asked.is_some_and(|(_, sent)| sent == tag);
    let mut roster = Roster {
        round: app.round(),
        grids: if grids_kept { Vec::new() } else { grids },
        grids_kept,
        households,
        removed,
        full: since.is_none(),
        cursor: cursor(&key, read_at, &tag),
        // Sent with every sync: a new version may apply at any time.
        fields: (app.fields.of_round(&app.store, app.round()).await?)
            .map(|set| set.fields)
            .unwrap_or_default(),
        working_age_limit: app.age_limit,
        low_income_line: Some(app.low_income_line),
    };
    roster_out(&app.store, &caller, &mut roster).await?;
    Ok(Json(roster))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn a_cursor_reads_back_only_in_its_own_scope() {
        let at = datetime!(2026-11-23 10:00:00.123 UTC);
        let raw = cursor("G1", at, "0a1b");
        assert_eq!(parse_cursor(&raw, "G1"), Some((at, "0a1b")));
        assert_eq!(parse_cursor(&raw, "G2"), None);
        assert_eq!(parse_cursor("garbage", "G1"), None);
        // A cursor without the grids' tag gets the whole roster.
        assert_eq!(parse_cursor("G1.1795428000123", "G1"), None);
    }
}
