//! What a password must be: long enough, and not one that people pick first.
//! The phone checks as the user types and the server when it stores one.

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Common passwords of at least `MIN_PASSWORD_CHARS` characters, lowercase:
/// shorter ones are refused for their length. Drawn from the lists of the
/// most used passwords, the Chinese sites' leaks among them.
const COMMON: &str = include_str!("common_passwords.txt");

/// Why a password is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("shorter than {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("one of the most common passwords, or made of one repeated pattern")]
    Common,
    #[error("the same as the username")]
    SameAsUsername,
}

/// Checks a new password for `username`.
pub fn check_password(password: &str, username: &str) -> Result<(), PasswordError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    let lower = password.to_lowercase();
    if lower.contains(&username.to_lowercase()) && !username.is_empty() {
        return Err(PasswordError::SameAsUsername);
    }
    if COMMON.lines().any(|common| common == lower) || is_one_pattern(&lower) {
        return Err(PasswordError::Common);
    }
    Ok(())
}

/// A password that repeats one short piece (`aaaaaaaaaa`, `abcabcabcabc`)
/// or walks a run of neighbouring characters (`0123456789`, `9876543210`).
fn is_one_pattern(password: &str) -> bool {
    let chars: Vec<char> = password.chars().collect();
    let repeats = (1..=chars.len() / 2).any(|len| {
        chars.len().is_multiple_of(len) && chars.chunks(len).all(|chunk| chunk == &chars[..len])
    });
    let steps: Vec<i64> = chars
        .windows(2)
        .map(|pair| i64::from(u32::from(pair[1])) - i64::from(u32::from(pair[0])))
        .collect();
    let walks = steps.iter().all(|&step| step == 1) || steps.iter().all(|&step| step == -1);
    repeats || walks
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[track_caller]
    fn check(password: &str, expected: Result<(), PasswordError>) {
        assert_eq!(check_password(password, "wangfang"), expected, "{password}");
    }

    #[test]
    fn refuses_short_passwords() {
        check("demo", Err(PasswordError::TooShort));
        check("安居安居安居安居安", Err(PasswordError::TooShort));
    }

    #[test]
    fn refuses_common_passwords_whatever_their_case() {
        check("1qaz2wsx3edc", Err(PasswordError::Common));
        check("Woaini1314520", Err(PasswordError::Common));
        check("QWERTYUIOP", Err(PasswordError::Common));
    }

    #[test]
    fn refuses_one_repeated_pattern() {
        check("0000000000", Err(PasswordError::Common));
        check("abcabcabcabc", Err(PasswordError::Common));
        check("0123456789", Err(PasswordError::Common));
        check("9876543210", Err(PasswordError::Common));
    }

    #[test]
    fn refuses_the_username_inside_the_password() {
        check("WangFang2026", Err(PasswordError::SameAsUsername));
    }

    #[test]
    fn accepts_a_long_uncommon_password() {
        check("黄河3号楼晚上七点见面", Ok(()));
        check("river-bend-4417", Ok(()));
    }

    #[test]
    fn the_list_holds_only_what_length_alone_lets_through() {
        for common in COMMON.lines() {
            assert!(common.chars().count() >= MIN_PASSWORD_CHARS, "{common}");
            assert_eq!(common, common.to_lowercase(), "{common}");
        }
    }

    proptest! {
        #[test]
        fn any_text_is_accepted_or_refused_without_panic(password in ".*", username in "[a-z]{0,8}") {
            let _ = check_password(&password, &username);
        }
    }
}
