//! Logging in.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::{Msg, tr};
use crate::sync::Sync;
use crate::{Session, SessionEnded, api};

#[component]
pub fn LoginPage() -> impl IntoView {
    let Session(session) = expect_context();
    let SessionEnded(ended) = expect_context();
    let sync: Sync = expect_context();
    let n_waiting = move || sync.outbox.with(Vec::len);
    // Service workers, lasting storage and positions need a secure context.
    let secure = window().is_secure_context();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match api::login(username.get_untracked(), password.get_untracked()).await {
                Ok(login) => {
                    ended.set(None);
                    session.set(Some(login.session));
                }
                Err(err) => error.set(Some(err.message())),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="login">
            <h1 class="app-name">{tr(Msg::AppName)}</h1>
            {(!secure).then(|| view! {
                <p class="warning" role="alert" data-testid="not-secure">{tr(Msg::NotSecure)}</p>
            })}
            {move || ended.get().map(|why| view! {
                <p class="error" role="alert" data-testid="session-ended">{why}</p>
            })}
            {move || (ended.with(Option::is_some) && n_waiting() > 0).then(|| view! {
                <p class="notice" data-testid="kept-waiting">
                    {tr(Msg::KeptWaitingBefore)}{n_waiting()}{tr(Msg::KeptWaitingAfter)}
                </p>
            })}
            <form class="login-form" on:submit=submit>
                <label class="field">
                    <span class="field-caption">{tr(Msg::Username)}</span>
                    <input
                        class="field-input"
                        data-testid="login-username"
                        autocomplete="username"
                        autocapitalize="none"
                        bind:value=username
                    />
                </label>
                <label class="field">
                    <span class="field-caption">{tr(Msg::Password)}</span>
                    <input
                        class="field-input"
                        data-testid="login-password"
                        type="password"
                        autocomplete="current-password"
                        bind:value=password
                    />
                </label>
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                <button class="primary" type="submit" data-testid="login-submit" disabled=move || busy.get()>
                    {move || if busy.get() { tr(Msg::LoggingIn) } else { tr(Msg::LogIn) }}
                </button>
            </form>
        </section>
    }
}
