//! The rules a submission must pass, run by the app as the user types and by
//! the server at intake. Each broken rule is an `Issue`: a path, a stable
//! code, and a message in Chinese and English.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use time::Date;

use crate::codes::{ReviewDecision, SubmissionKind};
use crate::extra::{ExtraField, ExtraKey, ExtraWrite, FieldSet, Target};
use crate::merge::HouseholdLedger;
use crate::password::PasswordError;
use crate::place::HouseholdCode;
use crate::record::{FieldKey, FieldWrite, HouseholdWrite, LabourRecord, Membership, Record};
use crate::resident_id::ResidentId;
use crate::wire::{ReviewRequest, Submission};

/// The highest monthly income (yuan) accepted without question.
pub const MAX_MONTHLY_INCOME: u32 = 100_000;
/// The most a household's business, property or transfer income may be a
/// year, in yuan: more is a typing slip.
pub const MAX_ANNUAL_INCOME: u32 = 2_000_000;

/// The working age in the seeds' surveys starts at 16.
pub const WORKING_AGE: u32 = 16;

/// The longest reason for returning a submission, in characters: a line
/// on the surveyor's phone.
pub const MAX_REASON_CHARS: usize = 200;

macro_rules! issue_codes {
    ($($variant:ident = $code:literal, $zh:literal, $en:literal;)+) => {
        /// What rule a value broke.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum IssueCode {
            $($variant,)+
        }

        impl IssueCode {
            /// The stable code, as the API reports it.
            pub fn code(self) -> &'static str {
                match self { $(IssueCode::$variant => $code,)+ }
            }

            /// The message in Simplified Chinese.
            pub fn zh(self) -> &'static str {
                match self { $(IssueCode::$variant => $zh,)+ }
            }

            /// The message in English.
            pub fn en(self) -> &'static str {
                match self { $(IssueCode::$variant => $en,)+ }
            }
        }
    };
}

