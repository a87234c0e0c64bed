//! `GET /api/v1/follow-up`: a follow-up list of the caller's scope (or
//! the place asked), a page at a time: zero-employment households
//! (零就业家庭), low-income households, and labourers out of work who want
//! work, each from the day it entered, with its deadline and what was done
//! for it; the overdue first. `POST /api/v1/follow-up/actions`: what a team
//! did for one of them, captured on the phone.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shared::codes::{Clearance, Code, FollowUp, Role};
use shared::day;
use shared::follow_up::{
    ActionDone, ActionReceipt, FollowUpAction, FollowUpItem, FollowUpPage, Help131,
};
use shared::merge::HouseholdLedger;
use shared::place::{GridCode, HouseholdCode, PersonId};
use shared::privacy::sees_personal_data;
use shared::round::start_of_day;
use shared::validate::Issue;
use shared::wire::ErrorBody;
use time::{OffsetDateTime, UtcOffset};

use crate::export::Format;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::export::download_headers;
use crate::http::json::AppJson;
use crate::http::personal::audit_export;
use crate::http::query::{AppQuery, Asked, AskedQuery, parsed};
use crate::http::{AppState, answer, digest_of};
use crate::kept_follow_ups::{ListCount, OpenItems, add, overdue_before};
use crate::store::follow_ups::ItemRow;
use crate::store::{Scope, Store, StoreError, StoredAction};

/// Items a page holds at most, and by default.
pub const FOLLOW_UP_PAGE: usize = 100;

