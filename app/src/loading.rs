//! Fetching into signals: the value when it arrives, or the error to show
//! with a retry; an expired session sends the user back to log in.

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::i18n::{Msg, tr};
use crate::{Session, SessionEnded};

/// Runs `request` and puts its answer in `target`, or its message in `error`.
pub fn fetch_into<T, F>(request: F, target: RwSignal<Option<T>>, error: RwSignal<Option<String>>)
where
    T: Send + Sync + 'static,
    F: Future<Output = Result<T, ApiError>> + 'static,
{
    let Session(session) = expect_context();
    let ended: SessionEnded = expect_context();
    spawn_local(async move {
        match request.await {
            Ok(value) => {
                error.set(None);
                target.set(Some(value));
            }
            Err(err) if err.is_unauthenticated() => ended.by(session, &err),
            Err(err) => error.set(Some(err.message())),
        }
    });
}

/// The error of the last fetch, if any, with a button to try again.
#[component]
pub fn ErrorBanner(error: RwSignal<Option<String>>, on_retry: Callback<()>) -> impl IntoView {
    move || {
        error.get().map(|message| {
            view! {
                <div class="error" role="alert">
                    <p>{message}</p>
                    <button on:click=move |_| on_retry.run(())>{tr(Msg::Retry)}</button>
                </div>
            }
        })
    }
}