issue_codes! {
    Required = "required", "此项必填", "This field is required";
    TooLong = "too_long", "内容过长，请精简到 40 字以内", "This is too long; keep it under 40 characters";
    MonthsOutOfRange = "months_out_of_range", "务工月数应在 0 到 12 之间", "Months worked must be between 0 and 12";
    IncomeOutOfRange = "income_out_of_range", "月收入应在 0 到 100000 元之间，请核对", "Monthly income must be between 0 and 100,000 yuan; please check";
    AnnualIncomeOutOfRange = "annual_income_out_of_range", "年收入应在 0 到 2000000 元之间，请核对", "A year's income must be between 0 and 2,000,000 yuan; please check";
    ReferralUnnamed = "referral_unnamed", "岗位推荐须填写用工单位和岗位", "A job referral names its employer and post";
    ActionTextTooLong = "action_text_too_long", "单位、岗位或备注不超过 200 字", "An employer, post or note is at most 200 characters";
    DuplicateMember = "duplicate_member", "同一成员在本次提交中出现了两次", "The same member appears twice in this submission";
    DuplicateWrite = "duplicate_write", "同一项在本次提交中填写了两次", "The same field is written twice in this submission";
    NoMembers = "no_members", "提交中没有任何成员，请至少确认一名成员", "The submission names no member; confirm at least one";
    UnknownMember = "unknown_member", "该户没有这名成员；新增成员请选择增员原因", "This household has no such member; add a new member with a reason";
    ChannelRequired = "channel_required", "已就业的请选择就业渠道", "Choose how an employed person found work";
    WorkPlaceRequired = "work_place_required", "已就业的请选择务工地点", "Choose where an employed person works";
    MonthsRequired = "months_required", "已就业的请填写今年务工月数", "Enter the months an employed person worked this year";
    IncomeRequired = "income_required", "已就业的请填写月收入", "Enter an employed person's monthly income";
    WillingnessRequired = "willingness_required", "有劳动能力但未就业的，请填写是否愿意参加培训", "For an able person without work, say whether they will train";
    IntentionRequired = "intention_required", "有劳动能力但未就业的，请填写就业意向", "For an able person without work, enter what work they want";
    UnderageLabour = "underage_labour", "未满 16 周岁，不计为劳动力", "Under 16: not counted as labour";
    UnderageEmployed = "underage_employed", "未满 16 周岁，不能登记为已就业", "Under 16: cannot be recorded as employed";
    BirthDateMismatch = "birth_date_mismatch", "出生日期与身份证号码不一致", "The birth date does not match the ID number";
    SexMismatch = "sex_mismatch", "性别与身份证号码不一致", "The sex does not match the ID number";
    DuplicateId = "duplicate_id", "该身份证号码已登记在另一户", "This ID number is already recorded in another household";
    RoundNotOpen = "round_not_open", "该季度的调查尚未开始，请核对手机日期和季度", "This round has not begun; check the phone's date and the round";
    RoundClosed = "round_closed", "该季度的调查已截止，不能再提交；请联系督导补录", "This round is closed to surveys; ask a supervisor to record it";
    UsernameFormat = "username_format", "用户名为 3 到 32 位小写字母、数字、点、横线或下划线", "A username has 3 to 32 lowercase letters, digits, '.', '-' or '_'";
    PasswordTooShort = "password_too_short", "密码至少 10 位", "A password has at least 10 characters";
    PasswordCommon = "password_common", "这个密码太常见，容易被猜中，请换一个", "This password is too common and easy to guess; choose another";
    WrongPassword = "wrong_password", "当前密码不正确", "The current password is wrong";
    PasswordHasUsername = "password_has_username", "密码不能包含用户名", "A password must not contain the username";
    PlaceRequired = "place_required", "驻点工作队、网格员和楼栋长必须指定工作地点", "Resident work teams, grid members and building heads need a place";
    UnknownPlace = "unknown_place", "没有这个地点，请填写地点的编号或名称", "There is no such place; give its code or name";
    PlaceAmbiguous = "place_ambiguous", "有多个地点叫这个名字，请填写地点编号", "Several places have this name; give the code";
    PlaceLevel = "place_level", "这个角色不能指定这一级地点：驻点工作队在安置区或网格，网格员和楼栋长在网格，管理员不指定地点", "This role cannot work at this level: teams at an area or grid, grid members and building heads at a grid, administrators at none";
    BuildingRequired = "building_required", "楼栋长必须指定楼栋", "A building head needs a building";
    UnknownBuilding = "unknown_building", "这个网格没有这个楼栋", "This grid has no such building";
    BuildingForHeads = "building_for_heads", "只有楼栋长指定楼栋", "Only building heads have a building";
    ImplausiblePosition = "implausible_position", "定位数据不合理，请重新定位", "The position is not a plausible place; locate again";
    ReasonRequired = "reason_required", "退回时请填写原因", "Give the reason for returning it";
    ReasonTooLong = "reason_too_long", "退回原因请精简到 200 字以内", "Keep the reason under 200 characters";
    NotASide = "not_a_side", "所选的提交不是这个冲突的一方", "The chosen submission is not a side of this conflict";
    FromPastRound = "from_past_round", "新的调查内容只能从本季度或以后的季度开始使用", "New fields apply from the round in progress or a later one";
    UnknownField = "unknown_field", "本季度的调查没有这一项，请同步后重新填写", "This round's survey has no such field; sync and fill it in again";
    ValueNotAllowed = "value_not_allowed", "不是该项允许的值，请核对", "Not a value this field allows; please check";
    KeepNeedsJoin = "keep_needs_join", "要保留被减员的成员，请提交一份写明增员原因的裁定", "To keep a removed member, post a resolution that rejoins them with a reason";
}

/// One broken rule at one place.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Issue {
    /// Like `members[1].months_worked`.
    pub path: String,
    pub code: IssueCode,
}

impl From<PasswordError> for IssueCode {
    fn from(err: PasswordError) -> IssueCode {
        match err {
            PasswordError::TooShort => IssueCode::PasswordTooShort,
            PasswordError::Common => IssueCode::PasswordCommon,
            PasswordError::SameAsUsername => IssueCode::PasswordHasUsername,
        }
    }
}

