//! `GET /api/v1/dispatch`: the dispatch report (周调度 / 月调度) of a place
//! for a period: surveys and visits made, households that became
//! zero-employment and those cleared, follow-up actions recorded, with the
//! coverage reached and the items overdue now; for the place and each place
//! one level down. As JSON for the screen that prints it, or as a
//! spreadsheet.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shared::dispatch::{Activity, Dispatch, DispatchLine, DispatchReport, this_month, this_week};
use shared::place::{GridCode, PlaceCode, is_within};
use shared::round::start_of_day;
use shared::tally::roll_up;
use shared::wire::ErrorBody;
use time::{Date, Duration};

use super::AppState;
use super::auth::Caller;
use super::error::ApiError;
use super::export::download_headers;
use super::query::{AppQuery, parsed};
use super::summary::place_asked;
use crate::export::Format;
use crate::store::{Store, StoreError};

/// The longest period a report covers.
const MAX_DAYS: i64 = 366;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DispatchQuery {
    /// A place's code; the caller's own place (or everything) by default.
    #[param(value_type = Option<shared::place::PlaceCode>)]
    pub place: Option<String>,
    /// `week` (the default: this week so far, from Monday) or `month`.
    #[param(pattern = "^(week|month)$")]
    pub period: Option<String>,
    /// The first and last days, like 2026-11-30, instead of a period.
    #[param(value_type = Option<time::Date>)]
    pub from: Option<String>,
    #[param(value_type = Option<time::Date>)]
    pub to: Option<String>,
    /// `json` (the default), `xlsx` or `csv`.
    #[param(pattern = "^(json|xlsx|csv)$")]
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/dispatch", tag = "supervision",
    params(DispatchQuery),
    responses(
        (status = 200, description = "The report: the place's and each place one level down's work in the period \
            and figures now; as JSON, or the same table as a workbook or CSV file",
            content(
                (DispatchReport = "application/json"),
                (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (String = "text/csv"),
            )),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "A place outside the caller's", body = ErrorBody),
        (status = 404, description = "No place has this code", body = ErrorBody),
        (status = 422, description = "A malformed day, a period other than week or month, a first day after the \
            last or a period over 366 days, a format other than json, xlsx or csv", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub async fn get<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    AppQuery(query): AppQuery<DispatchQuery>,
) -> Result<Response, ApiError> {
    let today = app.calendar.today();
    let (first, last) = period(&query, today)?;
    let format = match query.format.as_deref() {
        None | Some("json") => None,
        Some(raw) => Some(Format::parse(raw).ok_or(ApiError::UnsupportedFormat)?),
    };
    let scope = caller.scope()?;
    let places = app.tree.tree(&app.store).await?;
    let top = caller.user.workplace.as_ref().map(|w| w.code.clone());
    let at = place_asked(&places, top.as_ref(), query.place.as_deref())?;

    let round = app.round();
    let as_of = app.calendar.as_of(round);
    app.refresh_figures().await?;
    let sums = (app.tree)
        .sums(&app.store, round, as_of, app.low_income_line)
        .await?;
    let items = app.open_items().await?;
    let mut activity: HashMap<GridCode, Activity> = HashMap::new();
    let (from, to) = (start_of_day(first), start_of_day(last + Duration::days(1)));
    for row in app.store.activity(from, to, first, last).await? {
        let grid = GridCode::parse(&row.grid).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        row.add_to(activity.entry(grid).or_default());
    }
    // Every grid the caller sees (under the place asked, by `roll_up`).
    let mut grids: HashMap<GridCode, Dispatch> = HashMap::new();
    for (grid, tally) in sums.iter() {
        let mut tally = *tally;
        if let Some(open) = items.get(grid) {
            open.apply(&mut tally);
        }
        grids.entry(grid.clone()).or_default().tally = tally;
    }
    for (grid, a) in activity {
        grids.entry(grid).or_default().activity = a;
    }
    grids.retain(|grid, _| at.is_some() || scope.covers(grid));
    let under = |grid: &GridCode| {
        (at.as_ref()).is_none_or(|at| is_within(&places, &PlaceCode::from(grid.clone()), at))
    };
    let total = (grids.iter()).filter(|(grid, _)| under(grid)).fold(
        Dispatch::default(),
        |mut sum, (_, d)| {
            sum += *d;
            sum
        },
    );
    let mut lines: Vec<DispatchLine> =
        roll_up(&places, at.as_ref(), grids.iter().map(|(g, d)| (g, *d)))
            .into_iter()
            .map(|(code, figures)| {
                let place = &places[&code];
                DispatchLine {
                    name: place.name.clone(),
                    level: place.level,
                    code,
                    figures,
                }
            })
            .collect();
    lines.sort_by(|a, b| a.name.cmp(&b.name));
    let report = DispatchReport {
        round,
        place: at.map(|code| places[&code].clone()),
        from: first,
        to: last,
        total,
        lines,
    };
    let Some(format) = format else {
        return Ok(Json(report).into_response());
    };
    let table = crate::export::dispatch::table(&report);
    let bytes = format
        .write(&table)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let place = report.place.as_ref().map_or("all", |p| p.code.as_str());
    let name = format!("dispatch-{place}-{first}-{last}.{}", format.extension());
    Ok((download_headers(format, &name), bytes).into_response())
}

/// The first and last days asked: `from` and `to`, or the period (this
/// week by default) up to today.
fn period(query: &DispatchQuery, today: Date) -> Result<(Date, Date), ApiError> {
    let day = |raw: Option<&str>, path: &str| {
        parsed(raw, path, |raw| {
            shared::day::parse(raw).ok_or("a day is written like 2026-11-30")
        })
    };
    let (week_or_month_first, week_or_month_last) = match query.period.as_deref() {
        None | Some("week") => this_week(today),
        Some("month") => this_month(today),
        Some(_) => {
            return Err(ApiError::Malformed {
                path: "period".into(),
                detail: "the period is week or month".into(),
            });
        }
    };
    let first = day(query.from.as_deref(), "from")?.unwrap_or(week_or_month_first);
    let last = day(query.to.as_deref(), "to")?.unwrap_or(week_or_month_last);
    if first > last || (last - first).whole_days() >= MAX_DAYS {
        return Err(ApiError::Malformed {
            path: "to".into(),
            detail: "the last day is on or after the first, within 366 days".into(),
        });
    }
    Ok((first, last))
}
