//! Big, thumb-sized controls for one field each, chosen by the field's
//! kind: chips for a closed list, two buttons for yes or no, the numeric
//! keypad for numbers, a line for text.

use leptos::prelude::*;
use shared::kind::{Choice, Input, Kind, ValueError};

use crate::i18n::{Locale, Msg, both, locale, tr};

/// How a field is entered.
#[derive(Clone, Debug, PartialEq)]
pub enum Control {
    /// One of a list, as chips: (code, label).
    Chips(Vec<(String, String)>),
    YesNo,
    /// A whole number, with its unit after it.
    Number(String),
    /// A line of text, with the keyboard it wants (`text`, `tel`).
    Text(&'static str),
    Date,
}

impl Control {
    /// The control for a built-in field's kind, in the current language.
    pub fn of(kind: Kind) -> Control {
        match kind {
            Kind::Text => Control::Text("text"),
            Kind::Choice(choices) => Control::Chips(choices.iter().map(choice).collect()),
            Kind::YesNo => Control::YesNo,
            Kind::Date => Control::Date,
            Kind::Months => Control::Number(tr(Msg::MonthsUnit).to_owned()),
            Kind::Yuan => Control::Number(tr(Msg::YuanUnit).to_owned()),
            Kind::ResidentId => Control::Text("text"),
            Kind::Phone => Control::Text("tel"),
        }
    }
}

fn choice(choice: &Choice) -> (String, String) {
    let label = match locale().get_untracked() {
        Locale::Zh => choice.zh,
        Locale::En => choice.en,
    };
    (choice.code.to_owned(), label.to_owned())
}

/// The `enter` of field `key`: `read` turns an entry into a write for
/// `apply`; while an entry is not a value, `invalid` holds `key` (the record
/// keeps its last good value, and the form cannot be submitted).
pub fn reader<K, W>(
    key: K,
    invalid: RwSignal<Vec<K>>,
    read: impl Fn(Option<Input>) -> Result<W, ValueError> + Send + Sync + 'static,
    apply: impl Fn(W) + Send + Sync + 'static,
) -> Callback<Option<String>, Option<&'static str>>
where
    K: Copy + PartialEq + Send + Sync + 'static,
{
    Callback::new(move |raw: Option<String>| {
        match read(raw.as_deref().map(Input::Text)) {
            Ok(write) => {
                invalid.update(|keys| keys.retain(|k| *k != key));
                apply(write);
                None
            }
            Err(err) => {
                invalid.update(|keys| {
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                });
                // Still typing an ID number: nothing to say until it is whole.
                let typing =
                    err == ValueError::IdLength && raw.is_some_and(|r| r.chars().count() < 18);
                (!typing).then(|| both(err.zh(), err.en()))
            }
        }
    })
}

/// What yes and no are entered as.
pub const YES: &str = "是";
pub const NO: &str = "否";

/// One field: its caption, its control, and what is wrong with what was
/// entered. `current` is the value as entered text (a code, 是 or 否, a
/// number, a date as `YYYY-MM-DD`); `enter` takes what the user entered
/// (`None` for nothing) and answers what to say about it, if anything.
#[component]
pub fn Field(
    caption: String,
    control: Control,
    current: Signal<Option<String>>,
    enter: Callback<Option<String>, Option<&'static str>>,
    testid: String,
    /// Shown in an empty text input: a number the user may not see in full.
    #[prop(optional)]
    placeholder: Option<String>,
) -> impl IntoView {
    let error = RwSignal::new(None::<&'static str>);
    let put = move |value: Option<String>| error.set(enter.run(value));
    let group = |buttons: AnyView, caption: String, testid: String| {
        let label = caption.clone();
        view! {
            <div class="field" role="group" aria-label=label data-testid=testid>
                <span class="field-caption">{caption}</span>
                {buttons}
            </div>
        }
        .into_any()
    };
    let (mode, kind, unit) = match control {
        Control::Chips(options) => {
            let chips = options
                .into_iter()
                .map(|(code, label)| {
                    let pressed = {
                        let code = code.clone();
                        move || (current.get().as_deref() == Some(code.as_str())).to_string()
                    };
                    let picked = code.clone();
                    view! {
                        <button
                            type="button"
                            class="choice"
                            data-code=code
                            aria-pressed=pressed
                            on:click=move |_| put(Some(picked.clone()))
                        >
                            {label}
                        </button>
                    }
                })
                .collect_view();
            return group(
                view! { <div class="chips">{chips}</div> }.into_any(),
                caption,
                testid,
            );
        }
        Control::YesNo => {
            let is = move |want: &str| (current.get().as_deref() == Some(want)).to_string();
            let buttons = view! {
                <div class="yes-no">
                    <button type="button" class="choice" aria-pressed=move || is(YES)
                        on:click=move |_| put(Some(YES.to_owned()))>{tr(Msg::Yes)}</button>
                    <button type="button" class="choice" aria-pressed=move || is(NO)
                        on:click=move |_| put(Some(NO.to_owned()))>{tr(Msg::No)}</button>
                </div>
            };
            return group(buttons.into_any(), caption, testid);
        }
        Control::Number(unit) => ("numeric", "text", Some(unit)),
        Control::Text(mode) => (mode, "text", None),
        Control::Date => ("numeric", "date", None),
    };
    let typed = move |ev| {
        let raw = event_target_value(&ev);
        let raw = raw.trim();
        put((!raw.is_empty()).then(|| raw.to_owned()));
    };
    view! {
        <label class="field">
            <span class="field-caption">{caption}</span>
            <span class="field-line">
                <input
                    class="field-input"
                    type=kind
                    data-testid=testid
                    inputmode=mode
                    autocomplete="off"
                    placeholder=placeholder
                    prop:value=move || current.get().unwrap_or_default()
                    on:input=typed
                />
                {unit.map(|u| view! { <span class="unit">{u}</span> })}
            </span>
            {move || error.get().map(|m| view! { <span class="error" role="alert">{m}</span> })}
        </label>
    }
    .into_any()
}