/// Whether the survey asks `key` of this person as of `on`: a job's
/// details of those employed, training and intentions of those seeking
/// work, everything else of everyone.
pub fn asks(record: &LabourRecord, key: FieldKey, on: Date) -> bool {
    match key {
        FieldKey::Channel
        | FieldKey::WorkPlace
        | FieldKey::Employer
        | FieldKey::MonthsWorked
        | FieldKey::MonthlyIncome => record.is_employed(),
        FieldKey::WillingToTrain | FieldKey::IntendedWork | FieldKey::IntendedPlace => {
            record.is_seeking_work(on)
        }
        _ => true,
    }
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

/// The rules of one household value alone.
pub fn check_household_write(write: &HouseholdWrite) -> Option<IssueCode> {
    match write {
        HouseholdWrite::BusinessIncome(Some(yuan))
        | HouseholdWrite::PropertyIncome(Some(yuan))
        | HouseholdWrite::TransferIncome(Some(yuan))
            if *yuan > MAX_ANNUAL_INCOME =>
        {
            Some(IssueCode::AnnualIncomeOutOfRange)
        }
        _ => None,
    }
}

/// Checks a whole record as of `on`: each value, and the rules that tie
/// fields together.
pub fn check_record(record: &LabourRecord, on: Date) -> Vec<(FieldKey, IssueCode)> {
    let mut res: Vec<(FieldKey, IssueCode)> = FieldKey::ALL
        .iter()
        .filter_map(|&key| check_write(&record.get(key)).map(|code| (key, code)))
        .collect();
    if let Some(id) = &record.resident_id {
        if record.birth_date.is_some_and(|d| d != id.birth_date()) {
            res.push((FieldKey::BirthDate, IssueCode::BirthDateMismatch));
        }
        if record.sex.is_some_and(|s| s != id.sex()) {
            res.push((FieldKey::Sex, IssueCode::SexMismatch));
        }
    }
    let age = record.age_on(on);
    if age.is_some_and(|a| a < WORKING_AGE) {
        if record.has_labour_capacity() {
            res.push((FieldKey::Capacity, IssueCode::UnderageLabour));
        }
        if record.is_employed() {
            res.push((FieldKey::Employment, IssueCode::UnderageEmployed));
        }
        return res;
    }
    if record.is_employed() {
        let required = [
            (
                record.channel.is_none(),
                FieldKey::Channel,
                IssueCode::ChannelRequired,
            ),
            (
                record.work_place.is_none(),
                FieldKey::WorkPlace,
                IssueCode::WorkPlaceRequired,
            ),
            (
                record.months_worked.is_none(),
                FieldKey::MonthsWorked,
                IssueCode::MonthsRequired,
            ),
            (
                record.monthly_income.is_none(),
                FieldKey::MonthlyIncome,
                IssueCode::IncomeRequired,
            ),
        ];
        res.extend(required.into_iter().filter(|r| r.0).map(|r| (r.1, r.2)));
    } else if record.is_seeking_work(on) {
        if record.willing_to_train.is_none() {
            res.push((FieldKey::WillingToTrain, IssueCode::WillingnessRequired));
        }
        if record
            .intended_work
            .as_deref()
            .is_none_or(|w| w.trim().is_empty())
        {
            res.push((FieldKey::IntendedWork, IssueCode::IntentionRequired));
        }
    }
    res
}

/// Checks a submission on its own as it arrives: every write, members
/// listed once, each field written once.
pub fn check_submission(sub: &Submission) -> Vec<Issue> {
    let mut res = Vec::new();
    if sub.members.is_empty() && sub.household_writes.is_empty() {
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
        let mut fields = BTreeSet::new();
        for write in &report.writes {
            let path = format!("members[{idx}].{}", write.key().name());
            if !fields.insert(write.key()) {
                res.push(Issue {
                    path: path.clone(),
                    code: IssueCode::DuplicateWrite,
                });
            }
            if let Some(code) = check_write(write) {
                res.push(Issue { path, code });
            }
        }
    }
    let mut household_fields = BTreeSet::new();
    for write in &sub.household_writes {
        let path = || format!("household_writes.{}", write.key().name());
        if !household_fields.insert(write.key()) {
            res.push(Issue {
                path: path(),
                code: IssueCode::DuplicateWrite,
            });
        }
        if let Some(code) = check_household_write(write) {
            res.push(Issue { path: path(), code });
        }
    }
    res
}

/// Checks a submission against the ledger it was made from, as of `on`:
/// each member it reports exists (or joins), and each record it leaves
/// behind passes `check_record`.
pub fn check_against(sub: &Submission, ledger: &HouseholdLedger, on: Date) -> Vec<Issue> {
    let mut res = Vec::new();
    for (idx, report) in sub.members.iter().enumerate() {
        let known = ledger.members.iter().find(|m| m.person == report.person);
        let mut record = match (known, report.membership) {
            (Some(member), _) => member.record.clone(),
            (None, Some(Membership::Joined(_))) => LabourRecord::default(),
            (None, _) => {
                res.push(Issue {
                    path: format!("members[{idx}].person"),
                    code: IssueCode::UnknownMember,
                });
                continue;
            }
        };
        if matches!(report.membership, Some(Membership::Left(_))) {
            continue;
        }
        for write in &report.writes {
            record.apply(write);
        }
        res.extend(
            check_record(&record, on)
                .into_iter()
                .map(|(key, code)| Issue {
                    path: format!("members[{idx}].{}", key.name()),
                    code,
                }),
        );
    }
    res.sort();
    res.dedup();
    res
}

/// Checks a submission's writes to added fields against the fields of its
/// round (`set`), and that the records it leaves in `ledger` answer every
/// required one that applies to them as of `on`: the reported members
/// always, the household's own in a survey.
pub fn check_extras(
    sub: &Submission,
    set: Option<&FieldSet>,
    ledger: &HouseholdLedger,
    on: Date,
) -> Vec<Issue> {
    let mut res = Vec::new();
    let mut check = |target: Target, writes: &[ExtraWrite], path: &dyn Fn(&ExtraKey) -> String| {
        let mut seen = BTreeSet::new();
        for write in writes {
            let field = set.and_then(|s| s.field(target, write.key));
            let code = match (field, &write.value) {
                _ if !seen.insert(write.key) => Some(IssueCode::DuplicateWrite),
                (None, _) => Some(IssueCode::UnknownField),
                (Some(field), Some(value)) if !field.admits(value) => {
                    Some(IssueCode::ValueNotAllowed)
                }
                _ => None,
            };
            if let Some(code) = code {
                res.push(Issue {
                    path: path(&write.key),
                    code,
                });
            }
        }
    };
    check(Target::Household, &sub.household_extra, &|k| {
        format!("household_extra.{k}")
    });
    for (idx, report) in sub.members.iter().enumerate() {
        check(Target::Member, &report.extra, &|k| {
            format!("members[{idx}].{}", k.field_name())
        });
    }
    let Some(set) = set else {
        return res;
    };
    if sub.kind == SubmissionKind::Survey {
        let mut record = ledger.record.clone();
        for write in &sub.household_writes {
            record.apply(write);
        }
        for write in &sub.household_extra {
            record.extra.apply_write(write);
        }
        for field in set.of(Target::Household) {
            if field.required
                && field.asks_household(&record)
                && record.extra.get(field.key).is_none()
            {
                res.push(Issue {
                    path: format!("household_extra.{}", field.key),
                    code: IssueCode::Required,
                });
            }
        }
    }
    for (idx, report) in sub.members.iter().enumerate() {
        if matches!(report.membership, Some(Membership::Left(_))) {
            continue;
        }
        let known = ledger.members.iter().find(|m| m.person == report.person);
        let mut record = known.map(|m| m.record.clone()).unwrap_or_default();
        for write in &report.writes {
            record.apply(write);
        }
        for write in &report.extra {
            record.extra.apply_write(write);
        }
        for field in missing_required(&set.fields, &record, on) {
            res.push(Issue {
                path: format!("members[{idx}].{}", field.key.field_name()),
                code: IssueCode::Required,
            });
        }
    }
    res.sort();
    res.dedup();
    res
}

/// Of `fields`, the member's required ones that apply to this member as of
/// `on` and are not answered.
pub fn missing_required<'a>(
    fields: &'a [ExtraField],
    record: &LabourRecord,
    on: Date,
) -> impl Iterator<Item = &'a ExtraField> {
    fields.iter().filter(move |f| {
        f.target == Target::Member
            && f.required
            && f.asks_member(record, on)
            && record.extra.get(f.key).is_none()
    })
}

