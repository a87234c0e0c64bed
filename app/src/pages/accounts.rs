//! Accounts, for administrators and for supervisors (the resident work
//! teams, grid members and building heads within their place): search,
//! add, move to another place,
//! disable and enable, and reset a password. A password the server chose
//! is shown once, to be handed to its user, who must replace it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::codes::{Code, Role};
use shared::wire::{NewUser, Scope, UserInfo};

use crate::components::fields::{Control, Field};
use crate::components::header::Header;
use crate::desk_text::DeskMsg;
use crate::i18n::{Msg, label, tr};
use crate::pages::sessions::SessionsPanel;
use crate::pages::staff_import::StaffImportPanel;
use crate::{Session, api};

/// A one-time password to hand over, and to whom.
#[derive(Clone)]
struct Handover {
    name: String,
    username: String,
    password: String,
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let users = RwSignal::new(Vec::<UserInfo>::new());
    let error = RwSignal::new(None::<String>);
    let handover = RwSignal::new(None::<Handover>);
    let adding = RwSignal::new(false);
    let importing = RwSignal::new(false);
    // Answers can arrive out of order as the user types; keep the latest.
    let asked = StoredValue::new(0u32);
    let load = move || {
        let n = asked.get_value() + 1;
        asked.set_value(n);
        let q = search.get_untracked();
        spawn_local(async move {
            let answer = api::users(&q).await;
            if asked.get_value() != n {
                return;
            }
            match answer {
                Ok(list) => {
                    error.set(None);
                    users.set(list);
                }
                Err(err) => error.set(Some(err.message())),
            }
        });
    };
    load();
    let show_password = move |user: UserInfo| {
        if let Some(password) = user.one_time_password {
            handover.set(Some(Handover {
                name: user.display_name,
                username: user.username,
                password,
            }));
        }
    };
    let on_added = Callback::new(move |user: UserInfo| {
        adding.set(false);
        show_password(user);
        load();
    });
    let on_changed = Callback::new(move |user: Option<UserInfo>| {
        if let Some(user) = user {
            show_password(user);
        }
        load();
    });
    view! {
        <Header />
        <section class="accounts">
            <h1 class="page-title">{tr(DeskMsg::Accounts)}</h1>
            {move || handover.get().map(|h| view! {
                <div class="handover" role="status" data-testid="one-time-password">
                    <p>{tr(DeskMsg::OneTimeFor)}{h.name}" ("{h.username}")"</p>
                    <p class="handover-password" data-testid="one-time-password-value">{h.password}</p>
                    <p class="hint">{tr(DeskMsg::OneTimeHint)}</p>
                    <button class="quiet" data-testid="one-time-done" on:click=move |_| handover.set(None)>{tr(DeskMsg::Done)}</button>
                </div>
            })}
            <div class="accounts-tools">
                <input
                    class="field-input"
                    type="search"
                    data-testid="account-search"
                    placeholder=tr(DeskMsg::SearchAccounts)
                    prop:value=search
                    on:input=move |ev| {
                        search.set(event_target_value(&ev));
                        load();
                    }
                />
                <button class="primary" data-testid="account-add-open" on:click=move |_| adding.update(|a| *a = !*a)>
                    {tr(DeskMsg::AddAccount)}
                </button>
            </div>
            {move || adding.get().then(|| view! { <AddAccount on_added /> })}
            <button class="secondary wide" data-testid="staff-import-open" on:click=move |_| importing.update(|i| *i = !*i)>
                {tr(DeskMsg::ImportStaff)}
            </button>
            {move || importing.get().then(|| view! {
                <StaffImportPanel on_imported=Callback::new(move |()| load()) />
            })}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <ul class="account-list">
                <For each=move || users.get() key=|u| (u.username.clone(), u.disabled, u.must_change_password, u.workplace.clone(), u.role) let:user>
                    <AccountRow user on_changed />
                </For>
            </ul>
            {move || (users.with(Vec::len) >= 200).then(|| view! { <p class="hint">{tr(DeskMsg::ShowingFirst)}</p> })}
        </section>
    }
}

/// The role chips and the place (and for a building head the building)
/// that goes with the role.
#[component]
fn ScopeFields(
    role: RwSignal<Option<Role>>,
    place: RwSignal<String>,
    building: RwSignal<String>,
) -> impl IntoView {
    let options = Role::ALL
        .iter()
        .map(|r| (r.code().to_owned(), label(*r).to_owned()))
        .collect();
    view! {
        <Field
            caption=tr(DeskMsg::RoleCaption).to_owned()
            control=Control::Chips(options)
            current=Signal::derive(move || role.get().map(|r| r.code().to_owned()))
            enter=Callback::new(move |code: Option<String>| {
                role.set(code.as_deref().and_then(Role::from_code));
                None
            })
            testid="account-role".into()
        />
        {move || {
            let caption = match role.get() {
                None | Some(Role::Admin) => return ().into_any(),
                Some(Role::Supervisor) => DeskMsg::SupervisorPlaceCaption,
                Some(_) => DeskMsg::PlaceCaption,
            };
            view! {
                <label class="field">
                    <span class="field-caption">{tr(caption)}</span>
                    <input class="field-input" data-testid="account-place" bind:value=place />
                </label>
            }.into_any()
        }}
        {move || (role.get() == Some(Role::BuildingHead)).then(|| view! {
            <label class="field">
                <span class="field-caption">{tr(DeskMsg::BuildingCaption)}</span>
                <input class="field-input" data-testid="account-building" bind:value=building />
            </label>
        })}
    }
}