#[derive(Debug, Deserialize)]
pub struct FollowUpQuery {
    pub list: Option<String>,
    pub state: Option<String>,
    pub sort: Option<String>,
    pub after: Option<String>,
    pub limit: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/follow-up", tag = "supervision",
    params(
        AskedQuery,
        ("list" = shared::codes::FollowUp, Query, description = "Which list"),
        ("state" = Option<String>, Query, pattern = "^(open|cleared)$", description = "`open` (the default) or `cleared`"),
        ("sort" = Option<String>, Query, pattern = "^(entered|household)$", description = "`entered` (the default: the longest open first, so the overdue \
            lead) or `household`"),
        ("after" = Option<String>, Query, description = "The `next` of the page before"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "Items a page holds, 1 to 100; 100 by default"),
    ),
    responses(
        (status = 200, description = "A page of the list's items in the caller's scope (or the place, area or grid \
            asked), each with the day it entered, its due day, whether it is overdue, the actions recorded since \
            and, once cleared, when and why; with the scope's open and overdue counts", body = FollowUpPage),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "A place outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such place", body = ErrorBody),
        (status = 422, description = "No list or an unknown one, an unknown state or sort, a malformed `after`", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn get<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    Asked { scope, .. }: Asked,
    AppQuery(query): AppQuery<FollowUpQuery>,
) -> Result<Json<FollowUpPage>, ApiError> {
    let list = parse_list(query.list.as_deref())?;
    let open = parse_state(query.state.as_deref())?;
    let by_household = parsed(query.sort.as_deref(), "sort", |raw| match raw {
        "entered" => Ok(false),
        "household" => Ok(true),
        _ => Err("the sort is entered or household"),
    })?
    .unwrap_or(false);
    // `next` writes where a page starts: the sort key and id of the item
    // before it, `key~id`.
    let after = parsed(query.after.as_deref(), "after", |raw| {
        let (key, id) = raw.rsplit_once('~').ok_or("the next of a page before")?;
        let id: i64 = id.parse().map_err(|_| "the next of a page before")?;
        Ok::<_, &str>((key.to_owned(), id))
    })?;
    let page = parsed(query.limit.as_deref(), "limit", |raw| {
        (raw.parse::<usize>().ok())
            .filter(|n| (1..=FOLLOW_UP_PAGE).contains(n))
            .ok_or("a page holds 1 to 100 items")
    })?
    .unwrap_or(FOLLOW_UP_PAGE);

    let today = keep_lists(&app).await?;
    let (total_open, total_overdue) = list_counts(&app, &scope, list, today).await?;
    let asked = Asking {
        list,
        open,
        by_household,
        today,
        full: sees_personal_data(caller.user.role),
    };
    let after = after.as_ref().map(|(k, id)| (k.as_str(), *id));
    let (items, next) = items(&app, &scope, &asked, after, page).await?;
    let next = next.map(|(key, id)| format!("{key}~{id}"));
    if asked.full && !items.is_empty() {
        let subject = format!("follow_up {} {}", list.code(), caller.scope()?);
        app.store
            .audit(
                &caller.user.username,
                "follow_up",
                &subject,
                OffsetDateTime::now_utc(),
            )
            .await?;
    }
    let met_131 = if list == FollowUp::SeekingWork {
        Some(u32::try_from(app.store.met_131(&scope).await?).unwrap_or(u32::MAX))
    } else {
        None
    };
    Ok(Json(FollowUpPage {
        list,
        deadline_days: app.deadlines.days(list),
        open: total_open,
        overdue: total_overdue,
        met_131,
        items,
        next,
    }))
}

/// Brings the figures and the lists up to date; today's date in China.
async fn keep_lists<S: Store>(app: &AppState<S>) -> Result<time::Date, ApiError> {
    app.refresh_figures().await?;
    Ok(app.keep_follow_ups().await?)
}

/// The open items of `list` in `scope`, and of those, overdue: from every
/// grid's counts, kept between reads, or for a building head's building
/// counted anew.
async fn list_counts<S: Store>(
    app: &AppState<S>,
    scope: &Scope,
    list: FollowUp,
    today: time::Date,
) -> Result<(u32, u32), ApiError> {
    let mut sum = ListCount::default();
    if scope.building().is_some() {
        let cutoffs = overdue_before(app.deadlines, today);
        let mut items = OpenItems::default();
        for row in app.store.follow_up_counts(scope, &cutoffs, false).await? {
            add(&mut items, &row);
        }
        sum = items.of(list);
    } else {
        let counts = (app.follow_ups)
            .counts(&app.store, app.deadlines, today)
            .await?;
        for (_, items) in counts.iter().filter(|(grid, _)| scope.covers(grid)) {
            sum.open += items.of(list).open;
            sum.overdue += items.of(list).overdue;
        }
    }
    Ok((sum.open, sum.overdue))
}

/// What is asked of a list: which, open or cleared items, in which order,
/// as of which day, and whether the caller sees numbers in full.
struct Asking {
    list: FollowUp,
    open: bool,
    by_household: bool,
    today: time::Date,
    full: bool,
}

/// Up to `limit` items of the list after `after`, each with the actions
/// recorded since it entered, and where the next ones start: the sort key
/// and id of the last.
async fn items<S: Store>(
    app: &AppState<S>,
    scope: &Scope,
    asked: &Asking,
    after: Option<(&str, i64)>,
    limit: usize,
) -> Result<(Vec<FollowUpItem>, Option<(String, i64)>), ApiError> {
    let list = asked.list;
    let mut rows = (app.store)
        .follow_up_items(
            scope,
            list,
            asked.open,
            asked.by_household,
            after,
            limit as u32 + 1,
        )
        .await?;
    let next = (rows.len() > limit).then(|| {
        let last = &rows[limit - 1];
        (last.sort_key.clone(), last.id)
    });
    rows.truncate(limit);
    let overdue_from = app.deadlines.overdue_before(list, asked.today);
    let mut items = (rows.into_iter())
        .map(|row| item_of(row, list, app, asked.full))
        .collect::<Result<Vec<_>, _>>()?;
    // The page's actions in one read, from the earliest day any entered.
    let actions = match items.iter().map(|i| i.entered_on).min() {
        Some(first) => {
            let households: Vec<&HouseholdCode> = items.iter().map(|i| &i.household).collect();
            (app.store)
                .follow_up_actions(&households, start_of_day(first))
                .await?
        }
        None => Vec::new(),
    };
    let mut by_household: HashMap<&HouseholdCode, Vec<&(FollowUpAction, String)>> = HashMap::new();
    for done in &actions {
        by_household
            .entry(&done.0.household)
            .or_default()
            .push(done);
    }
    for item in &mut items {
        item.overdue = item.cleared_on.is_none() && item.entered_on < overdue_from;
        let since = start_of_day(item.entered_on);
        let theirs = by_household
            .get(&item.household)
            .map_or(&[][..], Vec::as_slice);
        item.actions = (theirs.iter())
            .filter(|(a, _)| a.done_at >= since)
            .filter(|(a, _)| list != FollowUp::SeekingWork || a.member == item.member)
            .map(|(a, by)| ActionDone {
                kind: a.kind,
                member: a.member.clone(),
                employer: a.employer.clone(),
                post: a.post.clone(),
                note: a.note.clone(),
                done_at: a.done_at,
                by: by.clone(),
            })
            .collect();
        if list == FollowUp::SeekingWork {
            let mut help = Help131::default();
            for a in &item.actions {
                help.add(a.kind);
            }
            item.help = Some(help);
        }
    }
    Ok((items, next))
}

#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    pub list: Option<String>,
    pub state: Option<String>,
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/follow-up/export", tag = "supervision",
    params(
        AskedQuery,
        ("list" = shared::codes::FollowUp, Query, description = "Which list"),
        ("state" = Option<String>, Query, pattern = "^(open|cleared)$", description = "`open` (the default) or `cleared`"),
        ("format" = Option<String>, Query, pattern = "^(xlsx|csv)$", description = "`xlsx` (the default) or `csv`"),
    ),
    responses(
        (status = 200, description = "The whole list in the caller's scope (or the place asked), the longest open \
            first, one row per item with the help recorded; ID and phone numbers masked unless the role sees them",
            content(
                (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (String = "text/csv"),
            )),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "A place outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such place", body = ErrorBody),
        (status = 422, description = "No list or an unknown one, an unknown state or format", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn export<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    Asked { scope, .. }: Asked,
    AppQuery(query): AppQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let list = parse_list(query.list.as_deref())?;
    let open = parse_state(query.state.as_deref())?;
    let format = match query.format.as_deref() {
        None => Format::Xlsx,
        Some(raw) => Format::parse(raw).ok_or(ApiError::UnsupportedFormat)?,
    };
    let today = keep_lists(&app).await?;
    let asked = Asking {
        list,
        open,
        by_household: false,
        today,
        full: sees_personal_data(caller.user.role),
    };
    let mut all = Vec::new();
    let mut after: Option<(String, i64)> = None;
    loop {
        let cursor = after.as_ref().map(|(k, id)| (k.as_str(), *id));
        let (items, next) = items(&app, &scope, &asked, cursor, EXPORT_PAGE).await?;
        all.extend(items);
        match next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let subject = format!("follow_up {} {}", list.code(), caller.scope()?);
    audit_export(&app.store, &caller, &subject).await?;
    let table = crate::export::follow_up::table(&all);
    let bytes = tokio::task::spawn_blocking(move || format.write(&table))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let name = format!("follow-up-{}-{today}.{}", list.code(), format.extension());
    Ok((download_headers(format, &name), bytes).into_response())
}

/// Items read a page at a time for an export.
const EXPORT_PAGE: usize = 1_000;

fn parse_list(raw: Option<&str>) -> Result<FollowUp, ApiError> {
    let list = parsed(Some(raw.unwrap_or("")), "list", |raw| {
        FollowUp::from_code(raw).ok_or("the list is zero_employment, low_income or seeking_work")
    })?;
    Ok(list.expect("always given"))
}

fn parse_state(raw: Option<&str>) -> Result<bool, ApiError> {
    let open = parsed(raw, "state", |raw| match raw {
        "open" => Ok(true),
        "cleared" => Ok(false),
        _ => Err("the state is open or cleared"),
    })?;
    Ok(open.unwrap_or(true))
}

/// A stored item as the list shows it, with the name and phone of the
/// labourer (or the household's head) from its latest ledger.
fn item_of<S>(
    row: ItemRow,
    list: FollowUp,
    app: &AppState<S>,
    full: bool,
) -> Result<FollowUpItem, ApiError> {
    let corrupt = |e: String| ApiError::Store(StoreError::Corrupt(e));
    let ledger: Option<HouseholdLedger> = crate::store::figures::ledger_of(row.body.as_deref())?;
    let member = (!row.member.is_empty())
        .then(|| PersonId::parse(&row.member))
        .transpose()
        .map_err(|e| corrupt(e.to_string()))?;
    let person = ledger.as_ref().and_then(|l| match &member {
        Some(id) => l.members.iter().find(|m| m.person == *id),
        None => (l.present_members())
            .find(|m| m.record.relation == Some(shared::codes::Relation::Head))
            .or_else(|| l.present_members().next()),
    });
    let phone = (person.and_then(|m| m.record.phone.clone()))
        .or_else(|| ledger.as_ref().and_then(|l| l.record.phone.clone()))
        .map(|p| {
            if full {
                p.as_str().to_owned()
            } else {
                p.masked()
            }
        });
    let entered_on = day::parse(&row.entered_on).ok_or_else(|| corrupt(row.entered_on.clone()))?;
    Ok(FollowUpItem {
        household: HouseholdCode::parse(&row.household).map_err(|e| corrupt(e.to_string()))?,
        grid: GridCode::parse(&row.grid).map_err(|e| corrupt(e.to_string()))?,
        building: row.building,
        room: row.room,
        member,
        name: person.and_then(|m| m.record.name.clone()),
        phone,
        entered_on,
        due_on: app.deadlines.due(list, entered_on),
        overdue: false,
        per_capita: row.per_capita.and_then(|p| u32::try_from(p).ok()),
        actions: Vec::new(),
        help: None,
        cleared_on: row.cleared_on.as_deref().and_then(day::parse),
        cleared: row.cleared_how.as_deref().and_then(Clearance::from_code),
    })
}

#[utoipa::path(post, path = "/api/v1/follow-up/actions", tag = "survey",
    request_body = FollowUpAction,
    responses(
        (status = 201, description = "Stored, durably", body = ActionReceipt),
        (status = 200, description = "Stored before with the same body: the original receipt", body = ActionReceipt),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "An administrator, or a household outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such household", body = ErrorBody),
        (status = 409, description = "The id was used for a different action", body = ErrorBody),
        (status = 422, description = "Malformed; a job referral without its employer and post; a text over 200 \
            characters", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(action = %action.id, household = %action.household))]
pub async fn post_action<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    AppJson(action): AppJson<FollowUpAction>,
) -> Result<(StatusCode, Json<ActionReceipt>), ApiError> {
    caller.require(&[
        Role::Surveyor,
        Role::GridMember,
        Role::BuildingHead,
        Role::Supervisor,
    ])?;
    action.check().map_err(|code| {
        let path = match code {
            shared::validate::IssueCode::ReferralUnnamed => "employer",
            _ => "note",
        };
        ApiError::Invalid(vec![Issue {
            path: path.into(),
            code,
        }])
    })?;
    let place =
        (app.store.household(&action.household).await?).ok_or(ApiError::UnknownHousehold)?;
    caller.check_household(&place)?;
    let mut action = action;
    action.done_at = action.done_at.to_offset(UtcOffset::UTC);
    let stored = StoredAction {
        digest: digest_of(&action),
        action,
        author: caller.user.username,
        received_at: OffsetDateTime::now_utc(),
    };
    answer(app.store.record_action(&stored).await?)
}
