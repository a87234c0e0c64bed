//! The fields a county adds: `GET /api/v1/fields` (the version in effect
//! and every one kept), `POST /api/v1/fields/import?from=` (a definitions
//! file, `crate::fields::file`, checked whole and kept as the next version
//! from the round named) and `GET /api/v1/fields/template`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shared::codes::Role;
use shared::extra::FieldSet;
use shared::round::Round;
use shared::validate::{Issue, IssueCode};
use shared::wire::{DefinedFields, ErrorBody, FieldsView};
use time::OffsetDateTime;

use crate::fields::file::{fields_file, template};
use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::{ApiError, Lang};
use crate::http::query::AppQuery;
use crate::http::roster_import::{
    TemplateQuery, file_body, parse_file, rejected, template_download,
};
use crate::import::issue::RosterRejected;
use crate::store::Store;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FieldsQuery {
    /// The round whose fields to show; the one in progress by default.
    pub round: Option<Round>,
}

#[utoipa::path(get, path = "/api/v1/fields", tag = "fields",
    operation_id = "fields",
    params(FieldsQuery),
    responses(
        (status = 200, description = "The added fields in effect for the round, and every version kept", body = FieldsView),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 422, description = "A malformed round or query", body = ErrorBody),
    ))]
pub async fn get<S: Store>(
    State(app): State<AppState<S>>,
    _caller: Caller,
    AppQuery(query): AppQuery<FieldsQuery>,
) -> Result<Json<FieldsView>, ApiError> {
    let round = query.round.unwrap_or_else(|| app.round());
    let versions = app.fields.all(&app.store).await?;
    Ok(Json(FieldsView {
        round,
        in_effect: shared::extra::in_effect(&versions, round).cloned(),
        versions: versions.to_vec(),
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DefineQuery {
    /// The first round that asks the new version's fields: the one in
    /// progress or a later one.
    pub from: Round,
    /// true: check the file and answer the version it would make, keeping nothing.
    pub dry_run: Option<bool>,
}

#[utoipa::path(post, path = "/api/v1/fields/import", tag = "fields",
    operation_id = "define_fields",
    params(DefineQuery),
    request_body(
        description = "The definitions file as the template lays it out (GET /api/v1/fields/template; \
            docs/fields.md): one row per added field with 字段编号, 对象, 中文名称, 英文名称, 类型, 选项, \
            最小值, 最大值, 单位, 最大长度, 必填 and 适用条件. XLSX or CSV. It lists every added field of \
            the new version: one left out is retired from that round, and kept for the rounds before.",
        content(
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "text/csv"),
        ),
    ),
    responses(
        (status = 200, description = "Kept as the next version (or, in a dry run, what would be)", body = DefinedFields),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Administrators only", body = ErrorBody),
        (status = 409, description = "Another upload took this version number first; upload again", body = ErrorBody),
        (status = 413, description = "Over 32 MiB", body = ErrorBody),
        (status = 422, description = "A round before the one in progress (`from_past_round`), or the file has \
            errors, each by row and column; nothing was kept", body = RosterRejected),
    ))]
#[tracing::instrument(skip_all, fields(user = %caller.user.username))]
pub async fn post<S: Store>(
    State(app): State<AppState<S>>,
    caller: Caller,
    lang: Lang,
    AppQuery(query): AppQuery<DefineQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    caller.require(&[Role::Admin])?;
    if query.from < app.round() {
        return Err(ApiError::Invalid(vec![Issue {
            path: "from".into(),
            code: IssueCode::FromPastRound,
        }]));
    }
    let dry_run = query.dry_run.unwrap_or(false);
    let bytes = file_body(body)?;
    let earlier = app.fields.all(&app.store).await?;
    let kept = earlier.clone();
    let fields = match parse_file(bytes, move |sheet| fields_file(sheet, &kept)).await? {
        Ok(fields) => fields,
        Err(issues) => return Ok(rejected(&issues, lang)),
    };
    let set = if dry_run {
        FieldSet {
            version: earlier.iter().map(|s| s.version).max().unwrap_or(0) + 1,
            from: query.from,
            fields,
        }
    } else {
        let at = OffsetDateTime::now_utc();
        let kept = app
            .store
            .add_field_set(query.from, &fields, &caller.user.username, at)
            .await?;
        app.fields.forget();
        kept.ok_or(ApiError::VersionTaken)?
    };
    Ok(Json(DefinedFields { dry_run, set }).into_response())
}

#[utoipa::path(get, path = "/api/v1/fields/template", tag = "fields",
    operation_id = "fields_template",
    params(TemplateQuery),
    responses(
        (status = 200,
            description = "The definitions template: its columns and three example fields. docs/fields.md describes each column.",
            content(
                (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (String = "text/csv"),
            ),
            headers(("content-disposition" = String, description = "attachment; filename=\"anju-fields-template.xlsx\""))),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 422, description = "A format other than xlsx or csv", body = ErrorBody),
    ))]
pub async fn template_file(
    _caller: Caller,
    AppQuery(query): AppQuery<TemplateQuery>,
) -> Result<Response, ApiError> {
    template_download(&query, &template(), "anju-fields-template")
}
