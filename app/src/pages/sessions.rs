//! An administrator's list of the devices a user is logged in on, each
//! with where and when it was last used, and a button that logs it out.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::round::CHINA;
use shared::wire::OpenSession;
use time::{Date, Month, PrimitiveDateTime, Time};

use crate::api;
use crate::desk_text::DeskMsg;
use crate::i18n::tr;

#[component]
pub fn SessionsPanel(username: String) -> impl IntoView {
    let sessions = RwSignal::new(None::<Vec<OpenSession>>);
    let error = RwSignal::new(None::<String>);
    let load = {
        let username = username.clone();
        move || {
            let username = username.clone();
            spawn_local(async move {
                match api::sessions(&username).await {
                    Ok(list) => sessions.set(Some(list)),
                    Err(err) => error.set(Some(err.message())),
                }
            });
        }
    };
    load();
    let end = move |id: String| {
        if !window()
            .confirm_with_message(tr(DeskMsg::ConfirmEndSession))
            .unwrap_or(false)
        {
            return;
        }
        let load = load.clone();
        spawn_local(async move {
            match api::end_session(&id).await {
                Ok(()) => load(),
                Err(err) => error.set(Some(err.message())),
            }
        });
    };
    view! {
        <section class="sessions" data-testid="sessions">
            <h3>{tr(DeskMsg::Sessions)}</h3>
            {move || sessions.get().map(|list| if list.is_empty() {
                view! { <p class="status-line">{tr(DeskMsg::NoSessions)}</p> }.into_any()
            } else {
                let end = end.clone();
                view! {
                    <ul>
                        {list.into_iter().map(|s| {
                            let end = end.clone();
                            let id = s.id.clone();
                            view! {
                                <li class="session-row" data-testid="session">
                                    <span>{device(&s.agent)}" · "{s.address.clone()}<br/>
                                        <span class="status-line">{tr(DeskMsg::LastUsed)}" "{in_china(&s.seen_at)}</span>
                                    </span>
                                    <button class="quiet" data-testid="session-end" on:click=move |_| end(id.clone())>
                                        {tr(DeskMsg::EndSession)}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </section>
    }
}

/// What a `User-Agent` says a cadre would recognise: WeChat, the phone's
/// system, or the browser.
fn device(agent: &str) -> &'static str {
    let has = |s: &str| agent.contains(s);
    match () {
        () if has("MicroMessenger") => "微信",
        () if has("Android") => "Android",
        () if has("iPhone") || has("iPad") => "iPhone",
        () if has("Windows") => "Windows",
        () if has("Mac OS") => "Mac",
        () => "浏览器",
    }
}

/// An RFC 3339 time in UTC as the minute it was in China, `2026-12-06 15:30`;
/// read by hand, as the app carries no date parser.
fn in_china(rfc3339: &str) -> String {
    let number = |from: usize, to: usize| rfc3339.get(from..to)?.parse::<u16>().ok();
    let parsed = (|| {
        let month = Month::try_from(u8::try_from(number(5, 7)?).ok()?).ok()?;
        let date = Date::from_calendar_date(
            i32::from(number(0, 4)?),
            month,
            u8::try_from(number(8, 10)?).ok()?,
        )
        .ok()?;
        let time = Time::from_hms(
            u8::try_from(number(11, 13)?).ok()?,
            u8::try_from(number(14, 16)?).ok()?,
            0,
        )
        .ok()?;
        let local = PrimitiveDateTime::new(date, time)
            .assume_utc()
            .to_offset(CHINA);
        Some(format!(
            "{}-{:02}-{:02} {:02}:{:02}",
            local.year(),
            u8::from(local.month()),
            local.day(),
            local.hour(),
            local.minute()
        ))
    })();
    parsed.unwrap_or_else(|| rfc3339.to_owned())
}
