//! What the roster, staff and field definition imports share: the
//! template's links, the file picked, a file that passed its check with the
//! button that imports it, and a refused file's errors by row and column.

use leptos::html::Input;
use leptos::prelude::*;

use crate::api::RowError;
use crate::desk_text::DeskMsg;
use crate::i18n::tr;

/// The spreadsheets an import reads.
const ACCEPT: &str =
    ".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The template at `path` as a workbook and as CSV, with test ids
/// `{testid}-xlsx` and `{testid}-csv`.
#[component]
pub fn TemplateLinks(path: &'static str, testid: &'static str) -> impl IntoView {
    view! {
        <div class="page-actions">
            <a class="secondary" href=format!("{path}?format=xlsx") download data-testid=format!("{testid}-xlsx")>
                {tr(DeskMsg::TemplateXlsx)}
            </a>
            <a class="secondary" href=format!("{path}?format=csv") download data-testid=format!("{testid}-csv")>
                {tr(DeskMsg::TemplateCsv)}
            </a>
        </div>
    }
}

/// The button that picks a file into `input`; picking one runs `on_pick`.
#[component]
pub fn FilePick(
    caption: &'static str,
    input: NodeRef<Input>,
    testid: &'static str,
    on_pick: Callback<()>,
) -> impl IntoView {
    view! {
        <label class="secondary wide file-pick">
            {caption}
            <input type="file" node_ref=input accept=ACCEPT data-testid=testid on:change=move |_| on_pick.run(()) />
        </label>
    }
}

/// A file that passed its check: what importing it would do (`children`),
/// and the button, `confirm`, that imports it.
#[component]
pub fn CheckPassed(
    testid: &'static str,
    confirm: &'static str,
    confirm_testid: &'static str,
    on_confirm: Callback<()>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="notice" data-testid=testid>
            <p><strong>{tr(DeskMsg::CheckPassed)}</strong></p>
            {children()}
        </div>
        <div class="submit-bar">
            <button class="primary" data-testid=confirm_testid on:click=move |_| on_confirm.run(())>
                {confirm}
            </button>
        </div>
    }
}

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
