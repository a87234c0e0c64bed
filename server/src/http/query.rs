//! Query strings: `AppQuery`, whose failure is the usual 422 `ApiError` as
//! `AppJson`'s is for bodies, and `Asked`, the round and scope a read of
//! many households asks for.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use shared::place::PlaceCode;
use shared::round::Round;

use crate::http::AppState;
use crate::http::auth::Caller;
use crate::http::error::ApiError;
use crate::store::{Scope, Store};

/// A request's query string, read as `T`.
pub struct AppQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for AppQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Query(query) = Query::<T>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::Malformed {
                path: "query".into(),
                detail: e.body_text(),
            })?;
        Ok(AppQuery(query))
    }
}

/// A query parameter named `path`, read by `parse` when present; a value
/// it refuses is a 422 naming the parameter.
pub fn parsed<T, E: std::fmt::Display>(
    raw: Option<&str>,
    path: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<Option<T>, ApiError> {
    raw.map(parse).transpose().map_err(|e| ApiError::Malformed {
        path: path.into(),
        detail: e.to_string(),
    })
}

/// `?round=`, like 2026Q4.
#[derive(Debug, Deserialize)]
pub struct RoundQuery {
    pub round: Option<String>,
}

impl RoundQuery {
    /// The round asked for, or the one in progress.
    pub fn round_or(&self, current: Round) -> Result<Round, ApiError> {
        match &self.round {
            None => Ok(current),
            Some(raw) => Round::parse(raw).map_err(|e| ApiError::Malformed {
                path: "round".into(),
                detail: e.to_string(),
            }),
        }
    }
}

/// The caller, with the round (`?round=`, the one in progress by default)
/// and the scope a read asks for: `?grid=`, one grid the caller may work
/// in, `?area=`, one resettlement area's grids within the caller's scope,
/// or `?place=`, the grids under one place within it; the caller's whole
/// scope by default. Other parameters are left
/// to the handler's own `AppQuery`.
pub struct Asked {
    pub caller: Caller,
    pub round: Round,
    pub scope: Scope,
}

/// The query parameters `Asked` reads, as the OpenAPI document lists them.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AskedQuery {
    /// Like 2026Q4; the round in progress by default.
    #[param(value_type = Option<shared::round::Round>)]
    round: Option<String>,
    /// One grid of the caller's scope; the whole scope by default.
    #[param(value_type = Option<shared::place::GridCode>)]
    grid: Option<String>,
    /// One resettlement area's grids within the caller's scope, instead of a grid.
    #[param(value_type = Option<shared::place::PlaceCode>)]
    area: Option<String>,
    /// The code of a place of the tree: its grids within the caller's
    /// scope, instead of a grid or an area.
    #[param(value_type = Option<shared::place::PlaceCode>)]
    place: Option<String>,
}

impl<S: Store> FromRequestParts<AppState<S>> for Asked {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState<S>,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, app).await?;
        let AppQuery(asked) = AppQuery::<AskedQuery>::from_request_parts(parts, app).await?;
        let round = RoundQuery { round: asked.round }.round_or(app.round())?;
        let given = [&asked.grid, &asked.area, &asked.place]
            .iter()
            .filter(|p| p.is_some())
            .count();
        if given > 1 {
            return Err(ApiError::Malformed {
                path: "area".into(),
                detail: "a grid, an area or a place, not two".into(),
            });
        }
        let scope = match (asked.area, asked.place) {
            (Some(area), _) => area_asked(&app.store, &caller, area).await?,
            (_, Some(place)) => place_asked(&app.store, &caller, &place).await?,
            (None, None) => caller.grid_asked(asked.grid.as_deref())?,
        };
        Ok(Asked {
            caller,
            round,
            scope,
        })
    }
}

/// The grids under `place` the caller may see; 404 for a code no place
/// has, 403 for a place wholly outside the caller's scope.
async fn place_asked<S: Store>(store: &S, caller: &Caller, place: &str) -> Result<Scope, ApiError> {
    let code = PlaceCode::parse(place).map_err(|_| ApiError::UnknownPlace)?;
    let (places, all) = store.subtree(&code).await?;
    if places.is_empty() {
        return Err(ApiError::UnknownPlace);
    }
    let scope = caller.scope()?;
    // A building head reads their building, if the place holds it.
    if let Scope::Building { grid, .. } = scope {
        return if all.contains(grid) {
            Ok(scope.clone())
        } else {
            Err(ApiError::OutOfScope)
        };
    }
    let grids: Vec<_> = all.into_iter().filter(|g| scope.covers(g)).collect();
    if grids.is_empty() {
        return Err(ApiError::OutOfScope);
    }
    Ok(Scope::Place {
        code,
        grids,
        places,
    })
}

/// The grids of `area` the caller may see; 404 for an area no grid names,
/// 403 for one wholly outside the caller's scope.
async fn area_asked<S: Store>(store: &S, caller: &Caller, area: String) -> Result<Scope, ApiError> {
    let all = store.area_grids(&area).await?;
    if all.is_empty() {
        return Err(ApiError::UnknownArea);
    }
    let scope = caller.scope()?;
    let grids: Vec<_> = all.into_iter().filter(|g| scope.covers(g)).collect();
    if grids.is_empty() {
        return Err(ApiError::OutOfScope);
    }
    Ok(Scope::Area { name: area, grids })
}
