//! Every error the API answers with: one enum, one status per variant, one body shape.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use shared::validate::Issue;
use shared::wire::{ErrorBody, FieldErrorBody};

use crate::accounts::AccountError;
use crate::store::StoreError;

/// The language of error messages, from `Accept-Language`: Chinese unless
/// the client prefers English.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        Ok(if header.trim_start().starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        })
    }
}

/// Seconds a client is told to wait when the database cannot write now:
/// long enough for PostgreSQL to restart, short enough that a phone sends
/// its captures soon after.
pub const UNAVAILABLE_RETRY_SECONDS: i64 = 10;

/// An error answer. Each variant documents its status.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 401: no session, or it expired.
    #[error("not logged in")]
    Unauthenticated,
    /// 401: wrong username or password.
    #[error("wrong username or password")]
    BadCredentials,
    /// 401: the account is disabled; its sessions end at their next request.
    #[error("this account is disabled")]
    AccountDisabled,
    /// 403: the user's password was set by someone else; they must choose
    /// their own (`PUT /api/v1/session/password`) before anything else.
    #[error("choose your own password first")]
    PasswordChangeRequired,
    /// 403: the household or grid is outside the caller's scope.
    #[error("outside your scope")]
    OutOfScope,
    /// 403: the caller's role may not do this.
    #[error("your role may not do this")]
    NotPermitted,
    /// 404: no such user.
    #[error("no such user")]
    UnknownUser,
    /// 404: no open session has this id.
    #[error("no such session; it may have ended")]
    UnknownSession,
    /// 409: the username is taken.
    #[error("this username is taken")]
    UsernameTaken,
    /// 409: another upload of field definitions took the version number.
    #[error("another upload of the fields came first")]
    VersionTaken,
    /// 429: too many failed logins from this address or device lately.
    #[error("too many failed logins; try again in {seconds} seconds")]
    TooManyAttempts { seconds: i64 },
    /// 403: a state-changing request sent by a page of another site.
    #[error("this request came from another site")]
    CrossSite,
    /// 404: no such household.
    #[error("no such household")]
    UnknownHousehold,
    /// 404: no grid names this resettlement area.
    #[error("no grid belongs to this resettlement area")]
    UnknownArea,
    /// 404: no place has this code.
    #[error("no place has this code")]
    UnknownPlace,
    /// 404: no such route.
    #[error("no such endpoint")]
    NoRoute,
    /// 409: a submission or visit id was used before for a different body.
    #[error("this id was already used for a different submission or visit")]
    IdReused,
    /// 413: the body is over the limit.
    #[error("the request body is too large")]
    TooLarge,
    /// 422: the body is not the JSON the endpoint takes.
    #[error("malformed request at {path}: {detail}")]
    Malformed { path: String, detail: String },
    /// 422: the body parsed but broke the rules.
    #[error("the submission has invalid fields")]
    Invalid(Vec<Issue>),
    /// 422: an export asked for a format other than xlsx or csv.
    #[error("the export format must be xlsx or csv")]
    UnsupportedFormat,
    /// 422: a workbook asked for more rows than one sheet holds.
    #[error("too many rows for one Excel sheet: export a county or less, or choose CSV")]
    WorkbookTooLarge,
    /// 422: a workbook past a sheet's rows, one of whose counties alone
    /// passes a sheet's rows.
    #[error(
        "county {0} alone has more rows than one Excel sheet holds: export a township or less, or choose CSV"
    )]
    CountyTooLarge(String),
    /// 404: no such submission.
    #[error("no such submission")]
    UnknownSubmission,
    /// 409: the submission already has another decision.
    #[error("this submission already has a different decision")]
    ReviewConflict,
    /// 409: only a survey that nothing newer was made from can be returned.
    #[error("only a survey that nothing newer was made from can be returned")]
    NotReturnable,
    /// 404: the household has no such open conflict.
    #[error("no such open conflict; it may have been resolved")]
    UnknownConflict,
    /// 503: the app's bundle was not built into this server.
    #[error("the app is not built into this server")]
    AppNotBuilt,
    /// 503 when the database cannot write for now (restarting, its disk
    /// full), with `Retry-After`; else 500. The cause goes to the log, not
    /// the client.
    #[error("could not save or read; please retry")]
    Store(#[from] StoreError),
    /// 500: an internal failure other than storage.
    #[error("internal error; please retry")]
    Internal(String),
}

