//! Where the phone is, from the Geolocation API, for a visit. A refused
//! permission or no fix is an answer too: it never blocks the mark.

use shared::wire::Position;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{PositionError, PositionOptions};

/// How long to wait for a fix in a stairwell before marking without one.
const TIMEOUT_MS: u32 = 8_000;
/// A fix this recent is good enough: the visitor is still at the door.
const MAX_AGE_MS: u32 = 60_000;

/// The current position, or why there is none.
pub async fn current() -> Position {
    let Some(geolocation) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        return Position::Unavailable;
    };
    let options = PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(TIMEOUT_MS);
    options.set_maximum_age(MAX_AGE_MS);
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        if geolocation
            .get_current_position_with_error_callback_and_options(&resolve, Some(&reject), &options)
            .is_err()
        {
            let _ = reject.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    // Chromium names these classes GeolocationPosition and
    // GeolocationPositionError; the stable bindings call them Position and
    // PositionError. Their fields are read by name, so the casts are unchecked.
    match JsFuture::from(promise).await {
        Ok(value) if value.is_object() => {
            let coords = value.unchecked_into::<web_sys::Position>().coords();
            Position::Fix {
                latitude: coords.latitude(),
                longitude: coords.longitude(),
                accuracy_m: coords.accuracy(),
            }
        }
        Err(err)
            if err.is_object()
                && err.unchecked_ref::<PositionError>().code()
                    == PositionError::PERMISSION_DENIED =>
        {
            Position::Denied
        }
        _ => Position::Unavailable,
    }
}
