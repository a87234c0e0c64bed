//! The OpenAPI 3.1 document of the API, generated from the handlers'
//! annotations and the wire types in `shared`: `GET /api/v1/openapi.json`.

use axum::Json;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder, Type};
use utoipa::{Modify, OpenApi};

use crate::http::{
    auth, conflicts, coverage, dispatch, export, field_defs, follow_up, households, places, review,
    roster, roster_import, sessions, staff_import, submissions, summary, trends, users, visits,
};

#[derive(OpenApi)]
#[openapi(
    modifiers(&Unavailable),
    info(
        title = "Anju",
        description = "The labour survey of resettled households: roster, submissions, visits, ledger, coverage. \
            Errors are `ErrorBody`, in Chinese unless `Accept-Language` asks for English."
    ),
    paths(
        auth::login,
        auth::current,
        auth::logout,
        auth::change_password,
        roster::get,
        roster_import::post,
        roster_import::template_file,
        submissions::post,
        visits::post,
        visits::list,
        households::get,
        households::history,
        export::get,
        coverage::get,
        coverage::gaps_of,
        coverage::indicators_of,
        follow_up::get,
        follow_up::post_action,
        follow_up::export,
        dispatch::get,
        trends::get,
        users::list,
        users::create,
        users::set_scope,
        users::disable,
        users::enable,
        users::reset_password,
        staff_import::post,
        staff_import::template_file,
        users::audit_log,
        sessions::list,
        sessions::end,
        field_defs::get,
        field_defs::post,
        field_defs::template_file,
        places::list,
        summary::get,
        households::search,
        review::list,
        review::decide,
        conflicts::list,
        conflicts::resolve,
    ),
    tags(
        (name = "session", description = "Logging in and out"),
        (name = "survey", description = "What phones sync"),
        (name = "roster", description = "The place tree, and the roster's import from a spreadsheet with its template"),
        (name = "ledger", description = "The merged labour ledger, and its export"),
        (name = "supervision", description = "Coverage for supervisors"),
        (name = "admin", description = "Users, scopes, sessions and the audit log"),
        (name = "fields", description = "The fields a county adds to the survey, versioned by the round they apply from"),
        (name = "review", description = "Supervisors' review of submissions, and open conflicts to resolve"),
    )
)]
pub struct ApiDoc;

/// Every operation that reads or writes the database may find it out of
/// reach (PostgreSQL restarting) or its disk full: a 503 with `Retry-After`.
struct Unavailable;

impl Modify for Unavailable {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let response = ResponseBuilder::new()
            .description(
                "The database cannot read or write for now (restarting, its disk full); nothing \
                 was changed: try again after `Retry-After` seconds",
            )
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(utoipa::openapi::ObjectBuilder::new().schema_type(Type::Integer))
                    .description(Some("Seconds to wait"))
                    .build(),
            )
            .build();
        for (path, item) in doc.paths.paths.iter_mut() {
            if path.ends_with("/template") || path.ends_with("/openapi.json") {
                continue;
            }
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                (operation.responses.responses)
                    .entry("503".into())
                    .or_insert_with(|| response.clone().into());
            }
        }
    }
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
