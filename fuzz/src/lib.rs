//! What each fuzz target does with one input, and what must hold for any
//! input: no panic, and the properties each function asserts. The binaries
//! under `src/bin/` hand these AFL++'s inputs (`scripts/fuzz`); the tests
//! replay the seeds and every input that once failed (`regressions/`).

use shared::merge::{Accepted, merge_household};
use shared::resident_id::ResidentId;
use shared::tally::Figures;
use shared::validate;
use shared::wire::Submission;
use time::macros::date;

/// A submission as the phone sends it: parsed, checked on its own, merged
/// into a ledger, checked against it and counted. A merge of the same
/// submission twice is the merge of it once.
pub fn submission(data: &[u8]) {
    let Ok(sub) = serde_json::from_slice::<Submission>(data) else {
        return;
    };
    if !validate::check_submission(&sub).is_empty() {
        return;
    }
    let accepted = Accepted {
        submission: sub.clone(),
        author: "fuzz".into(),
    };
    let once = merge_household(
        &sub.household,
        sub.round,
        None,
        std::slice::from_ref(&accepted),
    );
    let twice = merge_household(
        &sub.household,
        sub.round,
        None,
        &[accepted.clone(), accepted],
    );
    assert_eq!(once, twice, "a duplicate submission changes nothing");
    let on = date!(2026 - 11 - 23);
    let _ = validate::check_against(&sub, &once, on);
    let _ = Figures::of(&once, on, None);
    let _ = serde_json::to_string(&once).expect("a ledger serializes");
}

/// A roster file as an administrator uploads it, CSV or XLSX.
pub fn roster_file(data: &[u8]) {
    if let Ok(sheet) = server::import::sheet::read(data) {
        let _ = server::import::parse::roster_file(&sheet, &[]);
    }
}

/// A staff file as an administrator uploads it, CSV or XLSX.
pub fn staff_file(data: &[u8]) {
    if let Ok(sheet) = server::import::sheet::read(data) {
        let _ = server::staff::staff_file(&sheet);
    }
}

/// A resident ID number as typed or imported: one that parses reads back
/// as itself, and never shows its digits in `Debug`.
pub fn resident_id(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(id) = ResidentId::parse(text) else {
        return;
    };
    assert_eq!(ResidentId::parse(id.as_str()).as_ref(), Ok(&id));
    let shown = format!("{id:?}");
    assert!(
        !shown.contains(&id.as_str()[6..14]),
        "{shown} hides the birth date"
    );
}

/// A roster cursor as a phone sends it back: one that parses is made again
/// to the same cursor.
pub fn roster_cursor(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let scope = text.split('.').next().unwrap_or("");
    let Some((at, grids)) = server::http::roster::parse_cursor(text, scope) else {
        return;
    };
    let again = server::http::roster::cursor(scope, at, grids);
    assert_eq!(
        server::http::roster::parse_cursor(&again, scope),
        Some((at, grids))
    );
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Each target's seeds and the inputs that once failed, through it.
    #[test]
    fn seeds_and_past_failures_pass() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        type Target = fn(&[u8]);
        let targets: [(&str, Target); 5] = [
            ("submission", super::submission),
            ("roster_file", super::roster_file),
            ("staff_file", super::staff_file),
            ("resident_id", super::resident_id),
            ("roster_cursor", super::roster_cursor),
        ];
        for (name, target) in targets {
            let mut inputs = 0;
            for dir in ["seeds", "regressions"] {
                let Ok(entries) = std::fs::read_dir(root.join(dir).join(name)) else {
                    continue;
                };
                for entry in entries {
                    let path = entry.unwrap().path();
                    target(&std::fs::read(&path).unwrap());
                    inputs += 1;
                }
            }
            assert!(inputs > 0, "{name} has seeds");
        }
    }
}
