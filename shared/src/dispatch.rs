//! The dispatch report (周调度 / 月调度): what was done in a place over a
//! period, and where it stands now, for the place and each place one
//! level down, as supervisors bring to their weekly or monthly meeting.

use std::ops::AddAssign;

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::codes::{ActionKind, Level};
use crate::place::{Place, PlaceCode};
use crate::round::Round;
use crate::tally::Tally;

/// What was done in a period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Activity {
    /// Surveys received (入户调查).
    pub surveys: u32,
    /// Visits made (走访).
    pub visits: u32,
    /// Households that became zero-employment.
    pub newly_zero_employment: u32,
    /// Zero-employment households cleared.
    pub cleared_zero_employment: u32,
    /// Follow-up actions recorded, and of them the "131" kinds and
    /// public-welfare posts.
    pub actions: u32,
    pub guidance: u32,
    pub referrals: u32,
    pub training: u32,
    pub public_welfare_posts: u32,
}

impl Activity {
    /// `n` actions of `kind`.
    pub fn add_actions(&mut self, kind: ActionKind, n: u32) {
        self.actions += n;
        match kind {
            ActionKind::Guidance => self.guidance += n,
            ActionKind::JobReferral => self.referrals += n,
            ActionKind::Training => self.training += n,
            ActionKind::PublicWelfarePost => self.public_welfare_posts += n,
            ActionKind::BusinessSupport | ActionKind::Other => {}
        }
    }
}

impl AddAssign for Activity {
    fn add_assign(&mut self, o: Activity) {
        self.surveys += o.surveys;
        self.visits += o.visits;
        self.newly_zero_employment += o.newly_zero_employment;
        self.cleared_zero_employment += o.cleared_zero_employment;
        self.actions += o.actions;
        self.guidance += o.guidance;
        self.referrals += o.referrals;
        self.training += o.training;
        self.public_welfare_posts += o.public_welfare_posts;
    }
}

/// A place's work in the period and its figures now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dispatch {
    pub activity: Activity,
    /// The round in progress as it stands: coverage reached, overdue items.
    pub tally: Tally,
}

impl AddAssign for Dispatch {
    fn add_assign(&mut self, o: Dispatch) {
        self.activity += o.activity;
        self.tally += o.tally;
    }
}

/// One line of the report: a place one level down.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DispatchLine {
    pub code: PlaceCode,
    pub name: String,
    pub level: Level,
    pub figures: Dispatch,
}

/// `GET /api/v1/dispatch`: the report of a place for a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DispatchReport {
    pub round: Round,
    /// The place; `None` for everything the caller sees.
    pub place: Option<Place>,
    /// The period's first and last days, in China.
    #[serde(with = "crate::day")]
    pub from: Date,
    #[serde(with = "crate::day")]
    pub to: Date,
    pub total: Dispatch,
    pub lines: Vec<DispatchLine>,
}

/// The period a report covers by default: this week so far, from Monday.
pub fn this_week(today: Date) -> (Date, Date) {
    let back = i64::from(today.weekday().number_days_from_monday());
    (today.saturating_sub(Duration::days(back)), today)
}

/// This month so far.
pub fn this_month(today: Date) -> (Date, Date) {
    (today.replace_day(1).unwrap_or(today), today)
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn a_week_runs_from_monday_and_a_month_from_the_first() {
        // 2026-12-06 is a Sunday.
        assert_eq!(
            this_week(date!(2026 - 12 - 06)),
            (date!(2026 - 11 - 30), date!(2026 - 12 - 06))
        );
        assert_eq!(
            this_week(date!(2026 - 11 - 30)),
            (date!(2026 - 11 - 30), date!(2026 - 11 - 30))
        );
        assert_eq!(
            this_month(date!(2026 - 12 - 06)),
            (date!(2026 - 12 - 01), date!(2026 - 12 - 06))
        );
        assert_eq!(date!(2026 - 11 - 30).weekday(), time::Weekday::Monday);
    }

    #[test]
    fn actions_count_by_kind() {
        let mut a = Activity::default();
        a.add_actions(ActionKind::JobReferral, 3);
        a.add_actions(ActionKind::Other, 1);
        a.add_actions(ActionKind::PublicWelfarePost, 2);
        assert_eq!(
            (a.actions, a.referrals, a.public_welfare_posts, a.guidance),
            (6, 3, 2, 0)
        );
        let mut sum = a;
        sum += a;
        assert_eq!(sum.actions, 12);
    }
}
