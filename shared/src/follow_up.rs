//! The follow-up lists (跟踪名单): what a place follows up, from the day
//! a merged ledger puts it on a list until a later one takes it off,
//! against a deadline; and what the teams did meanwhile (帮扶措施).
//!
//! A household is on the zero-employment list while its kept figures say
//! so (`tally::Figures`), on the low-income list while under the line, and
//! each of its labourers who is out of work and wants work is on the
//! seeking-work list.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use crate::codes::{ActionKind, Clearance, Code, EmploymentStatus, FollowUp};
use crate::indicators::{AgeLimit, is_labourer};
use crate::merge::{HouseholdLedger, MemberLedger};
use crate::place::{GridCode, HouseholdCode, PersonId};
use crate::record::{HouseholdRecord, LabourRecord};
use crate::tally::Figures;
use crate::validate::IssueCode;

/// Days an item may stay on each list before it is overdue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deadlines {
    /// Tongren's rule: help within 3 days, cleared within 5.
    pub zero_employment: u16,
    pub low_income: u16,
    pub seeking_work: u16,
}

impl Default for Deadlines {
    fn default() -> Deadlines {
        Deadlines {
            zero_employment: 5,
            low_income: 30,
            seeking_work: 15,
        }
    }
}

impl Deadlines {
    pub fn days(&self, list: FollowUp) -> u16 {
        match list {
            FollowUp::ZeroEmployment => self.zero_employment,
            FollowUp::LowIncome => self.low_income,
            FollowUp::SeekingWork => self.seeking_work,
        }
    }

    /// The day by which an item that entered `list` on `entered` is to be cleared.
    pub fn due(&self, list: FollowUp, entered: Date) -> Date {
        entered.saturating_add(Duration::days(self.days(list).into()))
    }

    /// The last entry day of an item still in time on `today`: one that
    /// entered before it is overdue.
    pub fn overdue_before(&self, list: FollowUp, today: Date) -> Date {
        today.saturating_sub(Duration::days(self.days(list).into()))
    }
}

/// Whether a person wants work: a work or a place wanted is recorded
/// (就业意向, 意向务工地点).
pub fn wants_work(record: &LabourRecord) -> bool {
    record
        .intended_work
        .as_deref()
        .is_some_and(|w| !w.trim().is_empty())
        || record.intended_place.is_some()
}

/// Whether a member is on the seeking-work list on `on`: a labourer
/// (under the deployment's age `limit`), out of work, who wants work.
pub fn is_seeking_work(record: &LabourRecord, on: Date, limit: Option<AgeLimit>) -> bool {
    is_labourer(record, on, limit)
        && record.employment == Some(EmploymentStatus::Unemployed)
        && wants_work(record)
}

/// The members of `ledger` on the seeking-work list on `on`.
pub fn seeking_work(
    ledger: &HouseholdLedger,
    on: Date,
    limit: Option<AgeLimit>,
) -> impl Iterator<Item = &MemberLedger> {
    (ledger.present_members()).filter(move |m| is_seeking_work(&m.record, on, limit))
}

/// The lists a household is on, from its record and its present members'
/// records, as of `on` under the deployment's age `limit` and low-income
/// `line` (unknown: the low-income list left out), in `FollowUp::ALL`'s
/// order; with the labourers seeking work, how many.
pub fn lists_of(
    household: &HouseholdRecord,
    members: &[&LabourRecord],
    on: Date,
    limit: Option<AgeLimit>,
    line: Option<u32>,
) -> Vec<(FollowUp, usize)> {
    let figures = Figures::of_records(household, members, on, limit);
    let seeking = (members.iter())
        .filter(|m| is_seeking_work(m, on, limit))
        .count();
    let on_list = |list| match list {
        FollowUp::ZeroEmployment => usize::from(figures.zero_employment),
        FollowUp::LowIncome => usize::from(line.is_some_and(|l| figures.is_low_income(l))),
        FollowUp::SeekingWork => seeking,
    };
    (FollowUp::ALL.iter())
        .map(|&list| (list, on_list(list)))
        .filter(|&(_, n)| n > 0)
        .collect()
}

