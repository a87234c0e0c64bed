//! A refused file's errors, by row and column, as the roster and staff
//! imports show them.

use leptos::prelude::*;

use crate::api::RowError;
use crate::i18n::{Msg, tr};

#[component]
pub fn RowErrors(errors: Vec<RowError>) -> impl IntoView {
    view! {
        <div class="error" role="alert" data-testid="import-errors">
            <p>{tr(Msg::RosterHasErrors)}{errors.len()}</p>
            <table class="coverage-table">
                <thead><tr>
                    <th>{tr(Msg::RowNumber)}</th>
                    <th>{tr(Msg::Column)}</th>
                    <th>{tr(Msg::Problem)}</th>
                </tr></thead>
                <tbody>
                    {errors.into_iter().map(|e| view! {
                        <tr data-testid="import-error">
                            <td>{e.row.map(|r| r.to_string()).unwrap_or_default()}</td>
                            <td>{e.column.unwrap_or_default()}</td>
                            <td>{e.message}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