/// The scope as the API takes it: what the role has a use for, trimmed;
/// the server says what is missing or wrong.
fn scope_of(role: Role, place: &str, building: &str) -> Scope {
    let given = |raw: &str| Some(raw.trim().to_owned()).filter(|raw| !raw.is_empty());
    Scope {
        role,
        place: (role != Role::Admin).then(|| given(place)).flatten(),
        building: (role == Role::BuildingHead)
            .then(|| given(building))
            .flatten(),
    }
}

#[component]
fn AddAccount(on_added: Callback<UserInfo>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let role = RwSignal::new(Some(Role::Surveyor));
    let place = RwSignal::new(String::new());
    let building = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(chosen) = role.get_untracked() else {
            return;
        };
        let scope = scope_of(chosen, &place.get_untracked(), &building.get_untracked());
        let new = NewUser {
            username: username.get_untracked().trim().to_owned(),
            display_name: name.get_untracked(),
            password: None,
            role: scope.role,
            place: scope.place,
            building: scope.building,
        };
        busy.set(true);
        spawn_local(async move {
            match api::add_user(&new).await {
                Ok(user) => on_added.run(user),
                Err(err) => error.set(Some(err.message())),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="account-form" on:submit=submit data-testid="account-add">
            <label class="field">
                <span class="field-caption">{tr(DeskMsg::Name)}</span>
                <input class="field-input" data-testid="account-name" bind:value=name />
            </label>
            <label class="field">
                <span class="field-caption">{tr(Msg::Username)}</span>
                <input class="field-input" data-testid="account-username" autocapitalize="none" bind:value=username />
            </label>
            <ScopeFields role place building />
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <button class="primary" type="submit" data-testid="account-add-submit" disabled=move || busy.get()>
                {tr(DeskMsg::AddAccount)}
            </button>
        </form>
    }
}

#[component]
fn AccountRow(user: UserInfo, on_changed: Callback<Option<UserInfo>>) -> impl IntoView {
    let Session(session) = expect_context();
    let username = user.username.clone();
    // Nobody locks themselves out; the server refuses it too.
    let own = session.with_untracked(|s| s.as_ref().is_some_and(|s| s.username == username));
    let editing = RwSignal::new(false);
    let showing_sessions = RwSignal::new(false);
    let admin = session.with_untracked(|s| s.as_ref().is_some_and(|s| s.role == Role::Admin));
    let error = RwSignal::new(None::<String>);
    let shown_place = user
        .workplace
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    let disabled = user.disabled;
    let toggle = {
        let username = username.clone();
        move |_| {
            let username = username.clone();
            spawn_local(async move {
                let action = if disabled { "enable" } else { "disable" };
                match api::set_access(&username, action).await {
                    Ok(()) => on_changed.run(None),
                    Err(err) => error.set(Some(err.message())),
                }
            });
        }
    };
    let reset = {
        let username = username.clone();
        move |_| {
            if !window()
                .confirm_with_message(tr(DeskMsg::ConfirmReset))
                .unwrap_or(false)
            {
                return;
            }
            let username = username.clone();
            spawn_local(async move {
                match api::reset_password(&username).await {
                    Ok(user) => on_changed.run(Some(user)),
                    Err(err) => error.set(Some(err.message())),
                }
            });
        }
    };
    let role = RwSignal::new(Some(user.role));
    let place = RwSignal::new(
        (user.workplace.as_ref())
            .map(|w| w.code.as_str().to_owned())
            .unwrap_or_default(),
    );
    let building = RwSignal::new(
        (user.workplace.as_ref())
            .and_then(|w| w.building.clone())
            .unwrap_or_default(),
    );
    let save = {
        let username = username.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(chosen) = role.get_untracked() else {
                return;
            };
            let scope = scope_of(chosen, &place.get_untracked(), &building.get_untracked());
            let username = username.clone();
            spawn_local(async move {
                match api::set_scope(&username, &scope).await {
                    Ok(()) => {
                        editing.set(false);
                        on_changed.run(None);
                    }
                    Err(err) => error.set(Some(err.message())),
                }
            });
        }
    };
    view! {
        <li class="account-row" data-testid=format!("account-{username}")>
            <div class="account-line">
                <strong>{user.display_name.clone()}</strong>
                <span class="status-line">{username.clone()}" · "{label(user.role)}" "{shown_place}</span>
                {disabled.then(|| view! { <span class="badge" data-testid="account-disabled">{tr(DeskMsg::AccountIsDisabled)}</span> })}
                {user.must_change_password.then(|| view! { <span class="badge">{tr(DeskMsg::MustChangeBadge)}</span> })}
            </div>
            <div class="account-actions">
                <button class="quiet" data-testid="account-edit" on:click=move |_| editing.update(|e| *e = !*e)>{tr(Msg::Edit)}</button>
                {(!own).then(|| view! {
                    <button class="quiet" data-testid="account-toggle" on:click=toggle>
                        {if disabled { tr(DeskMsg::EnableAccount) } else { tr(DeskMsg::DisableAccount) }}
                    </button>
                })}
                <button class="quiet" data-testid="account-reset" on:click=reset>{tr(DeskMsg::ResetPassword)}</button>
                {admin.then(|| view! {
                    <button class="quiet" data-testid="account-sessions" on:click=move |_| showing_sessions.update(|s| *s = !*s)>
                        {tr(DeskMsg::Sessions)}
                    </button>
                })}
            </div>
            {
                let username = username.clone();
                move || showing_sessions.get().then(|| view! { <SessionsPanel username=username.clone() /> })
            }
            {move || editing.get().then(|| view! {
                <form class="account-form" on:submit=save.clone()>
                    <ScopeFields role place building />
                    <button class="primary" type="submit" data-testid="account-save">{tr(DeskMsg::Save)}</button>
                </form>
            })}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </li>
    }
}
