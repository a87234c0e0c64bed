//! Supervisors and administrators: the roster from a spreadsheet. The file
//! is checked first (a dry run), showing what would change or every error
//! by row and column; only then is it imported.

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ImportCounts, ImportError, ImportReport, RowError};
use crate::components::file_import::{RowErrors, picked_file};
use crate::components::header::Header;
use crate::i18n::{Msg, tr};

/// Where the import of the picked file stands.
#[derive(Clone)]
enum Stage {
    NoFile,
    Sending,
    /// A dry run found no errors: what the import would do.
    Checked(ImportReport),
    Refused(Vec<RowError>),
    Failed(String),
    Imported(ImportReport),
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let input = NodeRef::<Input>::new();
    let stage = RwSignal::new(Stage::NoFile);
    let send = move |dry_run: bool| {
        let Some(file) = picked_file(input) else {
            stage.set(Stage::NoFile);
            return;
        };
        stage.set(Stage::Sending);
        spawn_local(async move {
            stage.set(match api::import_roster(file, dry_run).await {
                Ok(report) if report.dry_run => Stage::Checked(report),
                Ok(report) => Stage::Imported(report),
                Err(ImportError::Rows(errors)) => Stage::Refused(errors),
                Err(ImportError::Api(err)) => Stage::Failed(err.message()),
            });
        });
    };
    view! {
        <Header />
        <section class="import">
            <h1 class="page-title">{tr(Msg::ImportRoster)}</h1>
            <p class="status-line">{tr(Msg::ImportHint)}</p>
            <div class="page-actions">
                <a class="secondary" href="/api/v1/roster/template?format=xlsx" download data-testid="template-xlsx">
                    {tr(Msg::TemplateXlsx)}
                </a>
                <a class="secondary" href="/api/v1/roster/template?format=csv" download data-testid="template-csv">
                    {tr(Msg::TemplateCsv)}
                </a>
            </div>
            <label class="secondary wide file-pick">
                {tr(Msg::PickRosterFile)}
                <input
                    type="file"
                    node_ref=input
                    accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    data-testid="roster-file"
                    on:change=move |_| send(true)
                />
            </label>
            <p class="status" data-testid="picked-file">
                {move || {
                    stage.track();
                    picked_file(input)
                        .map(|f| f.name())
                        .unwrap_or_default()
                }}
            </p>
            {move || match stage.get() {
                Stage::NoFile => ().into_any(),
                Stage::Sending => view! { <p class="status">{tr(Msg::Checking)}</p> }.into_any(),
                Stage::Checked(report) => view! {
                    <div class="notice" data-testid="import-check">
                        <p><strong>{tr(Msg::CheckPassed)}</strong></p>
                        <Counts report />
                    </div>
                    <div class="submit-bar">
                        <button class="primary" data-testid="import-confirm" on:click=move |_| send(false)>
                            {tr(Msg::ConfirmImport)}
                        </button>
                    </div>
                }.into_any(),
                Stage::Imported(report) => view! {
                    <div class="notice" role="status" data-testid="import-done">
                        <p class="accepted"><strong>{tr(Msg::ImportDone)}</strong></p>
                        <Counts report />
                    </div>
                }.into_any(),
                Stage::Refused(errors) => view! { <RowErrors errors /> }.into_any(),
                Stage::Failed(message) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
            }}
        </section>
    }
}

/// What the import changed, or would change, by kind.
#[component]
fn Counts(report: ImportReport) -> impl IntoView {
    let line = |msg: Msg, c: &ImportCounts| {
        view! {
            <tr>
                <th>{tr(msg)}</th>
                <td>{c.added}</td>
                <td>{c.updated}</td>
                <td>{c.unchanged}</td>
                <td>{c.removed}</td>
            </tr>
        }
    };
    view! {
        <p class="status-line">{tr(Msg::RowsRead)}{report.rows}</p>
        <table class="coverage-table" data-testid="import-counts">
            <thead><tr>
                <th></th>
                <th>{tr(Msg::Added)}</th>
                <th>{tr(Msg::Updated)}</th>
                <th>{tr(Msg::UnchangedCount)}</th>
                <th>{tr(Msg::Removed)}</th>
            </tr></thead>
            <tbody>
                {line(Msg::Grid, &report.grids)}
                {line(Msg::Buildings, &report.buildings)}
                {line(Msg::Households, &report.households)}
                {line(Msg::Members, &report.members)}
            </tbody>
        </table>
        {(report.surveyed_kept > 0).then(|| view! {
            <p class="status-line">{tr(Msg::SurveyedKept)}{report.surveyed_kept}</p>
        })}
    }
}
