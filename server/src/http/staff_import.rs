//! `POST /api/v1/users/import`: staff accounts from a spreadsheet
//! (`crate::staff`), and `GET /api/v1/users/template`. Checked whole
//! first, every error by row and column; then all of it is written in one
//! transaction or none. The same file again changes nothing. New accounts
//! get one-time passwords, answered once, for a printed sheet to hand out.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::response::{IntoResponse, Response};
use shared::codes::{Code, Role};
use shared::validate::{Issue, IssueCode};
use shared::wire::{ErrorBody, StaffAccount, StaffImport, Workplace};
use time::OffsetDateTime;

use crate::accounts::{self, AccountError, is_username, one_time_password};
use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::{ApiError, Lang};
use crate::http::query::AppQuery;
use crate::http::roster_import::{
    ImportQuery, TemplateQuery, file_body, parse_file, rejected, template_download,
};
use crate::http::users::{check_manages, place_of};
use crate::import::issue::{ImportCode, RosterRejected, RowIssue};
use crate::staff::{StaffColumn, StaffRow, staff_file, template};
use crate::store::{Credentials, Store, User};

/// What importing one row does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Change {
    Added,
    Updated,
    Unchanged,
}

impl Change {
    fn code(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Updated => "updated",
            Change::Unchanged => "unchanged",
        }
    }
}

fn user_of(row: &StaffRow, workplace: Option<Workplace>) -> User {
    User {
        username: row.username.clone(),
        display_name: row.display_name.clone(),
        role: row.role,
        workplace,
        demo: false,
        disabled: false,
        must_change_password: true,
    }
}

#[utoipa::path(post, path = "/api/v1/users/import", tag = "admin",
    operation_id = "import_staff",
    params(("dry_run" = Option<bool>, Query, description = "true: check the file and report what would change, writing nothing")),
    request_body(
        description = "The staff file as the template lays it out (GET /api/v1/users/template): 姓名, 手机号码, \
            角色 (管理员, 督导, 驻点工作队, 网格员 or 楼栋长), 工作地点 (a place's code, or a name only one \
            place has: an area or grid for a team, a grid for a grid member or building head, any place \
            for a supervisor), 楼栋 (a building head's building, optional column), 用户名 (made from the name's pinyin and the \
            number's last four digits where empty). XLSX or CSV, as for the roster.",
        content(
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "text/csv"),
        ),
    ),
    responses(
        (status = 200, description = "Imported (or, in a dry run, what would be): each person and what happened \
            to their account, with a new account's one-time password", body = StaffImport),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 403, description = "Administrators, and supervisors for the teams and grid members of their grids", body = ErrorBody),
        (status = 409, description = "A username was taken while the file was imported; nothing was", body = ErrorBody),
        (status = 413, description = "Over 32 MiB", body = ErrorBody),
        (status = 422, description = "The file has errors, each by row and column, or the query is malformed; nothing was imported", body = RosterRejected),
    ))]
#[tracing::instrument(skip_all, fields(user = %caller.user.username))]
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
    let parsed = parse_file(bytes, staff_file).await?;
    let planned = match parsed {
        Ok(file) => match plan(&app, &caller, file.rows).await? {
            Ok(plan) if file.issues.is_empty() => Ok(plan),
            Ok(_) => Err(file.issues),
            Err(more) => Err([file.issues, more].concat()),
        },
        Err(issues) => Err(issues),
    };
    let at = OffsetDateTime::now_utc();
    let plan = match planned {
        Ok(plan) => plan,
        Err(issues) => {
            let subject = format!("dry_run={dry_run} rejected errors={}", issues.len());
            app.store
                .audit(&caller.user.username, "staff_import", &subject, at)
                .await?;
            return Ok(rejected(&issues, lang));
        }
    };
    let mut passwords = BTreeMap::new();
    if !dry_run {
        let added: Vec<&Planned> = plan.iter().filter(|p| p.change == Change::Added).collect();
        let chosen: Vec<String> = added.iter().map(|_| one_time_password()).collect();
        let hashes = accounts::hash_all_one_time(chosen.clone()).await?;
        let credentials: Vec<Credentials> = added
            .iter()
            .zip(hashes)
            .map(|(p, password_hash)| Credentials {
                user: user_of(&p.row, p.workplace.clone()),
                password_hash,
            })
            .collect();
        let updated: Vec<User> = plan
            .iter()
            .filter(|p| p.change == Change::Updated)
            .map(|p| user_of(&p.row, p.workplace.clone()))
            .collect();
        if !app.store.apply_staff(&credentials, &updated).await? {
            return Err(ApiError::UsernameTaken);
        }
        passwords = added
            .iter()
            .map(|p| p.row.username.clone())
            .zip(chosen)
            .collect();
    }
    let count = |which: Change| {
        u32::try_from(plan.iter().filter(|p| p.change == which).count()).unwrap_or(u32::MAX)
    };
    let report = StaffImport {
        dry_run,
        added: count(Change::Added),
        updated: count(Change::Updated),
        unchanged: count(Change::Unchanged),
        accounts: plan
            .into_iter()
            .map(|p| StaffAccount {
                one_time_password: passwords.remove(&p.row.username),
                row: p.row.row,
                display_name: p.row.display_name,
                username: p.row.username,
                role: p.row.role,
                workplace: p.workplace,
                change: p.change.code().to_owned(),
            })
            .collect(),
    };
    let subject = format!(
        "dry_run={dry_run} added={} updated={} unchanged={}",
        report.added, report.updated, report.unchanged
    );
    app.store
        .audit(&caller.user.username, "staff_import", &subject, at)
        .await?;
    Ok(Json(report).into_response())
}

