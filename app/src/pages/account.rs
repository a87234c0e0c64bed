//! The user's own account: who they are, and a new password. The new one
//! is checked as it is typed, by the same rule the server applies.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::password::check_password;
use shared::validate::IssueCode;

use crate::components::header::Header;
use crate::desk_text::DeskMsg;
use crate::i18n::{issue, label, tr};
use crate::{Session, api};

#[component]
pub fn AccountPage() -> impl IntoView {
    let Session(session) = expect_context();
    let info = session.get_untracked();
    let username = info
        .as_ref()
        .map(|s| s.username.clone())
        .unwrap_or_default();
    let role = info.as_ref().map(|s| label(s.role)).unwrap_or_default();
    let must_change = info.as_ref().is_some_and(|s| s.must_change_password);
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(false);
    let checked_for = username.clone();
    // What is wrong with the new password, once something is typed.
    let problem = Memo::new(move |_| {
        let typed = new.get();
        if typed.is_empty() {
            return None;
        }
        if let Err(err) = check_password(&typed, &checked_for) {
            return Some(issue(IssueCode::from(err)));
        }
        let repeated = again.get();
        (!repeated.is_empty() && repeated != typed).then(|| tr(DeskMsg::PasswordsDiffer))
    });
    let ready = move || {
        !busy.get()
            && !current.get().is_empty()
            && problem.get().is_none()
            && new.get() == again.get()
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !ready() {
            return;
        }
        busy.set(true);
        error.set(None);
        done.set(false);
        spawn_local(async move {
            match api::change_password(current.get_untracked(), new.get_untracked()).await {
                Ok(login) => {
                    session.set(Some(login.session));
                    current.set(String::new());
                    new.set(String::new());
                    again.set(String::new());
                    done.set(true);
                }
                Err(err) => error.set(Some(err.message())),
            }
            busy.set(false);
        });
    };
    let field = move |caption: DeskMsg,
                      testid: &'static str,
                      value: RwSignal<String>,
                      autocomplete: &'static str| {
        view! {
            <label class="field">
                <span class="field-caption">{tr(caption)}</span>
                <input
                    class="field-input"
                    data-testid=testid
                    type="password"
                    autocomplete=autocomplete
                    bind:value=value
                />
            </label>
        }
    };
    view! {
        <Header />
        <section class="account-page">
            <h1 class="page-title">{tr(DeskMsg::MyAccount)}</h1>
            {must_change.then(|| view! {
                <p class="warning" role="alert" data-testid="choose-own-password">{tr(DeskMsg::ChooseOwnPassword)}</p>
            })}
            <p class="account-who">{username}" · "{role}</p>
            <form class="login-form" on:submit=submit>
                <h2 class="section-title">{tr(DeskMsg::ChangePassword)}</h2>
                {field(DeskMsg::CurrentPassword, "password-current", current, "current-password")}
                {field(DeskMsg::NewPassword, "password-new", new, "new-password")}
                {field(DeskMsg::NewPasswordAgain, "password-again", again, "new-password")}
                <p class="hint">{tr(DeskMsg::PasswordRule)}</p>
                {move || problem.get().map(|p| view! { <p class="error" role="alert" data-testid="password-problem">{p}</p> })}
                {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                {move || done.get().then(|| view! { <p class="notice" role="status" data-testid="password-changed">{tr(DeskMsg::PasswordChanged)}</p> })}
                <button class="primary" type="submit" data-testid="password-submit" disabled=move || !ready()>
                    {tr(DeskMsg::ChangePassword)}
                </button>
            </form>
        </section>
    }
}
