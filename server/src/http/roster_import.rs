//! `POST /api/v1/roster/import`: the roster from a spreadsheet, and
//! `GET /api/v1/roster/template`: the spreadsheet to fill in.
//!
//! Administrators and supervisors import; a supervisor of one resettlement
//! area only grids of that area, checked against the stored roster when the
//! import is planned (`import::plan`), so a grid the file adds counts too.
//! The file is read
//! and checked whole before anything is stored; any error refuses it all
//! with a 422 that lists every error by row and column. Importing the same
//! file again changes nothing. Every import, dry run and refusal is in the
//! audit log.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shared::codes::{Level, Role};
use shared::wire::ErrorBody;
use time::OffsetDateTime;

use crate::export::{Format, Table};
use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::{ApiError, Lang};
use crate::http::query::AppQuery;
use crate::import::issue::{RosterRejected, RowIssue};
use crate::import::parse::roster_file;
use crate::import::sheet::{Sheet, read};
use crate::import::template::template;
use crate::import::{ImportReport, Imported, RosterImport, Within};
use crate::store::{Scope, Store};

/// The largest roster file accepted: a county's workbook.
pub const IMPORT_LIMIT: usize = 32 * 1024 * 1024;

#[derive(Debug, Deserialize)]
pub struct ImportQuery {
    pub dry_run: Option<bool>,
}

#[utoipa::path(post, path = "/api/v1/roster/import", tag = "roster",
    operation_id = "import_roster",
    params(("dry_run" = Option<bool>, Query, description = "true: check the file and report what would change, writing nothing")),
    request_body(
        description = "The roster file as the template lays it out (see GET /api/v1/roster/template and \
            docs/roster-import.md): an XLSX workbook (its first sheet) or a CSV in UTF-8, with or without \
            a byte-order mark, or GBK. The format is told by the content, a zip being XLSX. The file is the \
            whole roster of every grid it names: that grid's households it leaves out are taken out of \
            the roster.",
        content(
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "text/csv"),
        ),
    ),
    responses(
        (status = 200, description = "Imported (or, in a dry run, what would be): counts of what was added, \
            updated, left unchanged and taken out of the roster", body = ImportReport),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Only administrators and supervisors import", body = ErrorBody),
        (status = 413, description = "Over 32 MiB", body = ErrorBody),
        (status = 422, description = "The file has errors, each by row and column, or the query is malformed; nothing was imported", body = RosterRejected),
    ))]
#[tracing::instrument(skip_all, fields(user = %caller.user.username, bytes = tracing::field::Empty))]
pub async fn post<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    lang: Lang,
    AppQuery(query): AppQuery<ImportQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    caller.require(&[Role::Admin, Role::Supervisor])?;
    let dry_run = query.dry_run.unwrap_or(false);
    let bytes = file_body(body)?;
    tracing::Span::current().record("bytes", bytes.len());
    let at = OffsetDateTime::now_utc();
    // The columns of the fields the county added for this round are read too.
    let fields = (app.fields.of_round(&app.store, app.round()).await?)
        .map(|set| set.fields)
        .unwrap_or_default();
    let parsed = parse_file(bytes, move |sheet| roster_file(sheet, &fields)).await?;
    let within = match (caller.scope()?, &caller.user.workplace) {
        (Scope::All, _) => None,
        (Scope::Place { .. }, Some(place)) if place.level == Level::Area => {
            Some(Within::Area(place.name.clone()))
        }
        (Scope::Place { grids, .. }, _) => Some(Within::Grids(grids.iter().cloned().collect())),
        _ => return Err(ApiError::NotPermitted),
    };
    let file = match parsed {
        Ok(file) => file,
        Err(issues) => {
            let subject = format!(
                "round={} dry_run={dry_run} rejected errors={}",
                app.round(),
                issues.len()
            );
            app.store
                .audit(&caller.user.username, "roster_import", &subject, at)
                .await?;
            return Ok(rejected(&issues, lang));
        }
    };
    let import = RosterImport {
        file,
        round: app.round(),
        // Ages as of today, within the round.
        on: at.date().clamp(
            app.round()
                .previous()
                .last_day()
                .next_day()
                .unwrap_or(at.date()),
            app.round().last_day(),
        ),
        at,
        author: caller.user.username.clone(),
        within,
        dry_run,
        age_limit: app.age_limit,
    };
    match app.store.import_roster(&import).await? {
        Imported::Done(report) => Ok(Json(report).into_response()),
        Imported::Rejected(issues) => Ok(rejected(&issues, lang)),
    }
}

/// An uploaded file's bytes, or why there are none: too large, or cut off.
pub fn file_body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge,
        _ => ApiError::Malformed {
            path: "body".into(),
            detail: e.body_text(),
        },
    })
}

/// The uploaded file's first sheet as `parse` reads it, or why it cannot be
/// read. A county's workbook takes a while to unzip and check: this keeps
/// it off the async workers.
pub async fn parse_file<T: Send + 'static>(
    bytes: Bytes,
    parse: impl FnOnce(&Sheet) -> Result<T, Vec<RowIssue>> + Send + 'static,
) -> Result<Result<T, Vec<RowIssue>>, ApiError> {
    tokio::task::spawn_blocking(move || {
        let sheet = read(&bytes).map_err(|code| vec![RowIssue::file(code)])?;
        parse(&sheet)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))
}

pub fn rejected(issues: &[RowIssue], lang: Lang) -> Response {
    let body = RosterRejected::new(issues, lang);
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

/// `?format=` of every template download.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    /// xlsx (the default) or csv
    #[param(pattern = "^(xlsx|csv)$")]
    pub format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/roster/template", tag = "roster",
    operation_id = "roster_template",
    params(TemplateQuery),
    responses(
        (status = 200,
            description = "The roster template: every column the import reads, headers in Chinese, and one \
                example household of two people. docs/roster-import.md describes each column.",
            content(
                (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (String = "text/csv"),
            ),
            headers(("content-disposition" = String, description = "attachment; filename=\"anju-roster-template.xlsx\""))),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 422, description = "A format other than xlsx or csv", body = ErrorBody),
    ))]
pub async fn template_file(
    _caller: Caller,
    AppQuery(query): AppQuery<TemplateQuery>,
) -> Result<Response, ApiError> {
    template_download(&query, &template(), "anju-roster-template")
}

/// A template to download as `{stem}.xlsx` or `.csv`, as `query` asks.
pub fn template_download(
    query: &TemplateQuery,
    table: &Table,
    stem: &str,
) -> Result<Response, ApiError> {
    let format = match query.format.as_deref() {
        None => Format::Xlsx,
        Some(raw) => Format::parse(raw).ok_or(ApiError::UnsupportedFormat)?,
    };
    let bytes = format
        .write(table)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let disposition = format!("attachment; filename=\"{stem}.{}\"", format.extension());
    let headers = [
        (
            CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        ),
        (
            CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition).expect("an ASCII file name"),
        ),
        (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    Ok((headers, bytes).into_response())
}