/// A row of the file, where it works, and what importing it does.
struct Planned {
    row: StaffRow,
    workplace: Option<Workplace>,
    change: Change,
}

/// What each row would do to the stored accounts, or every reason the file
/// cannot be imported by this caller.
async fn plan<S: Store>(
    app: &AppState<S>,
    caller: &Caller,
    rows: Vec<StaffRow>,
) -> Result<Result<Vec<Planned>, Vec<RowIssue>>, ApiError> {
    let mut issues = Vec::new();
    let mut res = Vec::new();
    // Each place is looked up once, however many people work there.
    type Key = (&'static str, Option<String>, Option<String>);
    let mut places: BTreeMap<Key, Result<Option<Workplace>, Vec<Issue>>> = BTreeMap::new();
    for row in rows {
        let at =
            |column: StaffColumn, code: ImportCode| RowIssue::at(row.row, column.header(), code);
        let n_before = issues.len();
        if !is_username(&row.username) {
            issues.push(RowIssue::at(
                row.row,
                StaffColumn::Username.header(),
                IssueCode::UsernameFormat,
            ));
        }
        let key = (row.role.code(), row.place.clone(), row.building.clone());
        if !places.contains_key(&key) {
            let found = accounts::workplace(
                &app.store,
                row.role,
                row.place.as_deref(),
                row.building.as_deref(),
            )
            .await;
            let found = match found {
                Ok(workplace) => Ok(workplace),
                Err(AccountError::Invalid(found)) => Err(found),
                Err(err) => return Err(err.into()),
            };
            places.insert(key.clone(), found);
        }
        let workplace = match &places[&key] {
            Ok(workplace) => workplace.clone(),
            Err(found) => {
                for issue in found {
                    let column = match issue.path.as_str() {
                        "building" => StaffColumn::Building,
                        _ => StaffColumn::Place,
                    };
                    issues.push(RowIssue::at(row.row, column.header(), issue.code));
                }
                continue;
            }
        };
        match check_manages(caller, row.role, workplace.as_ref().map(|w| &w.code)) {
            Ok(()) => {}
            Err(ApiError::OutOfScope) => {
                issues.push(at(StaffColumn::Place, ImportCode::OutOfScope))
            }
            Err(_) => issues.push(at(StaffColumn::Role, ImportCode::RoleNotYours)),
        }
        if issues.len() > n_before {
            continue;
        }
        let change = match app.store.user(&row.username).await? {
            None => Change::Added,
            Some(stored) => {
                // A username of someone else's account is not the file's to change.
                if check_manages(caller, stored.role, place_of(&stored)).is_err() {
                    issues.push(at(StaffColumn::Username, ImportCode::OutOfScope));
                    continue;
                }
                let same = stored.display_name == row.display_name
                    && stored.role == row.role
                    && stored.workplace == workplace;
                if same {
                    Change::Unchanged
                } else {
                    Change::Updated
                }
            }
        };
        res.push(Planned {
            row,
            workplace,
            change,
        });
    }
    Ok(if issues.is_empty() {
        Ok(res)
    } else {
        Err(issues)
    })
}

#[utoipa::path(get, path = "/api/v1/users/template", tag = "admin",
    operation_id = "staff_template",
    params(TemplateQuery),
    responses(
        (status = 200, description = "The staff template: its columns, headers in Chinese, and two example people",
            content(
                (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (String = "text/csv"),
            )),
        (status = 401, description = "Not logged in, or the session expired", body = ErrorBody),
        (status = 422, description = "A format other than xlsx or csv", body = ErrorBody),
    ))]
pub async fn template_file(
    _caller: Caller,
    AppQuery(query): AppQuery<TemplateQuery>,
) -> Result<Response, ApiError> {
    template_download(&query, &template(), "anju-staff-template")
}
