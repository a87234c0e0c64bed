//! `GET /api/v1/export`: a round's ledger as a spreadsheet to download.
//!
//! Every role may export its own scope, as with coverage and gaps:
//! supervisors and administrators the whole area or one grid, with resident
//! ID and phone numbers in full; resident work teams and grid members their
//! own grid, with those numbers masked, since the ledger they keep is their
//! grid's. Every export, masked or not, is in the audit log.

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shared::extra::ExtraField;
use shared::place::GridCode;
use shared::round::Round;
use shared::wire::ErrorBody;
use time::Date;

use crate::export::ledger::ledger_table;
use crate::export::{ExportError, Format, Table, csv};
use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::http::personal::{audit_export, export_views};
use crate::http::query::{AppQuery, Asked, AskedQuery};
use crate::kept_tree::Tree;
use crate::store::{Scope, Store, StoreError};

#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    pub format: Option<String>,
    pub building: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/export", tag = "ledger", operation_id = "export_ledger",
    params(
        ("format" = Option<String>, Query, pattern = "^(xlsx|csv)$", description = "xlsx (the default) or csv"),
        AskedQuery,
        ("building" = Option<String>, Query, description = "One building, like 1号楼"),
    ),
    responses(
        (status = 200,
            description = "The round's ledger, one row per person with the household's columns repeated, \
                headers and closed-list values in Chinese, the CSV sent as it is read, a page of grids at a time. \
                Resident ID and phone numbers are masked for \
                resident work teams and grid members. The CSV is UTF-8 with a byte-order mark; open the \
                XLSX in a spreadsheet, which keeps 18-digit ID numbers as text.",
            content(
                (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (String = "text/csv"),
            ),
            headers(("content-disposition" = String, description = "attachment; filename=\"anju-2026Q4-G1.xlsx\""))),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "A grid outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No grid belongs to the area asked for", body = ErrorBody),
        (status = 422, description = "A format other than xlsx or csv; a workbook of more households than one is made for \
            (`--max-workbook-households`, a city's by default: export a county or less, or CSV, which streams any size); \
            a workbook past a sheet's 1,048,576 rows one of whose counties alone passes them (a workbook past a sheet's rows \
            has a sheet per county); or a malformed round, grid or query", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(households = tracing::field::Empty))]
pub async fn get<S: Store>(
    State(app): State<AppState<S>>,
    Asked {
        caller,
        round,
        scope,
    }: Asked,
    AppQuery(query): AppQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let format = match query.format.as_deref() {
        None => Format::Xlsx,
        Some(raw) => Format::parse(raw).ok_or(ApiError::UnsupportedFormat)?,
    };
    let building = query.building;
    let households = app
        .store
        .count_households(&scope, building.as_deref())
        .await?;
    // A workbook is made whole before it is sent: past a sheet's rows
    // (people, most households have three or four) it cannot be one.
    if format == Format::Xlsx && households > app.max_workbook_households {
        return Err(ApiError::WorkbookTooLarge);
    }
    tracing::Span::current().record("households", households);

    let mut subject = format!("round={round} {scope}");
    let mut stem = format!("anju-{round}");
    if let Scope::Grid(grid) = &scope {
        stem.push_str(&format!("-{grid}"));
    }
    if let Some(building) = &building {
        subject.push_str(&format!(" building={building}"));
        stem.push_str(&format!("-{building}"));
    }
    subject.push_str(&format!(
        " format={} households={households}",
        format.extension()
    ));

    let pages = Pages {
        grids: app
            .store
            .grids(&scope)
            .await?
            .into_iter()
            .map(|g| g.code)
            .collect(),
        places: app.tree.tree(&app.store).await?,
        fields: (app.fields.of_round(&app.store, round).await?)
            .map(|set| set.fields)
            .unwrap_or_default(),
        on: app.calendar.as_of(round),
        round,
        building,
        scope: scope.clone(),
        caller,
    };
    let headers = download_headers(format, &format!("{stem}.{}", format.extension()));
    // A workbook is read and written whole, and refused before it is
    // audited if one county passes a sheet's rows; a CSV is read as it is
    // sent.
    let workbook = match format {
        Format::Csv => None,
        Format::Xlsx => {
            let table = pages.whole(&app.store).await?;
            // A whole area's workbook takes a while to zip; keep it off the async workers.
            let bytes = tokio::task::spawn_blocking(move || format.write(&table))
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?
                .map_err(|e| match e {
                    ExportError::CountyTooLarge(county) => ApiError::CountyTooLarge(county),
                    e => ApiError::Internal(e.to_string()),
                })?;
            Some(bytes)
        }
    };
    // Audited before a byte leaves, however the download ends.
    audit_export(&app.store, &pages.caller, &subject).await?;
    let body = match workbook {
        None => Body::from_stream(pages.csv(app.store.clone())),
        Some(bytes) => Body::from(bytes),
    };
    Ok((headers, body).into_response())
}