/// Why an item of `list` (for `member`, on the seeking-work list) is no
/// longer on it after `ledger` (`None`: the household was removed), as of
/// `on` under the deployment's age `limit`.
pub fn clearance(
    list: FollowUp,
    member: Option<&PersonId>,
    ledger: Option<&HouseholdLedger>,
    on: Date,
    limit: Option<AgeLimit>,
) -> Clearance {
    let Some(ledger) = ledger else {
        return Clearance::Removed;
    };
    match list {
        FollowUp::ZeroEmployment => {
            let figures = Figures::of(ledger, on, limit);
            if figures.employed_labourers > 0 {
                Clearance::Employed
            } else {
                Clearance::NotLabourer
            }
        }
        FollowUp::LowIncome => {
            if ledger.present_members().next().is_none() {
                Clearance::Left
            } else {
                Clearance::IncomeAboveLine
            }
        }
        FollowUp::SeekingWork => {
            let found = member.and_then(|id| (ledger.present_members()).find(|m| m.person == *id));
            match found.map(|m| &m.record) {
                None => Clearance::Left,
                Some(r) if r.is_employed() => Clearance::Employed,
                Some(r) if !is_labourer(r, on, limit) => Clearance::NotLabourer,
                Some(_) => Clearance::NoLongerSeeking,
            }
        }
    }
}

/// `POST /api/v1/follow-up/actions`: what a team or grid member did for a
/// household or labourer it follows up, captured on the phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpAction {
    /// Made by the phone, so that a retry is recognised.
    pub id: Uuid,
    pub household: HouseholdCode,
    /// The labourer helped, if the help was for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<PersonId>,
    pub kind: ActionKind,
    /// For a job referral: the employer (用工单位) and the post (岗位).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub done_at: OffsetDateTime,
}

/// The longest employer, post or note an action keeps, in characters.
pub const ACTION_TEXT_MAX: usize = 200;

impl FollowUpAction {
    /// Checks what a person wrote: a referral names its employer and post.
    pub fn check(&self) -> Result<(), IssueCode> {
        let texts = [&self.employer, &self.post, &self.note];
        if texts.iter().any(|t| {
            t.as_ref()
                .is_some_and(|t| t.chars().count() > ACTION_TEXT_MAX)
        }) {
            return Err(IssueCode::ActionTextTooLong);
        }
        let named = |t: &Option<String>| t.as_deref().is_some_and(|t| !t.trim().is_empty());
        if self.kind == ActionKind::JobReferral && !(named(&self.employer) && named(&self.post)) {
            return Err(IssueCode::ReferralUnnamed);
        }
        Ok(())
    }
}

/// The server's answer to a stored action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionReceipt {
    pub action: Uuid,
    pub household: HouseholdCode,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
}

/// The "131" counts of a labourer, or summed over a place: guidance,
/// referrals and training recorded for willing labourers out of work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Help131 {
    pub guidance: u32,
    pub referrals: u32,
    pub training: u32,
}

impl Help131 {
    /// Adds one action.
    pub fn add(&mut self, kind: ActionKind) {
        match kind {
            ActionKind::Guidance => self.guidance += 1,
            ActionKind::JobReferral => self.referrals += 1,
            ActionKind::Training => self.training += 1,
            _ => {}
        }
    }

    /// One guidance, three referrals and one training at least.
    pub fn is_met(&self) -> bool {
        self.guidance >= 1 && self.referrals >= 3 && self.training >= 1
    }
}

/// A page of one follow-up list (`GET /api/v1/follow-up`): the items still
/// open (or those cleared), oldest first, so the overdue come first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpPage {
    pub list: FollowUp,
    /// Days an item may stay on this list.
    pub deadline_days: u16,
    /// The items open in the scope, and of those, overdue.
    pub open: u32,
    pub overdue: u32,
    /// On the seeking-work list: the labourers whose "131" is met.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub met_131: Option<u32>,
    pub items: Vec<FollowUpItem>,
    /// Where the next page starts (`after=`); absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// One item of a follow-up list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpItem {
    pub household: HouseholdCode,
    pub grid: GridCode,
    pub building: String,
    pub room: String,
    /// The labourer, on the seeking-work list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<PersonId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The labourer's phone, else the household's: masked unless the
    /// caller's role sees numbers in full.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The day a merged ledger put it on the list.
    #[serde(with = "crate::day")]
    pub entered_on: Date,
    #[serde(with = "crate::day")]
    pub due_on: Date,
    /// Open past its due day.
    pub overdue: bool,
    /// Yuan per person per year, as kept now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_capita: Option<u32>,
    /// What was done since it entered, latest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<ActionDone>,
    /// On the seeking-work list: the "131" counts of those actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Help131>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::day::optional"
    )]
    pub cleared_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cleared: Option<Clearance>,
}

