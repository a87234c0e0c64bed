//! Staff accounts from a spreadsheet, on the accounts page: the file is
//! checked first, then imported; the new accounts' one-time passwords come
//! back once, as a sheet made for printing and handing out at a meeting.

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::wire::{StaffAccount, StaffImport};

use crate::api::{self, ImportError, RowError};
use crate::components::file_import::{
    CheckPassed, FilePick, RowErrors, TemplateLinks, picked_file,
};
use crate::desk_text::DeskMsg;
use crate::i18n::{Msg, label, tr};

/// Where the import of the picked file stands.
#[derive(Clone)]
enum Stage {
    NoFile,
    Sending,
    Checked(StaffImport),
    Refused(Vec<RowError>),
    Failed(String),
    Imported(StaffImport),
}

#[component]
pub fn StaffImportPanel(on_imported: Callback<()>) -> impl IntoView {
    let input = NodeRef::<Input>::new();
    let stage = RwSignal::new(Stage::NoFile);
    let send = move |dry_run: bool| {
        let Some(file) = picked_file(input) else {
            stage.set(Stage::NoFile);
            return;
        };
        stage.set(Stage::Sending);
        spawn_local(async move {
            stage.set(match api::import_staff(file, dry_run).await {
                Ok(report) if report.dry_run => Stage::Checked(report),
                Ok(report) => {
                    on_imported.run(());
                    Stage::Imported(report)
                }
                Err(ImportError::Rows(errors)) => Stage::Refused(errors),
                Err(ImportError::Api(err)) => Stage::Failed(err.message()),
            });
        });
    };
    view! {
        <section class="staff-import" data-testid="staff-import">
            <p class="status-line">{tr(DeskMsg::StaffImportHint)}</p>
            <TemplateLinks path="/api/v1/users/template" testid="staff-template" />
            <FilePick caption=tr(DeskMsg::PickStaffFile) input testid="staff-file" on_pick=Callback::new(move |()| send(true)) />
            {move || match stage.get() {
                Stage::NoFile => ().into_any(),
                Stage::Sending => view! { <p class="status">{tr(DeskMsg::Checking)}</p> }.into_any(),
                Stage::Checked(report) => view! {
                    <CheckPassed
                        testid="staff-check"
                        confirm=tr(DeskMsg::ConfirmImport)
                        confirm_testid="staff-confirm"
                        on_confirm=Callback::new(move |()| send(false))
                    >
                        <Counts report />
                    </CheckPassed>
                }.into_any(),
                Stage::Imported(report) => view! { <PrintSheet report /> }.into_any(),
                Stage::Refused(errors) => view! { <RowErrors errors /> }.into_any(),
                Stage::Failed(message) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Counts(report: StaffImport) -> impl IntoView {
    view! {
        <p class="status-line" data-testid="staff-counts">
            {tr(DeskMsg::Added)}" "{report.added}" · "
            {tr(DeskMsg::Updated)}" "{report.updated}" · "
            {tr(DeskMsg::UnchangedCount)}" "{report.unchanged}
        </p>
    }
}

/// The new accounts with their one-time passwords, laid out for paper:
/// printing shows this sheet alone.
#[component]
fn PrintSheet(report: StaffImport) -> impl IntoView {
    let new: Vec<StaffAccount> = report
        .accounts
        .iter()
        .filter(|a| a.one_time_password.is_some())
        .cloned()
        .collect();
    let rows = new
        .into_iter()
        .map(|a| {
            let place = a
                .workplace
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            view! {
                <tr data-testid="print-row">
                    <td>{a.display_name}</td>
                    <td>{label(a.role)}" "{place}</td>
                    <td class="mono">{a.username}</td>
                    <td class="mono" data-testid="print-password">{a.one_time_password.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="notice" role="status" data-testid="staff-done">
            <p class="accepted"><strong>{tr(DeskMsg::ImportDone)}</strong></p>
            <Counts report />
            <button class="primary" data-testid="staff-print" on:click=move |_| {
                let _ = window().print();
            }>{tr(DeskMsg::PrintSheet)}</button>
        </div>
        <div class="print-sheet" data-testid="print-sheet">
            <h2>{tr(DeskMsg::PrintSheetTitle)}</h2>
            <p>{tr(DeskMsg::PrintSheetHint)}</p>
            <table class="coverage-table">
                <thead><tr>
                    <th>{tr(DeskMsg::Name)}</th>
                    <th>{tr(DeskMsg::RoleCaption)}</th>
                    <th>{tr(Msg::Username)}</th>
                    <th>{tr(DeskMsg::OneTimePassword)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