/// The scope's grids, this many to a page: a thousand or two households.
const PAGE_GRIDS: usize = 64;

/// An export read a page of grids at a time, in the order of their codes.
struct Pages {
    /// The scope's grids.
    grids: Vec<GridCode>,
    places: Tree,
    fields: Vec<ExtraField>,
    on: Date,
    round: Round,
    building: Option<String>,
    /// What was asked, which each page narrows.
    scope: Scope,
    caller: Caller,
}

impl Pages {
    /// The rows of one page of grids, numbers masked as the caller sees them.
    async fn table<S: Store>(&self, store: &S, grids: &[GridCode]) -> Result<Table, StoreError> {
        let mut states = store
            .household_states(self.round, &self.scope.page(grids.to_vec()))
            .await?;
        if let Some(building) = &self.building {
            states.retain(|s| &s.place.building == building);
        }
        let views = export_views(&self.caller, states);
        Ok(ledger_table(&views, &self.places, &self.fields, self.on))
    }

    /// Every row at once, for a workbook.
    async fn whole<S: Store>(&self, store: &S) -> Result<Table, StoreError> {
        let mut all = ledger_table(&[], &self.places, &self.fields, self.on);
        for grids in self.grids.chunks(PAGE_GRIDS) {
            all.append(self.table(store, grids).await?);
        }
        Ok(all)
    }

    /// The CSV as it is read: the byte-order mark and header row, then
    /// each page's rows, so that a province's export holds one page in
    /// memory at a time.
    fn csv<S: Store>(
        self,
        store: S,
    ) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
        let pages: Vec<Vec<GridCode>> = self.grids.chunks(PAGE_GRIDS).map(<[_]>::to_vec).collect();
        let state = (self, store, pages.into_iter(), true);
        futures_util::stream::try_unfold(state, |(export, store, mut pages, first)| async move {
            let grids = match (first, pages.next()) {
                (true, grids) => grids.unwrap_or_default(),
                (false, Some(grids)) => grids,
                (false, None) => return Ok(None),
            };
            let table = export
                .table(&store, &grids)
                .await
                .map_err(std::io::Error::other)?;
            let mut out = if first { csv::BOM.to_vec() } else { Vec::new() };
            csv::append(&table, first, &mut out).map_err(std::io::Error::other)?;
            Ok(Some((out, (export, store, pages, false))))
        })
    }
}

/// `attachment; filename="…"`, with the name also in RFC 5987's
/// `filename*` when it is not plain ASCII (a building like 1号楼).
/// The headers of a file of `format` to download as `file_name`, which
/// may hold personal information: not for shared caches or the browser's.
pub fn download_headers(format: Format, file_name: &str) -> [(HeaderName, HeaderValue); 3] {
    [
        (
            CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        ),
        (CONTENT_DISPOSITION, attachment(file_name)),
        (CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ]
}

fn attachment(file_name: &str) -> HeaderValue {
    let plain: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut value = format!("attachment; filename=\"{plain}\"");
    if plain != file_name {
        value.push_str("; filename*=UTF-8''");
        for byte in file_name.bytes() {
            if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
                value.push(char::from(byte));
            } else {
                value.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    HeaderValue::from_str(&value).expect("only visible ASCII is left in the value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(file_name: &str, expected: &str) {
        assert_eq!(attachment(file_name).to_str().unwrap(), expected);
    }

    #[test]
    fn an_ascii_name_is_given_plainly() {
        check(
            "anju-2026Q4-G1.xlsx",
            "attachment; filename=\"anju-2026Q4-G1.xlsx\"",
        );
    }

    #[test]
    fn a_chinese_name_is_also_given_percent_encoded() {
        check(
            "anju-2026Q4-G1-1号楼.csv",
            "attachment; filename=\"anju-2026Q4-G1-1__.csv\"; \
             filename*=UTF-8''anju-2026Q4-G1-1%E5%8F%B7%E6%A5%BC.csv",
        );
    }

    #[test]
    fn quotes_and_spaces_cannot_break_the_header() {
        check(
            "anju-2026Q4-a \"b\";c.csv",
            "attachment; filename=\"anju-2026Q4-a__b__c.csv\"; \
             filename*=UTF-8''anju-2026Q4-a%20%22b%22%3Bc.csv",
        );
    }
}