/// An action recorded for an item, as its list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionDone {
    pub kind: ActionKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<PersonId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub done_at: OffsetDateTime,
    /// The author's display name, or username once they are no user.
    pub by: String,
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::codes::LabourCapacity;
    use crate::merge::merge_household;
    use crate::round::Round;
    use crate::trends::work_changes;

    const ON: Date = date!(2026 - 11 - 23);

    fn person(employment: EmploymentStatus, wants: Option<&str>) -> LabourRecord {
        LabourRecord {
            birth_date: Some(date!(1985 - 03 - 12)),
            capacity: Some(LabourCapacity::Ordinary),
            employment: Some(employment),
            intended_work: wants.map(str::to_owned),
            ..LabourRecord::default()
        }
    }

    #[test]
    fn a_households_lists_come_from_its_members_as_the_servers_do() {
        let idle = person(EmploymentStatus::Unemployed, Some("保洁"));
        let idle_too = person(EmploymentStatus::Unemployed, None);
        let home = HouseholdRecord::default();
        // No one works, one wants work, no income: every list.
        let lists = lists_of(&home, &[&idle, &idle_too], ON, None, Some(8000));
        assert_eq!(
            lists,
            [
                (FollowUp::ZeroEmployment, 1),
                (FollowUp::LowIncome, 1),
                (FollowUp::SeekingWork, 1)
            ]
        );
        // Without the line, the low-income list cannot be told.
        let lists = lists_of(&home, &[&idle, &idle_too], ON, None, None);
        assert!(!lists.iter().any(|(l, _)| *l == FollowUp::LowIncome));
        // One at work for a year at 3,000 a month: none.
        let mut worker = person(EmploymentStatus::Employed, None);
        worker.months_worked = Some(12);
        worker.monthly_income = Some(3000);
        assert_eq!(
            lists_of(&home, &[&worker, &idle_too], ON, None, Some(8000)),
            []
        );
        // The same as the figures the server keeps from a ledger.
        let ledger = household(vec![idle.clone(), idle_too.clone()]);
        assert!(Figures::of(&ledger, ON, None).zero_employment);
        assert_eq!(seeking_work(&ledger, ON, None).count(), 1);
    }

    fn household(records: Vec<LabourRecord>) -> HouseholdLedger {
        HouseholdLedger {
            members: (records.into_iter().enumerate())
                .map(|(n, record)| MemberLedger {
                    record,
                    ..MemberLedger::new(PersonId::parse(&format!("H1-{n}")).unwrap())
                })
                .collect(),
            ..merge_household(
                &HouseholdCode::parse("H1").unwrap(),
                Round::parse("2026Q4").unwrap(),
                None,
                &[],
            )
        }
    }

    #[test]
    fn a_labourer_out_of_work_who_wants_work_is_seeking_it() {
        use EmploymentStatus::{Employed, Retired, Unemployed};
        let ledger = household(vec![
            person(Unemployed, Some("家政服务")),
            person(Unemployed, None),
            person(Employed, Some("保安")),
            person(Retired, Some("保洁")),
            person(Unemployed, Some("  ")),
        ]);
        let seeking: Vec<&str> = seeking_work(&ledger, ON, None)
            .map(|m| m.person.as_str())
            .collect();
        assert_eq!(seeking, ["H1-0"]);
        let mut place_only = person(Unemployed, None);
        place_only.intended_place = Some(crate::codes::WorkPlace::InCounty);
        assert!(is_seeking_work(&place_only, ON, None));
    }

    #[test]
    fn an_item_is_cleared_for_the_reason_its_ledger_gives() {
        use EmploymentStatus::{Employed, Retired, Unemployed};
        let id = PersonId::parse("H1-0").unwrap();
        let at_work = household(vec![person(Employed, None)]);
        let retired = household(vec![person(Retired, None)]);
        let not_seeking = household(vec![person(Unemployed, None)]);
        let zero = FollowUp::ZeroEmployment;
        assert_eq!(
            clearance(zero, None, Some(&at_work), ON, None),
            Clearance::Employed
        );
        assert_eq!(
            clearance(zero, None, Some(&retired), ON, None),
            Clearance::NotLabourer
        );
        assert_eq!(clearance(zero, None, None, ON, None), Clearance::Removed);
        let seeking = FollowUp::SeekingWork;
        assert_eq!(
            clearance(seeking, Some(&id), Some(&at_work), ON, None),
            Clearance::Employed
        );
        assert_eq!(
            clearance(seeking, Some(&id), Some(&not_seeking), ON, None),
            Clearance::NoLongerSeeking
        );
        let other = PersonId::parse("H1-9").unwrap();
        assert_eq!(
            clearance(seeking, Some(&other), Some(&at_work), ON, None),
            Clearance::Left
        );
        assert_eq!(
            clearance(FollowUp::LowIncome, None, Some(&at_work), ON, None),
            Clearance::IncomeAboveLine
        );
    }

    #[test]
    fn a_referral_names_its_employer_and_post_and_texts_are_short() {
        let mut action = FollowUpAction {
            id: Uuid::nil(),
            household: HouseholdCode::parse("H1").unwrap(),
            member: None,
            kind: ActionKind::JobReferral,
            employer: Some("物流园".into()),
            post: None,
            note: None,
            done_at: OffsetDateTime::UNIX_EPOCH,
        };
        assert_eq!(action.check(), Err(IssueCode::ReferralUnnamed));
        action.post = Some("分拣员".into());
        assert_eq!(action.check(), Ok(()));
        action.note = Some("字".repeat(ACTION_TEXT_MAX + 1));
        assert_eq!(action.check(), Err(IssueCode::ActionTextTooLong));
        action.note = None;
        action.kind = ActionKind::Other;
        action.employer = None;
        action.post = None;
        assert_eq!(action.check(), Ok(()));
    }

    #[test]
    fn help_meets_131_with_one_guidance_three_referrals_and_one_training() {
        let mut help = Help131::default();
        for kind in [
            ActionKind::Guidance,
            ActionKind::JobReferral,
            ActionKind::JobReferral,
            ActionKind::Training,
        ] {
            help.add(kind);
        }
        assert!(!help.is_met());
        help.add(ActionKind::JobReferral);
        assert!(help.is_met());
    }

    #[test]
    fn who_found_and_who_lost_work_between_two_rounds() {
        use EmploymentStatus::{Employed, Unemployed};
        let before = household(vec![
            person(Unemployed, None),
            person(Employed, None),
            person(Employed, None),
        ]);
        let now = household(vec![
            person(Employed, None),
            person(Unemployed, None),
            person(Employed, None),
        ]);
        assert_eq!(work_changes(&before, &now), (1, 1));
        assert_eq!(work_changes(&now, &now), (0, 0));
    }

    #[test]
    fn deadlines_date_an_item_and_say_when_it_is_overdue() {
        let d = Deadlines::default();
        let entered = date!(2026 - 11 - 20);
        assert_eq!(
            d.due(FollowUp::ZeroEmployment, entered),
            date!(2026 - 11 - 25)
        );
        // Overdue once its due day has passed: entered before this day.
        assert_eq!(
            d.overdue_before(FollowUp::ZeroEmployment, date!(2026 - 11 - 26)),
            date!(2026 - 11 - 21)
        );
        assert!(entered < d.overdue_before(FollowUp::ZeroEmployment, date!(2026 - 11 - 26)));
        assert!(entered >= d.overdue_before(FollowUp::ZeroEmployment, date!(2026 - 11 - 25)));
    }
}
