//! The store methods whose SQL and row handling are the same on SQLite and
//! PostgreSQL, written once. Both take `$1`-style parameters, so one query
//! text serves both; what differs (the scope's grid list, JSON functions, the
//! submission writes) stays in `sqlite.rs` and `postgres.rs`.
//!
//! `portable_queries!()` expands inside each backend's `impl Store`, with
//! `self.pool` its sqlx pool and `Db` its sqlx database. As with any
//! `macro_rules!` item, names resolve where it expands, so each backend
//! imports the row types these use; the compiler checks the methods once
//! per backend.

use super::{Scope, User};

/// A submission with its household's place and the decision on it.
pub const SUBMISSIONS: &str = "SELECT h.code, h.grid, h.building, h.floor, h.room, s.id, s.body, \
         s.received_at, r.decision, r.reason, r.reviewer, r.reviewed_at \
     FROM submissions s JOIN households h ON h.code = s.household \
     LEFT JOIN reviews r ON r.submission = s.id";
pub const NEWEST_FIRST: &str = "ORDER BY s.received_at DESC, s.id DESC";

/// The roster's read, `latest_rows` on each backend: each household in the
/// scope (`$2`) with its latest ledger up to round `$1` (this round's if
/// kept, else the last one), changed after `$3` unless that is NULL, and its
/// latest return this round that no submission has answered yet by naming
/// it in its base. `open_return` is that return as JSON text, in the
/// backend's JSON functions; `in_scope` tests `h.grid` against `$2`.
pub fn latest_rows_sql(open_return: &str, in_scope: &str) -> String {
    format!(
        "SELECT h.code, h.grid, h.building, h.floor, h.room, l.body, \
             EXISTS (SELECT 1 FROM visits v WHERE v.household = h.code AND v.round = $1) AS visited, \
             ({open_return}) AS returned, \
             (SELECT s.author FROM submissions s WHERE s.household = h.code AND s.round = $1 \
              ORDER BY s.received_at DESC LIMIT 1) AS surveyed_by \
         FROM households h \
         LEFT JOIN ledgers l ON l.household = h.code AND l.round = ( \
             SELECT max(round) FROM ledgers WHERE household = h.code AND round <= $1) \
         WHERE h.removed_at IS NULL AND {in_scope} \
             AND (CAST($3 AS TEXT) IS NULL OR h.changed_at > $3) \
         ORDER BY h.grid, h.building, h.floor, h.room"
    )
}

/// Adds a user: username, display name, password hash, role, place,
/// building, demo, disabled, must change password; nothing if the username
/// is taken.
pub const INSERT_USER: &str = "INSERT INTO users \
         (username, display_name, password_hash, role, place, building, demo, disabled, must_change_password) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (username) DO NOTHING";

/// A user's columns as `UserRow` reads them, with the name and level of
/// their place, from `users u` joined by `USER_PLACE`.
pub const USER_COLUMNS: &str = "u.username, u.display_name, u.role, u.place, \
     wp.name AS place_name, wp.level AS place_level, u.building, u.demo, u.disabled, \
     u.must_change_password";
pub const USER_PLACE: &str = "LEFT JOIN places wp ON wp.code = u.place";

/// The places under `$1`, itself too, each with its code again where it is
/// a grid that holds households.
pub const SUBTREE: &str = "WITH RECURSIVE under(code) AS ( \
         SELECT code FROM places WHERE code = $1 \
         UNION ALL SELECT p.code FROM places p JOIN under ON p.parent = under.code) \
     SELECT under.code, g.code AS grid FROM under LEFT JOIN grids g ON g.code = under.code \
     ORDER BY under.code";

/// The test that a household (`{alias}.building`) is the building a
/// building head's scope names; nothing for other scopes. The name is
/// written as an SQL string, its quotes doubled, which both databases read
/// the same way.
pub fn in_building(alias: &str, scope: &Scope) -> String {
    match scope.building() {
        Some(building) => format!(" AND {alias}.building = '{}'", building.replace('\'', "''")),
        None => String::new(),
    }
}

