//! The rules a submission must pass, run by the app as the user types and by
//! the server at intake. Each broken rule is an `Issue`: a path, a stable
//! code, and a message in Chinese and English.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::record::{FieldKey, FieldWrite, LabourRecord};
use crate::wire::Submission;

/// The highest monthly income (yuan) accepted without question.
pub const MAX_MONTHLY_INCOME: u32 = 100_000;

/// What rule a value broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueCode {
    Required,
    TooLong,
    MonthsOutOfRange,
    IncomeOutOfRange,
    DuplicateMember,
    NoMembers,
    ChannelRequired,
    WorkPlaceRequired,
    RoundNotOpen,
}

impl IssueCode {
    pub fn code(self) -> &'static str {
        match self {
            IssueCode::Required => "required",
            IssueCode::TooLong => "too_long",
            IssueCode::MonthsOutOfRange => "months_out_of_range",
            IssueCode::IncomeOutOfRange => "income_out_of_range",
            IssueCode::DuplicateMember => "duplicate_member",
            IssueCode::NoMembers => "no_members",
            IssueCode::ChannelRequired => "channel_required",
            IssueCode::WorkPlaceRequired => "work_place_required",
            IssueCode::RoundNotOpen => "round_not_open",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            IssueCode::Required => "此项必填",
            IssueCode::TooLong => "内容过长，请精简",
            IssueCode::MonthsOutOfRange => "务工月数应在 0 到 12 之间",
            IssueCode::IncomeOutOfRange => "月收入应在 0 到 100000 元之间，请核对",
            IssueCode::DuplicateMember => "同一成员在本次提交中出现了两次",
            IssueCode::NoMembers => "提交中没有任何成员，请至少确认一名成员",
            IssueCode::ChannelRequired => "已就业的请选择就业渠道",
            IssueCode::WorkPlaceRequired => "已就业的请选择务工地点",
            IssueCode::RoundNotOpen => "该季度的调查未开放，请核对季度",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            IssueCode::Required => "This field is required",
            IssueCode::TooLong => "This is too long; please shorten it",
            IssueCode::MonthsOutOfRange => "Months worked must be between 0 and 12",
            IssueCode::IncomeOutOfRange => {
                "Monthly income must be between 0 and 100,000 yuan; please check"
            }
            IssueCode::DuplicateMember => "The same member appears twice in this submission",
            IssueCode::NoMembers => "The submission names no member; confirm at least one",
            IssueCode::ChannelRequired => "Choose how an employed person found work",
            IssueCode::WorkPlaceRequired => "Choose where an employed person works",
            IssueCode::RoundNotOpen => "This round is not open for surveys; check the round",
        }
    }
}

/// One broken rule at one place.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Issue {
    /// Like `members[1].months_worked`.
    pub path: String,
    pub code: IssueCode,
}

/// Checks one write on its own: ranges and lengths.
pub fn check_write(write: &FieldWrite) -> Option<IssueCode> {
    match write {
        FieldWrite::Name(None) => Some(IssueCode::Required),
        FieldWrite::Name(Some(name)) if name.trim().is_empty() => Some(IssueCode::Required),
        FieldWrite::Name(Some(text))
        | FieldWrite::Employer(Some(text))
        | FieldWrite::IntendedWork(Some(text))
            if text.chars().count() > 40 =>
        {
            Some(IssueCode::TooLong)
        }
        FieldWrite::MonthsWorked(Some(months)) if *months > 12 => Some(IssueCode::MonthsOutOfRange),
        FieldWrite::MonthlyIncome(Some(income)) if *income > MAX_MONTHLY_INCOME => {
            Some(IssueCode::IncomeOutOfRange)
        }
        _ => None,
    }
}

/// Checks a whole record: the rules that tie fields together.
pub fn check_record(record: &LabourRecord) -> Vec<(FieldKey, IssueCode)> {
    let mut res = Vec::new();
    if record.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
        res.push((FieldKey::Name, IssueCode::Required));
    }
    if record.is_employed() {
        if record.channel.is_none() {
            res.push((FieldKey::Channel, IssueCode::ChannelRequired));
        }
        if record.work_place.is_none() {
            res.push((FieldKey::WorkPlace, IssueCode::WorkPlaceRequired));
        }
    }
    res
}

/// Checks a submission as it arrives: every write, and its members listed once.
pub fn check_submission(sub: &Submission) -> Vec<Issue> {
    let mut res = Vec::new();
    if sub.members.is_empty() {
        res.push(Issue {
            path: "members".into(),
            code: IssueCode::NoMembers,
        });
    }
    let mut seen = BTreeSet::new();
    for (idx, report) in sub.members.iter().enumerate() {
        if !seen.insert(&report.person) {
            res.push(Issue {
                path: format!("members[{idx}].person"),
                code: IssueCode::DuplicateMember,
            });
        }
        for write in &report.writes {
            if let Some(code) = check_write(write) {
                res.push(Issue {
                    path: format!("members[{idx}].{}", write.key().name()),
                    code,
                });
            }
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;
    use uuid::Uuid;

    use super::*;
    use crate::codes::EmploymentStatus;
    use crate::place::{HouseholdCode, PersonId};
    use crate::round::Round;
    use crate::wire::{MemberReport, SubmissionId};

    fn submission(members: Vec<MemberReport>) -> Submission {
        Submission {
            id: SubmissionId(Uuid::from_u128(1)),
            household: HouseholdCode::parse("H1").unwrap(),
            round: Round::parse("2026Q4").unwrap(),
            captured_at: datetime!(2026-11-23 10:00 UTC),
            base: vec![],
            members,
        }
    }

    fn report(person: &str, writes: Vec<FieldWrite>) -> MemberReport {
        MemberReport {
            person: PersonId::parse(person).unwrap(),
            writes,
        }
    }

    #[test]
    fn names_the_path_of_an_out_of_range_value() {
        let sub = submission(vec![
            report("P1", vec![]),
            report("P2", vec![FieldWrite::MonthsWorked(Some(13))]),
        ]);
        assert_eq!(
            check_submission(&sub),
            vec![Issue {
                path: "members[1].months_worked".into(),
                code: IssueCode::MonthsOutOfRange
            }]
        );
    }

    #[test]
    fn flags_a_member_listed_twice_and_an_empty_submission() {
        let sub = submission(vec![report("P1", vec![]), report("P1", vec![])]);
        assert_eq!(check_submission(&sub)[0].code, IssueCode::DuplicateMember);
        assert_eq!(
            check_submission(&submission(vec![]))[0].code,
            IssueCode::NoMembers
        );
    }

    #[test]
    fn employed_needs_channel_and_place() {
        let record = LabourRecord {
            name: Some("李四".into()),
            employment: Some(EmploymentStatus::Employed),
            ..LabourRecord::default()
        };
        assert_eq!(
            check_record(&record),
            vec![
                (FieldKey::Channel, IssueCode::ChannelRequired),
                (FieldKey::WorkPlace, IssueCode::WorkPlaceRequired)
            ]
        );
    }
}
