//! How failed logins slow a source down. Nothing locks: a source that keeps
//! failing waits longer between tries, up to a minute, and other sources
//! of the same user are not held up, above all a browser that logged in as
//! the user before (a known device), which is only ever slowed by its own
//! failures.

use time::{Duration, OffsetDateTime};

use crate::store::Failures;

/// How far back failed logins count.
pub const WINDOW: Duration = Duration::minutes(15);
/// Failures one source may have in the window before it waits.
pub const FREE_PER_SOURCE: u32 = 5;
/// Failures a user may have from every unknown source together before
/// those sources wait too: a guesser with many addresses.
pub const FREE_PER_USER: u32 = 50;
/// The longest wait between two tries.
pub const MAX_WAIT_SECONDS: i64 = 60;

/// Seconds a source with `failures` (beyond `free`) must still wait at
/// `now`: one second after the first failure past the free ones, doubling
/// with each further failure, at most `MAX_WAIT_SECONDS`, counted from the
/// last failure.
pub fn wait(failures: Failures, free: u32, now: OffsetDateTime) -> Option<i64> {
    let past = failures.count.checked_sub(free)?;
    let last = failures.last?;
    let delay = if past >= 6 {
        MAX_WAIT_SECONDS
    } else {
        (1_i64 << past).min(MAX_WAIT_SECONDS)
    };
    let left = (last + Duration::seconds(delay) - now).whole_milliseconds();
    // Rounded up, so that a client waiting as told is let in.
    (left > 0).then(|| i64::try_from((left + 999) / 1000).unwrap_or(MAX_WAIT_SECONDS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-06 08:00:00 UTC);

    fn failed(count: u32, seconds_ago: i64) -> Failures {
        Failures {
            count,
            last: Some(NOW - Duration::seconds(seconds_ago)),
        }
    }

    #[test]
    fn the_free_failures_cost_no_wait() {
        assert_eq!(wait(failed(4, 0), FREE_PER_SOURCE, NOW), None);
        assert_eq!(wait(Failures::default(), FREE_PER_SOURCE, NOW), None);
    }

    #[test]
    fn each_failure_past_the_free_ones_doubles_the_wait_up_to_a_minute() {
        assert_eq!(wait(failed(5, 0), FREE_PER_SOURCE, NOW), Some(1));
        assert_eq!(wait(failed(6, 0), FREE_PER_SOURCE, NOW), Some(2));
        assert_eq!(wait(failed(9, 0), FREE_PER_SOURCE, NOW), Some(16));
        assert_eq!(wait(failed(11, 0), FREE_PER_SOURCE, NOW), Some(60));
        assert_eq!(wait(failed(500, 0), FREE_PER_SOURCE, NOW), Some(60));
    }

    #[test]
    fn the_wait_counts_from_the_last_failure() {
        assert_eq!(wait(failed(9, 10), FREE_PER_SOURCE, NOW), Some(6));
        assert_eq!(wait(failed(9, 16), FREE_PER_SOURCE, NOW), None);
        assert_eq!(wait(failed(500, 61), FREE_PER_SOURCE, NOW), None);
    }
}
