//! Big, thumb-sized inputs for one field of a labour record each.

use leptos::prelude::*;
use shared::codes::Code;
use shared::record::LabourRecord;

use crate::i18n::{Msg, label, tr};

/// Reads and writes one field of a record.
pub struct FieldAccess<T> {
    pub get: fn(&LabourRecord) -> Option<T>,
    pub set: fn(&mut LabourRecord, Option<T>),
}

/// A closed list as big buttons, one tap to choose.
#[component]
pub fn CodeChoice<T: Code + PartialEq + Send + Sync>(
    caption: Msg,
    record: RwSignal<LabourRecord>,
    access: FieldAccess<T>,
    testid: String,
) -> impl IntoView {
    let FieldAccess { get, set } = access;
    // Only this adapter is generic: the view is built once for every list.
    let options = T::ALL.iter().map(|&v| (v.code(), label(v))).collect();
    let current = Signal::derive(move || record.with(|r| get(r).map(Code::code)));
    let pick = Callback::new(move |code: &'static str| {
        record.update(|r| set(r, T::from_code(code)));
    });
    view! { <Chips caption options current pick testid /> }
}

/// Chips for a list of (code, label), the current code pressed.
#[component]
pub fn Chips(
    caption: Msg,
    options: Vec<(&'static str, &'static str)>,
    current: Signal<Option<&'static str>>,
    pick: Callback<&'static str>,
    testid: String,
) -> impl IntoView {
    let chips = options
        .into_iter()
        .map(|(code, text)| {
            view! {
                <button
                    type="button"
                    class="choice"
                    data-code=code
                    aria-pressed=move || (current.get() == Some(code)).to_string()
                    on:click=move |_| pick.run(code)
                >
                    {text}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="field" role="group" aria-label=tr(caption) data-testid=testid>
            <span class="field-caption">{tr(caption)}</span>
            <div class="chips">{chips}</div>
        </div>
    }
}

/// A whole number, with the phone's numeric keypad.
#[component]
pub fn NumberInput(
    caption: Msg,
    record: RwSignal<LabourRecord>,
    access: FieldAccess<u32>,
    testid: String,
) -> impl IntoView {
    let FieldAccess { get, set } = access;
    view! {
        <label class="field">
            <span class="field-caption">{tr(caption)}</span>
            <input
                class="field-input"
                data-testid=testid
                inputmode="numeric"
                pattern="[0-9]*"
                prop:value=move || record.with(|r| get(r).map(|v| v.to_string()).unwrap_or_default())
                on:input=move |ev| {
                    let raw = event_target_value(&ev);
                    record.update(|r| set(r, raw.trim().parse().ok()));
                }
            />
        </label>
    }
}

/// A line of text.
#[component]
pub fn TextInput(
    caption: Msg,
    record: RwSignal<LabourRecord>,
    access: FieldAccess<String>,
    testid: String,
) -> impl IntoView {
    let FieldAccess { get, set } = access;
    view! {
        <label class="field">
            <span class="field-caption">{tr(caption)}</span>
            <input
                class="field-input"
                data-testid=testid
                prop:value=move || record.with(|r| get(r).unwrap_or_default())
                on:input=move |ev| {
                    let raw = event_target_value(&ev);
                    let raw = raw.trim();
                    record.update(|r| set(r, (!raw.is_empty()).then(|| raw.to_owned())));
                }
            />
        </label>
    }
}

/// Yes or no, as two big buttons.
#[component]
pub fn YesNo(
    caption: Msg,
    record: RwSignal<LabourRecord>,
    access: FieldAccess<bool>,
    testid: String,
) -> impl IntoView {
    let FieldAccess { get, set } = access;
    let is = move |want: bool| record.with(|r| get(r) == Some(want));
    view! {
        <div class="field" role="group" data-testid=testid>
            <span class="field-caption">{tr(caption)}</span>
            <div class="yes-no">
                <button
                    type="button"
                    class="choice"
                    aria-pressed=move || is(true).to_string()
                    on:click=move |_| record.update(|r| set(r, Some(true)))
                >
                    {tr(Msg::Yes)}
                </button>
                <button
                    type="button"
                    class="choice"
                    aria-pressed=move || is(false).to_string()
                    on:click=move |_| record.update(|r| set(r, Some(false)))
                >
                    {tr(Msg::No)}
                </button>
            </div>
        </div>
    }
}
