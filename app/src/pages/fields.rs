//! Administrators: the fields the county adds to the survey. The version in
//! effect and those kept; a definitions file checked first (a dry run),
//! showing the fields it defines or every error by row and column, then
//! kept from the round chosen.

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::extra::{ExtraField, ExtraKind, FieldSet, Target};
use shared::round::Round;
use shared::wire::{DefinedFields, FieldsView};

use crate::Session;
use crate::api::{self, ImportError, RowError};
use crate::components::fields::{Control, Field};
use crate::components::file_import::{
    CheckPassed, FilePick, RowErrors, TemplateLinks, picked_file,
};
use crate::components::header::Header;
use crate::desk_text::DeskMsg;
use crate::i18n::{both, tr};
use crate::pages::member::caption;

/// Where the upload of the picked file stands.
#[derive(Clone)]
enum Stage {
    NoFile,
    Sending,
    Checked(FieldSet),
    Refused(Vec<RowError>),
    Failed(String),
    Kept(FieldSet),
}

#[component]
pub fn FieldsPage() -> impl IntoView {
    let Session(session) = expect_context();
    let now = session.with_untracked(|s| s.as_ref().map(|s| s.round));
    let view_of = RwSignal::new(None::<FieldsView>);
    let load = move || {
        spawn_local(async move {
            if let Ok(fields) = api::fields().await {
                view_of.set(Some(fields));
            }
        })
    };
    load();
    let from = RwSignal::new(now.map(Round::next));
    let input = NodeRef::<Input>::new();
    let stage = RwSignal::new(Stage::NoFile);
    let send = move |dry_run: bool| {
        let (Some(file), Some(from)) = (picked_file(input), from.get_untracked()) else {
            stage.set(Stage::NoFile);
            return;
        };
        stage.set(Stage::Sending);
        spawn_local(async move {
            let answer = api::define_fields(file, &from.to_string(), dry_run).await;
            stage.set(match answer {
                Ok(DefinedFields { dry_run: true, set }) => Stage::Checked(set),
                Ok(DefinedFields { set, .. }) => {
                    load();
                    Stage::Kept(set)
                }
                Err(ImportError::Rows(errors)) => Stage::Refused(errors),
                Err(ImportError::Api(err)) => Stage::Failed(err.message()),
            });
        });
    };
    let rounds: Vec<(String, String)> = now
        .into_iter()
        .flat_map(|r| [(r, DeskMsg::ThisRound), (r.next(), DeskMsg::NextRound)])
        .map(|(r, which)| (r.to_string(), format!("{r} {}", tr(which))))
        .collect();
    view! {
        <Header />
        <section class="import">
            <h1 class="page-title">{tr(DeskMsg::SurveyFields)}</h1>
            <p class="status-line">{tr(DeskMsg::SurveyFieldsHint)}</p>
            {move || view_of.get().map(|v| view! { <Versions view=v /> })}
            <TemplateLinks path="/api/v1/fields/template" testid="fields-template" />
            <Field
                caption=tr(DeskMsg::FromRound).to_owned()
                control=Control::Chips(rounds)
                current=Signal::derive(move || from.get().map(|r| r.to_string()))
                enter=Callback::new(move |raw: Option<String>| {
                    from.set(raw.as_deref().and_then(|r| Round::parse(r).ok()));
                    None
                })
                testid="fields-from".into()
            />
            <FilePick caption=tr(DeskMsg::PickFieldsFile) input testid="fields-file" on_pick=Callback::new(move |()| send(true)) />
            {move || match stage.get() {
                Stage::NoFile => ().into_any(),
                Stage::Sending => view! { <p class="status">{tr(DeskMsg::Checking)}</p> }.into_any(),
                Stage::Checked(set) => view! {
                    <CheckPassed
                        testid="fields-check"
                        confirm=tr(DeskMsg::ConfirmFields)
                        confirm_testid="fields-confirm"
                        on_confirm=Callback::new(move |()| send(false))
                    >
                        <FieldList set />
                    </CheckPassed>
                }.into_any(),
                Stage::Kept(set) => view! {
                    <p class="accepted" role="status" data-testid="fields-kept">
                        {format!("{} v{} · {}", tr(DeskMsg::FieldsKept), set.version, set.from)}
                    </p>
                }.into_any(),
                Stage::Refused(errors) => view! { <RowErrors errors /> }.into_any(),
                Stage::Failed(message) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
            }}
        </section>
    }
}

/// The version in effect and the others kept, newest first.
#[component]
fn Versions(view: FieldsView) -> impl IntoView {
    let current = view.in_effect.map(|set| {
        view! {
            <h2 class="section-title">{format!("{} · v{}", tr(DeskMsg::InEffect), set.version)}</h2>
            <FieldList set />
        }
    });
    let kept = view
        .versions
        .iter()
        .rev()
        .map(|set| format!("v{} · {} · {}", set.version, set.from, set.fields.len()))
        .map(|line| view! { <li>{line}</li> })
        .collect_view();
    view! {
        {current}
        <h2 class="section-title">{tr(DeskMsg::Versions)}</h2>
        <ul class="plain-list" data-testid="fields-versions">{kept}</ul>
    }
}

/// A version's fields: caption, record, kind, required, condition.
#[component]
fn FieldList(set: FieldSet) -> impl IntoView {
    let rows = set
        .fields
        .into_iter()
        .map(|field| {
            let ExtraField {
                key,
                target,
                required,
                ..
            } = &field;
            let line = [
                caption(&field).to_owned(),
                key.to_string(),
                tr(match target {
                    Target::Member => DeskMsg::ForMember,
                    Target::Household => DeskMsg::ForHousehold,
                })
                .to_owned(),
                kind_name(&field.kind).to_owned(),
                if *required { tr(DeskMsg::RequiredField).to_owned() } else { String::new() },
                field.applies.as_ref().map(|c| c.text.clone()).unwrap_or_default(),
            ];
            view! { <li data-testid="defined-field">{line.iter().filter(|p| !p.is_empty()).cloned().collect::<Vec<_>>().join(" · ")}</li> }
        })
        .collect_view();
    view! { <ul class="plain-list">{rows}</ul> }
}

fn kind_name(kind: &ExtraKind) -> &'static str {
    match kind {
        ExtraKind::YesNo => both("是否", "Yes or no"),
        ExtraKind::Choice(_) => both("单选", "Choice"),
        ExtraKind::Number { .. } => both("数字", "Number"),
        ExtraKind::Text { .. } => both("文本", "Text"),
        ExtraKind::Date => both("日期", "Date"),
    }
}