/// One ID number recorded in more than one household.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DuplicateId {
    pub resident_id: ResidentId,
    pub households: Vec<HouseholdCode>,
}

/// The ID numbers that different households share, of each household's
/// present members' (`HouseholdLedger::present_ids`).
pub fn duplicate_ids<'a>(
    ids: impl IntoIterator<Item = (&'a ResidentId, &'a HouseholdCode)>,
) -> Vec<DuplicateId> {
    let mut seen: BTreeMap<&ResidentId, BTreeSet<&HouseholdCode>> = BTreeMap::new();
    for (id, household) in ids {
        seen.entry(id).or_default().insert(household);
    }
    seen.into_iter()
        .filter(|(_, households)| households.len() > 1)
        .map(|(id, households)| DuplicateId {
            resident_id: id.clone(),
            households: households.into_iter().cloned().collect(),
        })
        .collect()
}

/// Checks a supervisor's review: a return carries a reason the surveyor can
/// read on the phone, short enough for one screen.
pub fn check_review(review: &ReviewRequest) -> Vec<Issue> {
    let reason = review.reason.as_deref().map(str::trim).unwrap_or("");
    let code = match review.decision {
        ReviewDecision::Return if reason.is_empty() => Some(IssueCode::ReasonRequired),
        _ if reason.chars().count() > MAX_REASON_CHARS => Some(IssueCode::ReasonTooLong),
        _ => None,
    };
    code.map(|code| Issue {
        path: "reason".into(),
        code,
    })
    .into_iter()
    .collect()
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};
    use uuid::Uuid;

    use super::*;
    use crate::codes::{
        Channel, EmploymentStatus, JoinReason, LabourCapacity, Sex, SubmissionKind, WorkPlace,
    };
    use crate::merge::{MemberLedger, merge_household};
    use crate::place::PersonId;
    use crate::round::Round;
    use crate::wire::{MemberReport, SubmissionId};

    const TODAY: Date = date!(2026 - 11 - 23);

    fn submission(members: Vec<MemberReport>) -> Submission {
        Submission {
            id: SubmissionId(Uuid::from_u128(1)),
            kind: SubmissionKind::Survey,
            household: HouseholdCode::parse("H1").unwrap(),
            round: Round::parse("2026Q4").unwrap(),
            captured_at: datetime!(2026-11-23 10:00 UTC),
            base: vec![],
            household_writes: vec![],
            members,
            household_extra: Vec::new(),
        }
    }

    fn report(person: &str, writes: Vec<FieldWrite>) -> MemberReport {
        MemberReport {
            person: PersonId::parse(person).unwrap(),
            membership: None,
            writes,
            extra: Vec::new(),
        }
    }

    fn adult() -> LabourRecord {
        let id = ResidentId::parse("142223198503120018").unwrap();
        let mut res = LabourRecord {
            name: Some("李四".into()),
            resident_id: Some(id),
            capacity: Some(LabourCapacity::Ordinary),
            ..LabourRecord::default()
        };
        res.fill_from_resident_id();
        res
    }

    #[track_caller]
    fn check(record: &LabourRecord, expected: &[(FieldKey, IssueCode)]) {
        assert_eq!(check_record(record, TODAY), expected);
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
    fn flags_a_member_listed_twice_a_field_written_twice_and_an_empty_submission() {
        let sub = submission(vec![report("P1", vec![]), report("P1", vec![])]);
        assert_eq!(check_submission(&sub)[0].code, IssueCode::DuplicateMember);
        let twice = submission(vec![report(
            "P1",
            vec![
                FieldWrite::Certified(Some(true)),
                FieldWrite::Certified(Some(false)),
            ],
        )]);
        assert_eq!(check_submission(&twice)[0].code, IssueCode::DuplicateWrite);
        assert_eq!(
            check_submission(&submission(vec![]))[0].code,
            IssueCode::NoMembers
        );
    }

    #[test]
    fn employed_needs_channel_place_months_and_income() {
        let record = LabourRecord {
            employment: Some(EmploymentStatus::Employed),
            ..adult()
        };
        check(
            &record,
            &[
                (FieldKey::Channel, IssueCode::ChannelRequired),
                (FieldKey::WorkPlace, IssueCode::WorkPlaceRequired),
                (FieldKey::MonthsWorked, IssueCode::MonthsRequired),
                (FieldKey::MonthlyIncome, IssueCode::IncomeRequired),
            ],
        );
        let complete = LabourRecord {
            channel: Some(Channel::Workshop),
            work_place: Some(WorkPlace::InCounty),
            months_worked: Some(10),
            monthly_income: Some(2500),
            ..record
        };
        check(&complete, &[]);
    }

    #[test]
    fn able_and_not_employed_needs_willingness_and_intention() {
        let record = LabourRecord {
            employment: Some(EmploymentStatus::Unemployed),
            ..adult()
        };
        check(
            &record,
            &[
                (FieldKey::WillingToTrain, IssueCode::WillingnessRequired),
                (FieldKey::IntendedWork, IssueCode::IntentionRequired),
            ],
        );
    }

    #[test]
    fn under_sixteen_is_not_labour() {
        let mut child = LabourRecord {
            name: Some("小明".into()),
            birth_date: Some(date!(2015 - 06 - 01)),
            capacity: Some(LabourCapacity::Ordinary),
            employment: Some(EmploymentStatus::Employed),
            ..LabourRecord::default()
        };
        check(
            &child,
            &[
                (FieldKey::Capacity, IssueCode::UnderageLabour),
                (FieldKey::Employment, IssueCode::UnderageEmployed),
            ],
        );
        child.capacity = Some(LabourCapacity::None);
        child.employment = Some(EmploymentStatus::Student);
        check(&child, &[]);
    }

    #[test]
    fn typed_birth_date_or_sex_must_match_the_id() {
        let record = LabourRecord {
            birth_date: Some(date!(1985 - 03 - 13)),
            sex: Some(Sex::Female),
            ..adult()
        };
        check(
            &record,
            &[
                (FieldKey::BirthDate, IssueCode::BirthDateMismatch),
                (FieldKey::Sex, IssueCode::SexMismatch),
            ],
        );
    }

    #[test]
    fn an_entered_id_fills_birth_date_and_sex() {
        let record = adult();
        assert_eq!(record.birth_date, Some(date!(1985 - 03 - 12)));
        assert_eq!(record.sex, Some(Sex::Male));
        assert_eq!(record.age_on(TODAY), Some(41));
    }

    fn ledger_with(code: &str, person: &str, record: LabourRecord) -> HouseholdLedger {
        let previous = HouseholdLedger {
            members: vec![MemberLedger {
                record,
                ..MemberLedger::new(PersonId::parse(person).unwrap())
            }],
            ..merge_household(
                &HouseholdCode::parse(code).unwrap(),
                Round::parse("2026Q3").unwrap(),
                None,
                &[],
            )
        };
        merge_household(
            &previous.household,
            Round::parse("2026Q4").unwrap(),
            Some(&previous),
            &[],
        )
    }

    #[test]
    fn added_fields_are_checked_against_the_rounds_definitions() {
        use crate::extra::{Condition, ExtraField, ExtraKind, ExtraValue};
        let pension = ExtraKey::parse("pension").unwrap();
        let subsidy = ExtraKey::parse("subsidy").unwrap();
        let set = FieldSet {
            version: 1,
            from: Round::parse("2026Q4").unwrap(),
            fields: vec![
                ExtraField {
                    key: pension,
                    target: Target::Member,
                    zh: "参保".into(),
                    en: "Pension".into(),
                    kind: ExtraKind::YesNo,
                    required: true,
                    applies: Condition::parse("年龄 >= 16", Target::Member).unwrap(),
                },
                ExtraField {
                    key: subsidy,
                    target: Target::Household,
                    zh: "就业奖补（元）".into(),
                    en: "Subsidy".into(),
                    kind: ExtraKind::Number {
                        min: 0,
                        max: 5000,
                        unit: "元".into(),
                    },
                    required: false,
                    applies: None,
                },
            ],
        };
        let ledger = ledger_with("H1", "P1", adult());
        let write = |key, value| ExtraWrite { key, value };
        let unanswered = submission(vec![report("P1", vec![])]);
        assert_eq!(
            check_extras(&unanswered, Some(&set), &ledger, TODAY),
            [Issue {
                path: "members[0].extra.pension".into(),
                code: IssueCode::Required,
            }]
        );
        let mut answered = unanswered.clone();
        answered.members[0].extra = vec![write(pension, Some(ExtraValue::Bool(true)))];
        answered.household_extra = vec![write(subsidy, Some(ExtraValue::Int(800)))];
        assert_eq!(check_extras(&answered, Some(&set), &ledger, TODAY), []);

        let mut wrong = answered.clone();
        wrong.household_extra = vec![write(subsidy, Some(ExtraValue::Int(9000)))];
        wrong.members[0]
            .extra
            .push(write(subsidy, Some(ExtraValue::Int(1))));
        assert_eq!(
            check_extras(&wrong, Some(&set), &ledger, TODAY),
            [
                Issue {
                    path: "household_extra.subsidy".into(),
                    code: IssueCode::ValueNotAllowed,
                },
                Issue {
                    path: "members[0].extra.subsidy".into(),
                    code: IssueCode::UnknownField,
                },
            ]
        );
        // A round without added fields knows none.
        assert_eq!(
            check_extras(&answered, None, &ledger, TODAY).len(),
            2,
            "both writes name fields the round does not have"
        );
        // Leaving, a member need not answer.
        let mut leaving = unanswered;
        leaving.members[0].membership = Some(Membership::Left(crate::codes::LeaveReason::MovedOut));
        assert_eq!(check_extras(&leaving, Some(&set), &ledger, TODAY), []);
    }

    #[test]
    fn a_submission_is_checked_against_the_record_it_leaves() {
        let ledger = ledger_with("H1", "P1", adult());
        let sub = submission(vec![
            report(
                "P1",
                vec![FieldWrite::Employment(Some(EmploymentStatus::Employed))],
            ),
            report("P9", vec![]),
        ]);
        let issues = check_against(&sub, &ledger, TODAY);
        let codes: Vec<(&str, IssueCode)> =
            issues.iter().map(|i| (i.path.as_str(), i.code)).collect();
        assert_eq!(
            codes,
            [
                ("members[0].channel", IssueCode::ChannelRequired),
                ("members[0].monthly_income", IssueCode::IncomeRequired),
                ("members[0].months_worked", IssueCode::MonthsRequired),
                ("members[0].work_place", IssueCode::WorkPlaceRequired),
                ("members[1].person", IssueCode::UnknownMember),
            ]
        );
    }

    #[test]
    fn a_joining_member_is_checked_from_an_empty_record() {
        let ledger = ledger_with("H1", "P1", adult());
        let mut newborn = report("N1", vec![]);
        newborn.membership = Some(Membership::Joined(JoinReason::Newborn));
        let issues = check_against(&submission(vec![newborn]), &ledger, TODAY);
        assert_eq!(issues[0].code, IssueCode::Required);
        assert_eq!(issues[0].path, "members[0].name");
    }

    #[test]
    fn the_same_id_in_two_households_is_flagged() {
        let a = ledger_with("H1", "P1", adult());
        let b = ledger_with("H2", "P7", adult());
        let c = ledger_with("H3", "P8", LabourRecord::default());
        let ledgers = [a, b, c];
        let dups = duplicate_ids(
            (ledgers.iter()).flat_map(|l| l.present_ids().map(move |id| (id, &l.household))),
        );
        assert_eq!(dups.len(), 1);
        let households: Vec<&str> = dups[0]
            .households
            .iter()
            .map(HouseholdCode::as_str)
            .collect();
        assert_eq!(households, ["H1", "H2"]);
    }

    #[track_caller]
    fn check_reason(decision: ReviewDecision, reason: Option<&str>, expected: Option<IssueCode>) {
        let review = ReviewRequest {
            decision,
            reason: reason.map(str::to_owned),
        };
        let codes: Vec<IssueCode> = check_review(&review).into_iter().map(|i| i.code).collect();
        assert_eq!(codes, Vec::from_iter(expected));
    }

    #[test]
    fn a_return_needs_a_reason_of_at_most_200_characters() {
        check_reason(ReviewDecision::Return, Some("月收入填写有误"), None);
        check_reason(
            ReviewDecision::Return,
            None,
            Some(IssueCode::ReasonRequired),
        );
        check_reason(
            ReviewDecision::Return,
            Some("  "),
            Some(IssueCode::ReasonRequired),
        );
        let long = "错".repeat(201);
        check_reason(
            ReviewDecision::Return,
            Some(&long),
            Some(IssueCode::ReasonTooLong),
        );
        check_reason(ReviewDecision::Return, Some(&long[..600]), None);
        check_reason(ReviewDecision::Approve, None, None);
    }
}