/// A LIKE pattern that finds `term` anywhere, its own wildcards (and the
/// escape) matching themselves; read with `ESCAPE '\\'`.
pub fn containing(term: &str) -> String {
    let escaped = term
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A user's place code and building, as `INSERT_USER` and updates bind them.
pub fn workplace_binds(user: &User) -> (Option<&str>, Option<&str>) {
    match &user.workplace {
        Some(w) => (Some(w.code.as_str()), w.building.as_deref()),
        None => (None, None),
    }
}

macro_rules! portable_queries {
    () => {
        async fn is_empty(&self) -> Result<bool, StoreError> {
            let n: i64 = sqlx::query_scalar("SELECT count(*) FROM grids")
                .fetch_one(&self.pool)
                .await?;
            Ok(n == 0)
        }

        #[instrument(skip_all, fields(households = seed.households.len()))]
        async fn seed(&self, seed: &Seed) -> Result<(), StoreError> {
            let seeded_at = timestamp(OffsetDateTime::now_utc());
            let mut tx = self.pool.begin().await?;
            // Parents first: the places above the grids, then the grids.
            let grid_places = seed.grids.iter().map(|grid| grid.place());
            for place in seed.places.iter().cloned().chain(grid_places) {
                sqlx::query(UPSERT_PLACE)
                    .bind(place.code.as_str())
                    .bind(place.level.code())
                    .bind(&place.name)
                    .bind(place.parent.as_ref().map(PlaceCode::as_str))
                    .execute(&mut *tx)
                    .await?;
            }
            for grid in &seed.grids {
                sqlx::query("INSERT INTO grids (code, name, area, boundary) VALUES ($1, $2, $3, $4)")
                    .bind(grid.code.as_str())
                    .bind(&grid.name)
                    .bind(&grid.area)
                    .bind(grid.boundary.as_ref().map(Boundary::as_str))
                    .execute(&mut *tx)
                    .await?;
            }
            for (grid, building, boundary) in &seed.building_boundaries {
                sqlx::query(
                    "INSERT INTO building_boundaries (grid, building, boundary) VALUES ($1, $2, $3)",
                )
                .bind(grid.as_str())
                .bind(building)
                .bind(boundary.as_str())
                .execute(&mut *tx)
                .await?;
            }
            for h in &seed.households {
                sqlx::query(
                    "INSERT INTO households (code, grid, building, floor, room, changed_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(h.code.as_str())
                .bind(h.grid.as_str())
                .bind(&h.building)
                .bind(h.floor)
                .bind(&h.room)
                .bind(&seeded_at)
                .execute(&mut *tx)
                .await?;
            }
            for ledger in &seed.ledgers {
                sqlx::query(
                    "INSERT INTO ledgers (household, round, surveyed, body) VALUES ($1, $2, $3, $4)",
                )
                .bind(ledger.household.as_str())
                .bind(ledger.round.to_string())
                .bind(ledger.is_surveyed())
                .bind(to_json(ledger))
                .execute(&mut *tx)
                .await?;
                let figures = KeptFigures::now(ledger, self.age_limit);
                set_figures(ledger.household.as_str(), &figures, None, None)
                    .execute(&mut *tx)
                    .await?;
                for id in ledger.present_ids() {
                    sqlx::query(ADD_PERSON_ID)
                        .bind(ledger.household.as_str())
                        .bind(id.as_str())
                        .execute(&mut *tx)
                        .await?;
                }
            }
            for c in &seed.users {
                sqlx::query(INSERT_USER)
                .bind(&c.user.username)
                .bind(&c.user.display_name)
                .bind(&c.password_hash)
                .bind(c.user.role.code())
                .bind(workplace_binds(&c.user).0)
                .bind(workplace_binds(&c.user).1)
                .bind(c.user.demo)
                .bind(c.user.disabled)
                .bind(c.user.must_change_password)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        }

        async fn credentials(&self, username: &str) -> Result<Option<Credentials>, StoreError> {
            let row: Option<CredentialsRow> = sqlx::query_as(&format!(
                "SELECT {USER_COLUMNS}, u.password_hash FROM users u {USER_PLACE} WHERE u.username = $1"
            ))
                .bind(username)
                .fetch_optional(&self.pool)
                .await?;
            row.map(Credentials::try_from).transpose()
        }

        async fn audit(
            &self,
            username: &str,
            action: &str,
            subject: &str,
            at: OffsetDateTime,
        ) -> Result<(), StoreError> {
            sqlx::query(
                "INSERT INTO audit_log (at, username, action, subject) VALUES ($1, $2, $3, $4)",
            )
            .bind(timestamp(at))
            .bind(username)
            .bind(action)
            .bind(subject)
            .execute(&self.pool)
            .await?;
            Ok(())
        }

        async fn count_households(&self, scope: &Scope, building: Option<&str>) -> Result<u64, StoreError> {
            let n: i64 = sqlx::query_scalar(&format!(
                "SELECT count(*) FROM households h WHERE h.removed_at IS NULL AND {}{} \
                 AND (CAST($2 AS TEXT) IS NULL OR h.building = $2)",
                in_scope("h.grid", 1, scope),
                in_building("h", scope)
            ))
            .bind(grid_list(scope))
            .bind(building)
            .fetch_one(&self.pool)
            .await?;
            Ok(u64::try_from(n).unwrap_or_default())
        }

        async fn places(&self) -> Result<Vec<Place>, StoreError> {
            let rows: Vec<TreeRow> = sqlx::query_as(PLACES).fetch_all(&self.pool).await?;
            rows.into_iter().map(Place::try_from).collect()
        }

        async fn field_sets(&self) -> Result<Vec<FieldSet>, StoreError> {
            let bodies: Vec<String> =
                sqlx::query_scalar("SELECT body FROM field_sets ORDER BY version")
                    .fetch_all(&self.pool)
                    .await?;
            bodies
                .iter()
                .map(|body| serde_json::from_str(body).map_err(|e| StoreError::Corrupt(e.to_string())))
                .collect()
        }

        async fn add_field_set(
            &self,
            from: Round,
            fields: &[ExtraField],
            by: &str,
            at: OffsetDateTime,
        ) -> Result<Option<FieldSet>, StoreError> {
            let mut tx = self.pool.begin().await?;
            let latest: Option<i64> = sqlx::query_scalar("SELECT max(version) FROM field_sets")
                .fetch_one(&mut *tx)
                .await?;
            let version = latest.unwrap_or(0) + 1;
            let set = FieldSet {
                version: u32::try_from(version).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                from,
                fields: fields.to_vec(),
            };
            let body = serde_json::to_string(&set).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let inserted = sqlx::query(
                "INSERT INTO field_sets (version, from_round, body, uploaded_by, uploaded_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (version) DO NOTHING",
            )
            .bind(version)
            .bind(from.to_string())
            .bind(&body)
            .bind(by)
            .bind(timestamp(at))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted != 1 {
                tx.rollback().await?;
                return Ok(None);
            }
            let keys: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
            sqlx::query(
                "INSERT INTO audit_log (at, username, action, subject) VALUES ($1, $2, $3, $4)",
            )
            .bind(timestamp(at))
            .bind(by)
            .bind("define_fields")
            .bind(format!("version={version} from={from} fields={}", keys.join(",")))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Some(set))
        }

        async fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
            let rows: Vec<AuditEntry> = sqlx::query_as(
                "SELECT at, username, action, subject FROM audit_log ORDER BY at DESC LIMIT $1",
            )
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
            Ok(rows)
        }

        async fn users(
            &self,
            search: Option<&str>,
            scope: &Scope,
            limit: u32,
        ) -> Result<Vec<User>, StoreError> {
            let pattern = search.map(containing);
            let rows: Vec<UserRow> = sqlx::query_as(&format!(
                "SELECT {USER_COLUMNS} FROM users u {USER_PLACE} \
                 WHERE (CAST($1 AS TEXT) IS NULL \
                     OR lower(u.username) LIKE lower($1) ESCAPE '\\' \
                     OR lower(u.display_name) LIKE lower($1) ESCAPE '\\') \
                 AND {} ORDER BY u.username LIMIT $3",
                in_scope("u.place", 2, scope)
            ))
            .bind(pattern)
            .bind(place_list(scope))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(User::try_from).collect()
        }

        async fn user(&self, username: &str) -> Result<Option<User>, StoreError> {
            let row: Option<UserRow> = sqlx::query_as(&format!(
                "SELECT {USER_COLUMNS} FROM users u {USER_PLACE} WHERE u.username = $1"
            ))
                .bind(username)
                .fetch_optional(&self.pool)
                .await?;
            row.map(User::try_from).transpose()
        }

        async fn create_user(&self, c: &Credentials) -> Result<bool, StoreError> {
            let inserted = sqlx::query(INSERT_USER)
            .bind(&c.user.username)
            .bind(&c.user.display_name)
            .bind(&c.password_hash)
            .bind(c.user.role.code())
            .bind(workplace_binds(&c.user).0)
            .bind(workplace_binds(&c.user).1)
            .bind(c.user.demo)
            .bind(c.user.disabled)
            .bind(c.user.must_change_password)
            .execute(&self.pool)
            .await?
            .rows_affected();
            Ok(inserted == 1)
        }

        async fn set_scope(
            &self,
            username: &str,
            role: Role,
            workplace: Option<&shared::wire::Workplace>,
        ) -> Result<bool, StoreError> {
            let updated =
                sqlx::query("UPDATE users SET role = $1, place = $2, building = $3 WHERE username = $4")
                    .bind(role.code())
                    .bind(workplace.map(|w| w.code.as_str()))
                    .bind(workplace.and_then(|w| w.building.as_deref()))
                    .bind(username)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
            Ok(updated == 1)
        }

        async fn set_password(
            &self,
            username: &str,
            password_hash: &str,
            set_by: PasswordSetBy,
        ) -> Result<bool, StoreError> {
            let mut tx = self.pool.begin().await?;
            let updated = sqlx::query(
                "UPDATE users SET password_hash = $1, must_change_password = $2 WHERE username = $3",
            )
                .bind(password_hash)
                .bind(set_by == PasswordSetBy::Manager)
                .bind(username)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query("DELETE FROM sessions WHERE username = $1")
                .bind(username)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM known_devices WHERE username = $1")
                .bind(username)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(updated == 1)
        }

        async fn apply_staff(&self, added: &[Credentials], updated: &[User]) -> Result<bool, StoreError> {
            let mut tx = self.pool.begin().await?;
            for c in added {
                let inserted = sqlx::query(INSERT_USER)
                .bind(&c.user.username)
                .bind(&c.user.display_name)
                .bind(&c.password_hash)
                .bind(c.user.role.code())
                .bind(workplace_binds(&c.user).0)
                .bind(workplace_binds(&c.user).1)
                .bind(c.user.demo)
                .bind(c.user.disabled)
                .bind(c.user.must_change_password)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if inserted != 1 {
                    tx.rollback().await?;
                    return Ok(false);
                }
            }
            for u in updated {
                sqlx::query(
                    "UPDATE users SET display_name = $1, role = $2, place = $3, building = $4 WHERE username = $5",
                )
                .bind(&u.display_name)
                .bind(u.role.code())
                .bind(workplace_binds(u).0)
                .bind(workplace_binds(u).1)
                .bind(&u.username)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(true)
        }

        async fn set_access(&self, username: &str, access: Access) -> Result<bool, StoreError> {
            let updated = sqlx::query("UPDATE users SET disabled = $1 WHERE username = $2")
                .bind(access == Access::Disabled)
                .bind(username)
                .execute(&self.pool)
                .await?
                .rows_affected();
            Ok(updated == 1)
        }

        async fn places_called(&self, raw: &str) -> Result<Vec<Place>, StoreError> {
            let rows: Vec<TreeRow> = sqlx::query_as(&format!(
                "{PLACES} WHERE code = $1 UNION ALL {PLACES} WHERE name = $1 \
                 AND NOT EXISTS (SELECT 1 FROM places WHERE code = $1) ORDER BY code"
            ))
            .bind(raw)
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(Place::try_from).collect()
        }

        async fn subtree(
            &self,
            code: &PlaceCode,
        ) -> Result<(Vec<PlaceCode>, Vec<GridCode>), StoreError> {
            let rows: Vec<(String, Option<String>)> = sqlx::query_as(SUBTREE)
                .bind(code.as_str())
                .fetch_all(&self.pool)
                .await?;
            let mut places = Vec::with_capacity(rows.len());
            let mut grids = Vec::new();
            for (place, grid) in rows {
                places.push(PlaceCode::parse(&place).map_err(|e| StoreError::Corrupt(e.to_string()))?);
                if let Some(grid) = grid {
                    grids.push(GridCode::parse(&grid).map_err(|e| StoreError::Corrupt(e.to_string()))?);
                }
            }
            Ok((places, grids))
        }

        async fn refresh_figures(&self, round: Round, on: Date) -> Result<u64, StoreError> {
            let day = on;
            let on = on.to_string();
            // Marked changed where computed before: the phones' next roster
            // delta and the follow-up lists see figures changed by age alone.
            let now = timestamp(OffsetDateTime::now_utc());
            let codes: Vec<(String, bool)> = sqlx::query_as(STALE)
                .bind(&on)
                .fetch_all(&self.pool)
                .await?;
            for chunk in codes.chunks(REFRESH_CHUNK) {
                let mut tx = self.pool.begin().await?;
                for (code, never) in chunk {
                    let body: Option<String> = sqlx::query_scalar(LATEST_LEDGER)
                        .bind(code)
                        .fetch_optional(&mut *tx)
                        .await?;
                    let ledger = ledger_of(body.as_deref())?;
                    let of = ledger.as_ref().map_or(round, |l| l.round);
                    let household = HouseholdCode::parse(code)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    let figures = KeptFigures::of(&household, ledger.as_ref(), of, day, self.age_limit);
                    let changed = (!never).then_some(now.as_str());
                    set_figures(code, &figures, Some(&on), changed)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
            }
            Ok(codes.len() as u64)
        }

        async fn changed_households(
            &self,
            since: OffsetDateTime,
        ) -> Result<Vec<super::figures::HouseholdChange>, StoreError> {
            let rows: Vec<(String, String, String)> = sqlx::query_as(CHANGED_HOUSEHOLDS)
                .bind(timestamp(since))
                .fetch_all(&self.pool)
                .await?;
            Ok(rows
                .into_iter()
                .map(|(code, grid, changed_at)| super::figures::HouseholdChange {
                    code,
                    grid,
                    changed_at,
                })
                .collect())
        }

        async fn roster_imports(&self) -> Result<u64, StoreError> {
            let n: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1")
                .bind(AUDIT_ACTION)
                .fetch_one(&self.pool)
                .await?;
            Ok(u64::try_from(n).unwrap_or(0))
        }

        async fn tallies(
            &self,
            round: Round,
            low_income_line: u32,
            scope: &Scope,
            by_building: bool,
        ) -> Result<Vec<GridTally>, StoreError> {
            let (building, group) = if by_building {
                ("h.building", "h.grid, h.building")
            } else {
                ("CAST(NULL AS TEXT)", "h.grid")
            };
            let rows: Vec<SumsRow> = sqlx::query_as(&format!(
                "SELECT h.grid, {building} AS building, {SUMS} FROM households h \
                 WHERE h.removed_at IS NULL AND {}{} GROUP BY {group} ORDER BY {group}",
                in_scope("h.grid", 2, scope),
                in_building("h", scope)
            ))
            .bind(round.to_string())
            .bind(grid_list(scope))
            .bind(i64::from(low_income_line))
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter()
                .map(|row| {
                    Ok(GridTally {
                        grid: GridCode::parse(&row.grid).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                        tally: row.tally(),
                        building: row.building,
                    })
                })
                .collect()
        }

        async fn search_households(
            &self,
            scope: &Scope,
            term: &str,
            after: Option<&HouseholdCode>,
            limit: u32,
        ) -> Result<Vec<HouseholdPlace>, StoreError> {
            let rows: Vec<PlaceRow> = sqlx::query_as(&format!(
                "SELECT h.code, h.grid, h.building, h.floor, h.room FROM households h \
                 WHERE h.removed_at IS NULL AND {}{} \
                 AND h.search_text LIKE $1 ESCAPE '\\' \
                 AND (CAST($3 AS TEXT) IS NULL OR h.code > $3) ORDER BY h.code LIMIT $4",
                in_scope("h.grid", 2, scope),
                in_building("h", scope)
            ))
            .bind(containing(&term.to_lowercase()))
            .bind(grid_list(scope))
            .bind(after.map(HouseholdCode::as_str))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(HouseholdPlace::try_from).collect()
        }

        async fn adopt_definitions(&self) -> Result<bool, StoreError> {
            let name = "working_age_limit";
            let wanted = self.age_limit.map(|l| l.to_string()).unwrap_or_default();
            let mut tx = self.pool.begin().await?;
            let kept: Option<String> =
                sqlx::query_scalar("SELECT value FROM definitions WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&mut *tx)
                    .await?;
            if kept.unwrap_or_default() == wanted {
                return Ok(false);
            }
            sqlx::query("UPDATE households SET figures_on = NULL")
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO definitions (name, value) VALUES ($1, $2) \
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            )
            .bind(name)
            .bind(&wanted)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(true)
        }

        async fn keep_follow_ups(
            &self,
            low_income_line: u32,
            since: Option<OffsetDateTime>,
            today: Date,
        ) -> Result<u64, StoreError> {
            let since = since.map(timestamp);
            let candidates: Vec<follow_ups::CandidateRow> = match &since {
                Some(since) => {
                    sqlx::query_as(&follow_ups::changed_candidates())
                        .bind(since)
                        .fetch_all(&self.pool)
                        .await?
                }
                None => {
                    sqlx::query_as(&follow_ups::all_candidates())
                        .bind(i64::from(low_income_line))
                        .fetch_all(&self.pool)
                        .await?
                }
            };
            if candidates.is_empty() {
                return Ok(0);
            }
            let open: Vec<follow_ups::OpenRow> = match &since {
                Some(since) => {
                    sqlx::query_as(follow_ups::CHANGED_OPEN_ITEMS)
                        .bind(since)
                        .fetch_all(&self.pool)
                        .await?
                }
                None => {
                    sqlx::query_as(follow_ups::ALL_OPEN_ITEMS)
                        .fetch_all(&self.pool)
                        .await?
                }
            };
            let plan = follow_ups::plan(&candidates, &open, low_income_line, today)?;
            for chunk in plan.enter.chunks(REFRESH_CHUNK) {
                let mut tx = self.pool.begin().await?;
                for (household, list, member, on) in chunk {
                    sqlx::query(follow_ups::ENTER)
                        .bind(household)
                        .bind(list.code())
                        .bind(member)
                        .bind(on.to_string())
                        .bind(timestamp(shared::round::start_of_day(*on)))
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
            }
            for chunk in plan.clear.chunks(REFRESH_CHUNK) {
                let mut tx = self.pool.begin().await?;
                for clear in chunk {
                    let ledger = if clear.removed {
                        None
                    } else {
                        let body: Option<String> = sqlx::query_scalar(LATEST_LEDGER)
                            .bind(clear.household.as_str())
                            .fetch_optional(&mut *tx)
                            .await?;
                        ledger_of(body.as_deref())?
                    };
                    let how = shared::follow_up::clearance(
                        clear.list,
                        clear.member.as_ref(),
                        ledger.as_ref(),
                        clear.on,
                        self.age_limit,
                    );
                    sqlx::query(follow_ups::CLEAR)
                        .bind(clear.on.to_string())
                        .bind(how.code())
                        .bind(clear.id)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
            }
            Ok(candidates.len() as u64)
        }

        async fn follow_up_items(
            &self,
            scope: &Scope,
            list: FollowUp,
            open: bool,
            by_household: bool,
            after: Option<(&str, i64)>,
            limit: u32,
        ) -> Result<Vec<follow_ups::ItemRow>, StoreError> {
            let key = if by_household { "f.household" } else { "f.entered_on" };
            let scope_test = in_scope("h.grid", 2, scope) + &in_building("h", scope);
            let rows = sqlx::query_as(&follow_ups::items_sql(&scope_test, key))
                .bind(list.code())
                .bind(grid_list(scope))
                .bind(open)
                .bind(after.map(|a| a.0))
                .bind(after.map_or(0, |a| a.1))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
            Ok(rows)
        }

        async fn follow_up_counts(
            &self,
            scope: &Scope,
            overdue_before: &[(FollowUp, Date); 3],
            by_building: bool,
        ) -> Result<Vec<follow_ups::CountRow>, StoreError> {
            let (building, group) = if by_building {
                ("h.building", "h.grid, h.building")
            } else {
                ("CAST(NULL AS TEXT)", "h.grid")
            };
            let scope_test = in_scope("h.grid", 7, scope) + &in_building("h", scope);
            let sql = follow_ups::counts_sql(&scope_test, building, group);
            let mut query = sqlx::query_as(&sql);
            for (list, day) in overdue_before {
                query = query.bind(list.code()).bind(day.to_string());
            }
            Ok(query.bind(grid_list(scope)).fetch_all(&self.pool).await?)
        }

        async fn met_131(&self, scope: &Scope) -> Result<u64, StoreError> {
            let scope_test = in_scope("h.grid", 2, scope) + &in_building("h", scope);
            let n: i64 = sqlx::query_scalar(&follow_ups::met_131_sql(&scope_test))
                .bind(FollowUp::SeekingWork.code())
                .bind(grid_list(scope))
                .bind(shared::codes::ActionKind::Guidance.code())
                .bind(shared::codes::ActionKind::JobReferral.code())
                .bind(shared::codes::ActionKind::Training.code())
                .fetch_one(&self.pool)
                .await?;
            Ok(u64::try_from(n).unwrap_or(0))
        }

        async fn activity(
            &self,
            from: OffsetDateTime,
            to: OffsetDateTime,
            first: Date,
            last: Date,
        ) -> Result<Vec<follow_ups::ActivityRow>, StoreError> {
            Ok(sqlx::query_as(follow_ups::ACTIVITY)
                .bind(timestamp(from))
                .bind(timestamp(to))
                .bind(first.to_string())
                .bind(last.to_string())
                .bind(FollowUp::ZeroEmployment.code())
                .fetch_all(&self.pool)
                .await?)
        }

        async fn first_round(&self) -> Result<Option<Round>, StoreError> {
            let first: Option<String> = sqlx::query_scalar("SELECT min(round) FROM ledgers")
                .fetch_one(&self.pool)
                .await?;
            first
                .map(|r| Round::parse(&r).map_err(|e| StoreError::Corrupt(e.to_string())))
                .transpose()
        }

        async fn round_tallies(&self, round: Round) -> Result<Vec<(GridCode, Tally)>, StoreError> {
            let rows: Vec<(String, String)> =
                sqlx::query_as("SELECT grid, tally FROM round_tallies WHERE round = $1")
                    .bind(round.to_string())
                    .fetch_all(&self.pool)
                    .await?;
            rows.into_iter()
                .map(|(grid, tally)| {
                    let grid = GridCode::parse(&grid).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    Ok((grid, from_json(&tally)?))
                })
                .collect()
        }

        async fn keep_round_tallies(
            &self,
            round: Round,
            tallies: &[(GridCode, Tally)],
        ) -> Result<(), StoreError> {
            for chunk in tallies.chunks(REFRESH_CHUNK) {
                let mut tx = self.pool.begin().await?;
                for (grid, tally) in chunk {
                    sqlx::query(
                        "INSERT INTO round_tallies (round, grid, tally) VALUES ($1, $2, $3) \
                         ON CONFLICT (round, grid) DO NOTHING",
                    )
                    .bind(round.to_string())
                    .bind(grid.as_str())
                    .bind(to_json(tally))
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
            }
            Ok(())
        }

        async fn follow_up_actions(
            &self,
            households: &[&HouseholdCode],
            since: OffsetDateTime,
        ) -> Result<Vec<(FollowUpAction, String)>, StoreError> {
            let codes: Vec<&str> = households.iter().map(|h| h.as_str()).collect();
            let sql = follow_ups::actions_of(&Db::in_list("a.household", 1));
            let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(&sql)
                .bind(Db::list(&codes))
                .bind(timestamp(since))
                .fetch_all(&self.pool)
                .await?;
            rows.into_iter()
                .map(|(body, author, name)| Ok((from_json(&body)?, name.unwrap_or(author))))
                .collect()
        }

        async fn record_action(
            &self,
            stored: &StoredAction,
        ) -> Result<Recorded<ActionReceipt>, StoreError> {
            let action = &stored.action;
            // With the household's change time, so that the lists look at it again.
            let mut tx = self.pool.begin().await?;
            let inserted = sqlx::query(follow_ups::INSERT_ACTION)
                .bind(action.id.to_string())
                .bind(action.household.as_str())
                .bind(action.member.as_ref().map_or("", |m| m.as_str()))
                .bind(action.kind.code())
                .bind(&stored.author)
                .bind(timestamp(action.done_at))
                .bind(timestamp(stored.received_at))
                .bind(&stored.digest)
                .bind(to_json(action))
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            let receipt = |received_at| ActionReceipt {
                action: action.id,
                household: action.household.clone(),
                received_at,
            };
            if inserted == 1 {
                return Ok(Recorded::New(receipt(stored.received_at)));
            }
            let (digest, received_at): (String, String) =
                sqlx::query_as("SELECT digest, received_at FROM follow_up_actions WHERE id = $1")
                    .bind(action.id.to_string())
                    .fetch_one(&self.pool)
                    .await?;
            if digest != stored.digest {
                return Ok(Recorded::IdReused);
            }
            Ok(Recorded::Again(receipt(parse_timestamp(&received_at)?)))
        }

        async fn conflicted_households(
            &self,
            scope: &Scope,
            after: Option<&HouseholdCode>,
            limit: u32,
        ) -> Result<Vec<HouseholdCode>, StoreError> {
            let codes: Vec<String> = sqlx::query_scalar(&format!(
                "{CONFLICTED}{}{} AND (CAST($2 AS TEXT) IS NULL OR h.code > $2) ORDER BY h.code LIMIT $3",
                in_scope("h.grid", 1, scope),
                in_building("h", scope)
            ))
            .bind(grid_list(scope))
            .bind(after.map(HouseholdCode::as_str))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
            codes
                .iter()
                .map(|c| HouseholdCode::parse(c).map_err(|e| StoreError::Corrupt(e.to_string())))
                .collect()
        }

        async fn building_exists(&self, grid: &GridCode, building: &str) -> Result<bool, StoreError> {
            let n: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM households WHERE grid = $1 AND building = $2 AND removed_at IS NULL",
            )
            .bind(grid.as_str())
            .bind(building)
            .fetch_one(&self.pool)
            .await?;
            Ok(n > 0)
        }

        async fn area_grids(&self, area: &str) -> Result<Vec<GridCode>, StoreError> {
            let codes: Vec<String> =
                sqlx::query_scalar("SELECT code FROM grids WHERE area = $1 ORDER BY code")
                    .bind(area)
                    .fetch_all(&self.pool)
                    .await?;
            codes
                .iter()
                .map(|c| GridCode::parse(c).map_err(|e| StoreError::Corrupt(e.to_string())))
                .collect()
        }

        #[instrument(skip_all, fields(%round))]
        async fn roster(
            &self,
            round: Round,
            scope: &Scope,
            since: Option<OffsetDateTime>,
        ) -> Result<Vec<RosterHousehold>, StoreError> {
            // The latest ledger up to this round per household: this round's if
            // surveyed, else the last one kept.
            let rows = self.latest_rows(round, scope, since).await?;
            rows.into_iter().map(|r| r.into_household(round)).collect()
        }

        async fn household(&self, code: &HouseholdCode) -> Result<Option<HouseholdPlace>, StoreError> {
            let row: Option<PlaceRow> = sqlx::query_as(
                "SELECT code, grid, building, floor, room FROM households WHERE code = $1",
            )
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await?;
            row.map(HouseholdPlace::try_from).transpose()
        }

        #[instrument(skip_all, fields(visit = %stored.visit.id))]
        async fn record_visit(
            &self,
            stored: &StoredVisit,
        ) -> Result<Recorded<VisitReceipt>, StoreError> {
            let visit = &stored.visit;
            // In one transaction with the household's change time, so that the
            // phones' next roster delta shows it visited.
            let mut tx = self.pool.begin().await?;
            let inserted = sqlx::query(
                "INSERT INTO visits (id, household, round, author, outcome, visited_at, digest, \
                 received_at, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
            )
            .bind(visit.id.to_string())
            .bind(visit.household.as_str())
            .bind(stored.round.to_string())
            .bind(&stored.author)
            .bind(visit.outcome.code())
            .bind(timestamp(visit.visited_at))
            .bind(&stored.digest)
            .bind(timestamp(stored.received_at))
            .bind(to_json(visit))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 1 {
                sqlx::query("UPDATE households SET changed_at = $2 WHERE code = $1")
                    .bind(visit.household.as_str())
                    .bind(timestamp(stored.received_at))
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(MARK_VISITED)
                    .bind(stored.round.to_string())
                    .bind(visit.household.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            if inserted == 1 {
                return Ok(Recorded::New(visit_receipt(stored, stored.received_at)));
            }
            let (digest, received_at): (String, String) =
                sqlx::query_as("SELECT digest, received_at FROM visits WHERE id = $1")
                    .bind(visit.id.to_string())
                    .fetch_one(&self.pool)
                    .await?;
            if digest != stored.digest {
                return Ok(Recorded::IdReused);
            }
            Ok(Recorded::Again(visit_receipt(
                stored,
                parse_timestamp(&received_at)?,
            )))
        }

        async fn ledger(
            &self,
            code: &HouseholdCode,
            round: Round,
        ) -> Result<Option<HouseholdLedger>, StoreError> {
            let body: Option<String> =
                sqlx::query_scalar("SELECT body FROM ledgers WHERE household = $1 AND round = $2")
                    .bind(code.as_str())
                    .bind(round.to_string())
                    .fetch_optional(&self.pool)
                    .await?;
            body.as_deref().map(from_json).transpose()
        }

        async fn history(&self, code: &HouseholdCode) -> Result<Vec<HouseholdLedger>, StoreError> {
            let bodies: Vec<String> =
                sqlx::query_scalar("SELECT body FROM ledgers WHERE household = $1 ORDER BY round")
                    .bind(code.as_str())
                    .fetch_all(&self.pool)
                    .await?;
            bodies.iter().map(|b| from_json(b)).collect()
        }

        #[instrument(skip_all, fields(%round))]
        async fn household_states(
            &self,
            round: Round,
            scope: &Scope,
        ) -> Result<Vec<HouseholdState>, StoreError> {
            let rows = self.latest_rows(round, scope, None).await?;
            rows.into_iter().map(|r| r.into_state(round)).collect()
        }

        async fn household_submissions(
            &self,
            code: &HouseholdCode,
            round: Round,
        ) -> Result<Vec<StoredSubmission>, StoreError> {
            let rows: Vec<SubmissionRow> = sqlx::query_as(&format!(
                "{SUBMISSIONS} WHERE s.household = $1 AND s.round = $2 {NEWEST_FIRST}"
            ))
            .bind(code.as_str())
            .bind(round.to_string())
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(StoredSubmission::try_from).collect()
        }

        async fn submission(&self, id: SubmissionId) -> Result<Option<StoredSubmission>, StoreError> {
            let row: Option<SubmissionRow> = sqlx::query_as(&format!("{SUBMISSIONS} WHERE s.id = $1"))
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await?;
            row.map(StoredSubmission::try_from).transpose()
        }

        #[instrument(skip_all, fields(submission = %review.submission))]
        async fn review(&self, review: &Review, subject: &str) -> Result<Reviewed, StoreError> {
            let id = review.submission.to_string();
            let at = timestamp(review.at);
            // The decision, its audit line and the household's change time
            // commit together: no decision goes unaudited or unseen by phones.
            let mut tx = self.pool.begin().await?;
            let inserted = sqlx::query(
                "INSERT INTO reviews (submission, household, round, decision, reason, reviewer, \
                 reviewed_at) SELECT id, household, round, $2, $3, $4, $5 \
                 FROM submissions WHERE id = $1 ON CONFLICT (submission) DO NOTHING",
            )
            .bind(&id)
            .bind(review.decision.code())
            .bind(review.reason.as_deref())
            .bind(&review.by)
            .bind(&at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if inserted == 0 {
                let row: ReviewRow = sqlx::query_as(
                    "SELECT submission, decision, reason, reviewer, reviewed_at FROM reviews \
                     WHERE submission = $1",
                )
                .bind(&id)
                .fetch_one(&mut *tx)
                .await?;
                return Ok(Reviewed::Earlier(row.try_into()?));
            }
            sqlx::query(
                "INSERT INTO audit_log (at, username, action, subject) VALUES ($1, $2, 'review', $3)",
            )
            .bind(&at)
            .bind(&review.by)
            .bind(subject)
            .execute(&mut *tx)
            .await?;
            if review.decision == ReviewDecision::Return {
                sqlx::query(
                    "UPDATE households SET changed_at = $1 \
                     WHERE code = (SELECT household FROM submissions WHERE id = $2)",
                )
                .bind(&at)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(Reviewed::New(review.clone()))
        }

        async fn grids(&self, scope: &Scope) -> Result<Vec<GridInfo>, StoreError> {
            let rows: Vec<GridInfoRow> = sqlx::query_as(&format!(
                "SELECT code, name, area FROM grids WHERE {} ORDER BY code",
                in_scope("code", 1, scope)
            ))
            .bind(grid_list(scope))
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(GridInfo::try_from).collect()
        }

        async fn map(&self, scope: &Scope) -> Result<Vec<GridMap>, StoreError> {
            // The grid's own outline first, then its buildings' in name order.
            let rows: Vec<OutlineRow> = sqlx::query_as(&format!(
                "SELECT grid, building, boundary FROM ( \
                     SELECT code AS grid, CAST(NULL AS TEXT) AS building, boundary FROM grids \
                     WHERE boundary IS NOT NULL \
                     UNION ALL SELECT grid, building, boundary FROM building_boundaries) AS outlines \
                 WHERE {} ORDER BY grid, building IS NOT NULL, building",
                in_scope("grid", 1, scope)
            ))
            .bind(grid_list(scope))
            .fetch_all(&self.pool)
            .await?;
            grid_maps(rows)
        }

        async fn roster_removals(
            &self,
            scope: &Scope,
            since: OffsetDateTime,
        ) -> Result<Vec<HouseholdCode>, StoreError> {
            let codes: Vec<String> = sqlx::query_scalar(&format!(
                "SELECT DISTINCT code FROM roster_removals WHERE {} AND removed_at > $2 ORDER BY code",
                in_scope("grid", 1, scope)
            ))
            .bind(grid_list(scope))
            .bind(timestamp(since))
            .fetch_all(&self.pool)
            .await?;
            codes
                .iter()
                .map(|c| HouseholdCode::parse(c).map_err(|e| StoreError::Corrupt(e.to_string())))
                .collect()
        }

        #[instrument(skip_all, fields(%round))]
        async fn household_status(
            &self,
            round: Round,
            scope: &Scope,
        ) -> Result<Vec<HouseholdStatus>, StoreError> {
            let rows: Vec<StatusRow> = sqlx::query_as(&format!(
                "SELECT h.code, h.grid, h.building, h.room, \
                     EXISTS (SELECT 1 FROM ledgers l WHERE l.household = h.code \
                             AND l.round = $1 AND l.surveyed) AS surveyed, \
                     (SELECT count(*) FROM visits v WHERE v.household = h.code AND v.round = $1) AS visits, \
                     (SELECT v.body FROM visits v WHERE v.household = h.code \
                      ORDER BY v.visited_at DESC, v.id LIMIT 1) AS last_visit, \
                     (SELECT v.author FROM visits v WHERE v.household = h.code \
                      ORDER BY v.visited_at DESC, v.id LIMIT 1) AS last_author \
                 FROM households h WHERE h.removed_at IS NULL AND {}{} \
                 ORDER BY h.grid, h.building, h.floor, h.room",
                in_scope("h.grid", 2, scope),
                in_building("h", scope)
            ))
            .bind(round.to_string())
            .bind(grid_list(scope))
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(HouseholdStatus::try_from).collect()
        }

        #[instrument(skip_all, fields(%round))]
        async fn round_submissions(
            &self,
            round: Round,
            scope: &Scope,
        ) -> Result<Vec<StoredSubmission>, StoreError> {
            let rows: Vec<SubmissionRow> = sqlx::query_as(&format!(
                "{SUBMISSIONS} WHERE s.round = $1 AND {}{} {NEWEST_FIRST}",
                in_scope("h.grid", 2, scope),
                in_building("h", scope)
            ))
            .bind(round.to_string())
            .bind(grid_list(scope))
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(StoredSubmission::try_from).collect()
        }

        async fn received_times(
            &self,
            round: Round,
            scope: &Scope,
        ) -> Result<BTreeMap<SubmissionId, OffsetDateTime>, StoreError> {
            let rows: Vec<(String, String)> = sqlx::query_as(&format!(
                "SELECT s.id, s.received_at FROM submissions s \
                 JOIN households h ON h.code = s.household WHERE s.round = $1 AND {}{}",
                in_scope("h.grid", 2, scope),
                in_building("h", scope)
            ))
            .bind(round.to_string())
            .bind(grid_list(scope))
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|(id, at)| Ok((parse_submission_id(id)?, parse_timestamp(at)?)))
                .collect()
        }

        #[instrument(skip_all, fields(%round))]
        async fn round_visits(
            &self,
            round: Round,
            scope: &Scope,
        ) -> Result<Vec<PlacedVisit>, StoreError> {
            let rows: Vec<VisitRow> = sqlx::query_as(&format!(
                "SELECT v.body, v.author, h.grid FROM visits v JOIN households h ON h.code = v.household \
                 WHERE v.round = $1 AND v.author IN ( \
                     SELECT w.author FROM visits w JOIN households o ON o.code = w.household \
                     WHERE w.round = $1 AND {}{}) \
                 ORDER BY v.visited_at, v.id",
                in_scope("o.grid", 2, scope),
                in_building("o", scope)
            ))
            .bind(round.to_string())
            .bind(grid_list(scope))
            .fetch_all(&self.pool)
            .await?;
            rows.into_iter().map(PlacedVisit::try_from).collect()
        }
    };
}

pub(super) use portable_queries;