impl From<AccountError> for ApiError {
    fn from(err: AccountError) -> ApiError {
        match err {
            AccountError::Invalid(issues) => ApiError::Invalid(issues),
            AccountError::UsernameTaken => ApiError::UsernameTaken,
            AccountError::UnknownUser => ApiError::UnknownUser,
            AccountError::Store(err) => ApiError::Store(err),
            AccountError::Hashing(detail) => ApiError::Internal(detail),
        }
    }
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated | ApiError::BadCredentials | ApiError::AccountDisabled => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::OutOfScope | ApiError::NotPermitted | ApiError::PasswordChangeRequired => {
                StatusCode::FORBIDDEN
            }
            ApiError::UnknownUser | ApiError::UnknownSession => StatusCode::NOT_FOUND,
            ApiError::UsernameTaken | ApiError::VersionTaken => StatusCode::CONFLICT,
            ApiError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::CrossSite => StatusCode::FORBIDDEN,
            ApiError::UnknownHousehold
            | ApiError::UnknownArea
            | ApiError::UnknownPlace
            | ApiError::NoRoute => StatusCode::NOT_FOUND,
            ApiError::IdReused => StatusCode::CONFLICT,
            ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Malformed { .. }
            | ApiError::Invalid(_)
            | ApiError::UnsupportedFormat
            | ApiError::WorkbookTooLarge
            | ApiError::CountyTooLarge(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::UnknownSubmission | ApiError::UnknownConflict => StatusCode::NOT_FOUND,
            ApiError::ReviewConflict | ApiError::NotReturnable => StatusCode::CONFLICT,
            ApiError::AppNotBuilt => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Store(err) if err.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Store(_) | ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Seconds a client should wait before trying again, sent as `Retry-After`.
    pub fn retry_after(&self) -> Option<i64> {
        match self {
            ApiError::TooManyAttempts { seconds } => Some(*seconds),
            ApiError::Store(err) if err.is_unavailable() => Some(UNAVAILABLE_RETRY_SECONDS),
            _ => None,
        }
    }

    /// The stable code the app translates.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::BadCredentials => "bad_credentials",
            ApiError::AccountDisabled => "account_disabled",
            ApiError::PasswordChangeRequired => "password_change_required",
            ApiError::OutOfScope => "out_of_scope",
            ApiError::NotPermitted => "not_permitted",
            ApiError::UnknownUser => "unknown_user",
            ApiError::UnknownSession => "unknown_session",
            ApiError::UsernameTaken => "username_taken",
            ApiError::VersionTaken => "version_taken",
            ApiError::TooManyAttempts { .. } => "too_many_attempts",
            ApiError::CrossSite => "cross_site",
            ApiError::UnknownHousehold => "unknown_household",
            ApiError::UnknownArea => "unknown_area",
            ApiError::UnknownPlace => "unknown_place",
            ApiError::NoRoute => "no_route",
            ApiError::IdReused => "submission_id_reused",
            ApiError::TooLarge => "too_large",
            ApiError::Malformed { .. } => "malformed",
            ApiError::Invalid(_) => "invalid",
            ApiError::UnsupportedFormat => "unsupported_format",
            ApiError::WorkbookTooLarge | ApiError::CountyTooLarge(_) => "workbook_too_large",
            ApiError::UnknownSubmission => "unknown_submission",
            ApiError::ReviewConflict => "review_conflict",
            ApiError::NotReturnable => "not_returnable",
            ApiError::UnknownConflict => "unknown_conflict",
            ApiError::AppNotBuilt => "app_not_built",
            ApiError::Store(err) if err.is_unavailable() => "unavailable",
            ApiError::Store(_) | ApiError::Internal(_) => "internal",
        }
    }

    fn zh(&self) -> String {
        match self {
            ApiError::Unauthenticated => "请先登录".into(),
            ApiError::BadCredentials => "用户名或密码错误".into(),
            ApiError::AccountDisabled => "此账号已停用，请联系管理员".into(),
            ApiError::PasswordChangeRequired => "请先设置您自己的密码".into(),
            ApiError::OutOfScope => "该户不在您负责的网格内".into(),
            ApiError::NotPermitted => "您的角色无权进行此操作".into(),
            ApiError::UnknownUser => "没有这个用户".into(),
            ApiError::UnknownSession => "没有这个登录，可能已经结束".into(),
            ApiError::UsernameTaken => "该用户名已被使用".into(),
            ApiError::VersionTaken => "另一位管理员刚刚上传了调查内容，请刷新后重新上传".into(),
            ApiError::TooManyAttempts { seconds } => {
                format!("登录失败次数过多，请 {seconds} 秒后再试")
            }
            ApiError::CrossSite => "请求来自其他网站，已拒绝。请直接打开安居后重试".into(),
            ApiError::UnknownHousehold => "找不到该户".into(),
            ApiError::UnknownArea => "没有属于这个安置区的网格".into(),
            ApiError::UnknownPlace => "没有这个地点".into(),
            ApiError::NoRoute => "没有这个接口".into(),
            ApiError::IdReused => "该提交编号已用于另一份内容不同的提交".into(),
            ApiError::TooLarge => "提交内容过大".into(),
            ApiError::Malformed { path, detail } => format!("请求格式错误（{path}）：{detail}"),
            ApiError::Invalid(_) => "提交的内容有误，请按提示修改".into(),
            ApiError::UnsupportedFormat => "导出格式只能是 xlsx 或 csv".into(),
            ApiError::WorkbookTooLarge => {
                "数据超过一个 Excel 工作表的行数上限，请按县或更小的范围导出，或改用 CSV 格式"
                    .into()
            }
            ApiError::CountyTooLarge(county) => format!(
                "{county}的数据超过一个 Excel 工作表的行数上限，请按乡镇或更小的范围导出该县，或改用 CSV 格式"
            ),
            ApiError::UnknownSubmission => "找不到该提交".into(),
            ApiError::ReviewConflict => "该提交已有不同的审核结论".into(),
            ApiError::NotReturnable => "只能退回驻点工作队的入户调查，且须在其更新之前".into(),
            ApiError::UnknownConflict => "该户没有这个待裁定的冲突，可能已经裁定".into(),
            ApiError::AppNotBuilt => "服务器未包含应用程序，请先构建应用".into(),
            ApiError::Store(err) if err.is_unavailable() => {
                format!(
                    "服务器暂时无法保存，{UNAVAILABLE_RETRY_SECONDS} 秒后自动重试；记录仍保存在手机上"
                )
            }
            ApiError::Store(_) | ApiError::Internal(_) => {
                "服务器暂时无法保存或读取，请稍后重试".into()
            }
        }
    }

    /// The response body in `lang`.
    pub fn body(&self, lang: Lang) -> ErrorBody {
        let fields = match self {
            ApiError::Invalid(issues) => issues
                .iter()
                .map(|issue| FieldErrorBody {
                    path: issue.path.clone(),
                    code: issue.code.code().into(),
                    message: match lang {
                        Lang::Zh => issue.code.zh(),
                        Lang::En => issue.code.en(),
                    }
                    .into(),
                })
                .collect(),
            ApiError::Malformed { path, detail } => vec![FieldErrorBody {
                path: path.clone(),
                code: "malformed".into(),
                message: detail.clone(),
            }],
            ApiError::UnsupportedFormat
            | ApiError::WorkbookTooLarge
            | ApiError::CountyTooLarge(_) => vec![FieldErrorBody {
                path: "format".into(),
                code: self.code().into(),
                message: match lang {
                    Lang::Zh => self.zh(),
                    Lang::En => self.to_string(),
                },
            }],
            _ => Vec::new(),
        };
        ErrorBody {
            code: self.code().into(),
            message: match lang {
                Lang::Zh => self.zh(),
                Lang::En => self.to_string(),
            },
            fields,
        }
    }
}

/// Both renderings of an error, riding in the response's extensions to
/// `localize`, which picks one by the request's `Accept-Language`.
#[derive(Clone, Debug)]
struct Rendered {
    en: ErrorBody,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, cause = ?self, "request failed");
        }
        let mut res = (status, axum::Json(self.body(Lang::Zh))).into_response();
        if let Some(seconds) = self.retry_after() {
            res.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        res.extensions_mut().insert(Rendered {
            en: self.body(Lang::En),
        });
        res
    }
}

/// Middleware: answers errors in English to clients that ask for it.
pub async fn localize(lang: Lang, req: axum::extract::Request, next: Next) -> Response {
    let res = next.run(req).await;
    if lang == Lang::Zh {
        return res;
    }
    match res.extensions().get::<Rendered>().cloned() {
        Some(rendered) => (res.status(), axum::Json(rendered.en)).into_response(),
        None => res,
    }
}
