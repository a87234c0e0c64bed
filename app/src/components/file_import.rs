//! What the roster and staff imports share: the file picked, and a refused
//! file's errors by row and column.

use leptos::html::Input;
use leptos::prelude::*;

use crate::api::RowError;
use crate::desk_text::DeskMsg;
use crate::i18n::tr;

/// The file picked in `input`, if any.
pub fn picked_file(input: NodeRef<Input>) -> Option<web_sys::File> {
    input
        .get_untracked()
        .and_then(|i| i.files())
        .and_then(|files| files.get(0))
}

#[component]
pub fn RowErrors(errors: Vec<RowError>) -> impl IntoView {
    view! {
        <div class="error" role="alert" data-testid="import-errors">
            <p>{tr(DeskMsg::RosterHasErrors)}{errors.len()}</p>
            <table class="coverage-table">
                <thead><tr>
                    <th>{tr(DeskMsg::RowNumber)}</th>
                    <th>{tr(DeskMsg::Column)}</th>
                    <th>{tr(DeskMsg::Problem)}</th>
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
