//! Supervisors and administrators: the roster from a spreadsheet. The file
//! is checked first (a dry run), showing what would change or every error
//! by row and column; only then is it imported.

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ImportCounts, ImportError, ImportReport, RowError};
use crate::components::file_import::{
    CheckPassed, FilePick, RowErrors, TemplateLinks, picked_file,
};
use crate::components::header::Header;
use crate::desk_text::DeskMsg;
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
            <h1 class="page-title">{tr(DeskMsg::ImportRoster)}</h1>
            <p class="status-line">{tr(DeskMsg::ImportHint)}</p>
            <TemplateLinks path="/api/v1/roster/template" testid="template" />
            <FilePick caption=tr(DeskMsg::PickRosterFile) input testid="roster-file" on_pick=Callback::new(move |()| send(true)) />
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
                Stage::Sending => view! { <p class="status">{tr(DeskMsg::Checking)}</p> }.into_any(),
                Stage::Checked(report) => view! {
                    <CheckPassed
                        testid="import-check"
                        confirm=tr(DeskMsg::ConfirmImport)
                        confirm_testid="import-confirm"
                        on_confirm=Callback::new(move |()| send(false))
                    >
                        <Counts report />
                    </CheckPassed>
                }.into_any(),
                Stage::Imported(report) => view! {
                    <div class="notice" role="status" data-testid="import-done">
                        <p class="accepted"><strong>{tr(DeskMsg::ImportDone)}</strong></p>
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
    let line = |caption: &'static str, c: &ImportCounts| {
        view! {
            <tr>
                <th>{caption}</th>
                <td>{c.added}</td>
                <td>{c.updated}</td>
                <td>{c.unchanged}</td>
                <td>{c.removed}</td>
            </tr>
        }
    };
    view! {
        <p class="status-line">{tr(DeskMsg::RowsRead)}{report.rows}</p>
        <table class="coverage-table" data-testid="import-counts">
            <thead><tr>
                <th></th>
                <th>{tr(DeskMsg::Added)}</th>
                <th>{tr(DeskMsg::Updated)}</th>
                <th>{tr(DeskMsg::UnchangedCount)}</th>
                <th>{tr(DeskMsg::Removed)}</th>
            </tr></thead>
            <tbody>
                {line(tr(DeskMsg::Grid), &report.grids)}
                {line(tr(DeskMsg::Buildings), &report.buildings)}
                {line(tr(Msg::Households), &report.households)}
                {line(tr(Msg::Members), &report.members)}
            </tbody>
        </table>
        {(report.surveyed_kept > 0).then(|| view! {
            <p class="status-line">{tr(DeskMsg::SurveyedKept)}{report.surveyed_kept}</p>
        })}
    }
}
