//! A big select for one closed-list field of a labour record.

use leptos::prelude::*;
use shared::codes::Code;
use shared::record::LabourRecord;

use crate::i18n::{Msg, label, tr};

/// Reads and writes one field of a record.
pub struct FieldAccess<T> {
    pub get: fn(&LabourRecord) -> Option<T>,
    pub set: fn(&mut LabourRecord, Option<T>),
}

#[component]
pub fn CodeSelect<T: Code + Send + Sync>(
    caption: Msg,
    record: RwSignal<LabourRecord>,
    access: FieldAccess<T>,
    testid: String,
) -> impl IntoView {
    let FieldAccess { get, set } = access;
    let current = move || record.with(|r| get(r).map(Code::code).unwrap_or(""));
    let options = T::ALL
        .iter()
        .map(|&value| {
            let code = value.code();
            view! {
                <option value=code selected=move || current() == code>
                    {label(value)}
                </option>
            }
        })
        .collect_view();
    view! {
        <label class="field">
            <span class="field-caption">{tr(caption)}</span>
            <select
                class="field-select"
                data-testid=testid
                on:change=move |ev| {
                    let raw = event_target_value(&ev);
                    record.update(|r| set(r, T::from_code(&raw)));
                }
            >
                <option value="" selected=move || current().is_empty()>{tr(Msg::NotSet)}</option>
                {options}
            </select>
        </label>
    }
}
