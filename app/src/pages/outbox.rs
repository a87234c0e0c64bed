//! What waits on this phone to be sent: each capture's state, sending now,
//! trying a refused one again, saving all to a file and reading it back,
//! and throwing one away only after naming what is lost.

use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use wasm_bindgen::JsCast;

use crate::components::header::{Header, clock};
use crate::i18n::{Msg, tr};
use crate::outbox::{EXPORT_APP, Entry, Export};
use crate::pages::roster::describe;
use crate::sync::Sync;
use crate::{Session, device, leaving};

#[component]
pub fn OutboxPage() -> impl IntoView {
    let sync: Sync = expect_context();
    let notice = RwSignal::new(None::<String>);
    let mine = move || sync.outbox.with(|_| sync.waiting());
    let others = move || sync.outbox.with(|o| o.len()) - mine().len();
    let save_file = move |_| {
        let export = Export {
            app: EXPORT_APP.into(),
            entries: sync.outbox.get_untracked(),
        };
        if let Ok(text) = serde_json::to_string_pretty(&export) {
            let stamp = clock(js_sys::Date::now()).replace([' ', ':'], "-");
            spawn_local(async move {
                if !device::save_file(&format!("anju-outbox-{stamp}.json"), &text).await {
                    notice.set(Some(tr(Msg::CopiedInstead).to_owned()));
                }
            });
        }
    };
    // A file picked, or its text pasted: the same import.
    let import_text = move |text: Option<String>| {
        spawn_local(async move {
            let read = text
                .and_then(|text| serde_json::from_str::<Export>(&text).ok())
                .filter(|e| e.app == EXPORT_APP);
            let message = match read {
                None => tr(Msg::NotAnOutboxFile).to_owned(),
                Some(export) => match sync.import(export.entries).await {
                    Ok(added) => format!("{}{added}", tr(Msg::ImportedCount)),
                    Err(_) => tr(Msg::StorageFailed).to_owned(),
                },
            };
            notice.set(Some(message));
        });
    };
    let import = move |ev: leptos::ev::Event| {
        if let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            spawn_local(async move { import_text(device::picked_text(&input).await) });
        }
    };
    let paste = move |ev: leptos::ev::Event| {
        if let Some(area) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        {
            let text = area.value();
            area.set_value("");
            if !text.trim().is_empty() {
                import_text(Some(text));
            }
        }
    };
    // Surveys a supervisor sent back, each a tap away from its correction.
    let returned = move || {
        sync.returned()
            .into_iter()
            .map(|h| {
                let reason = h.returned.as_ref().map(|r| r.reason.as_str()).unwrap_or_default();
                let text = format!("{}\n{}{reason}", describe(&h), tr(Msg::ReturnedBy));
                let href = format!("/households/{}", h.code);
                view! { <li><a class="outbox-line refused" href=href data-testid="returned-entry">{text}</a></li> }
            })
            .collect_view()
    };
    let Session(session) = expect_context();
    let navigate = leptos_router::hooks::use_navigate();
    let clear = move |_| {
        // Every user's waiting captures are named: none of them is removed.
        if leaving::confirm(Some(tr(Msg::ClearQuestion)), &sync.outbox.get_untracked()) {
            navigate("/", Default::default());
            spawn_local(leaving::log_out(session, true));
        }
    };
    view! {
        <Header />
        <section class="outbox">
            <h1 class="page-title">{tr(Msg::Outbox)}</h1>
            <p class="hint">
                {move || match sync.persistent.get() {
                    Some(true) => tr(Msg::StoragePersistent),
                    _ => tr(Msg::StorageMayBeCleared),
                }}
            </p>
            <button class="primary wide" data-testid="sync-now" on:click=move |_| sync.kick()>
                {tr(Msg::SyncNow)}
            </button>
            {move || notice.get().map(|n| view! { <p class="notice" role="status">{n}</p> })}
            <p class="status" class:hidden=move || !mine().is_empty() data-testid="outbox-empty">
                {tr(Msg::NothingWaiting)}
            </p>
            <ul class="outbox-list">
                <For each=mine key=|e| (e.id, e.problem.clone()) let:entry>
                    <OutboxLine entry />
                </For>
            </ul>
            <h2 class="section-title" class:hidden=move || sync.returned().is_empty()>{tr(Msg::Returned)}</h2>
            <ul class="outbox-list">{returned}</ul>
            <p class="hint" class:hidden=move || others() == 0>{tr(Msg::OthersWaiting)}{others}</p>
            <h2 class="section-title">{tr(Msg::LastResort)}</h2>
            <button class="secondary wide" data-testid="save-file" on:click=save_file>
                {tr(Msg::SaveToFile)}
            </button>
            <label class="secondary wide file-pick">
                {tr(Msg::ImportFile)}
                <input type="file" accept="application/json,.json" data-testid="import-file" on:change=import />
            </label>
            <textarea class="paste" rows="2" placeholder=tr(Msg::PasteHere) data-testid="import-text" on:input=paste></textarea>
            <h2 class="section-title">{tr(Msg::ThisPhone)}</h2>
            <p class="hint">{tr(Msg::ClearPhoneHint)}</p>
            <button class="secondary wide danger" data-testid="clear-phone" on:click=clear>
                {tr(Msg::ClearPhone)}
            </button>
        </section>
    }
}

#[component]
fn OutboxLine(entry: Entry) -> impl IntoView {
    let sync: Sync = expect_context();
    let id: Uuid = entry.id;
    let label = entry.label.clone();
    let discard = move |_| {
        let question = format!(
            "{}\n{label}\n{}",
            tr(Msg::DiscardQuestion),
            tr(Msg::DiscardWarning)
        );
        if window().confirm_with_message(&question).unwrap_or(false) {
            spawn_local(async move {
                let _ = sync.discard(vec![id]).await;
            });
        }
    };
    let refused = entry.problem.clone();
    let is_refused = refused.is_some();
    view! {
        <li class="outbox-line" class:refused=is_refused data-testid="outbox-entry">
            <strong>{entry.label.clone()}</strong>
            <span class="status">{tr(Msg::SavedAt)}{clock(entry.saved_at)}</span>
            {refused.map(|message| view! {
                <p class="error" role="alert">{message}</p>
                <button class="secondary" on:click=move |_| {
                    spawn_local(async move {
                        let _ = sync.retry(id).await;
                    });
                }>{tr(Msg::SendAgain)}</button>
            })}
            <button class="quiet danger" on:click=discard>{tr(Msg::Discard)}</button>
        </li>
    }
}
