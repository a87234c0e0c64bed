//! A place's figures, summed from its households: coverage (surveyed,
//! visited, missed) and the main indicators. What one household adds is
//! `Figures`, computed here from its ledger, so that the server can keep it
//! beside the household as each ledger is written and sum a city's in one
//! indexed read, and the indicators (`crate::indicators`) count the same.

use std::collections::BTreeMap;
use std::ops::AddAssign;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::codes::Training;
use crate::indicators::{AgeLimit, annual_income, is_labourer, is_over_age_worker};
use crate::merge::HouseholdLedger;
use crate::place::{GridCode, Place, PlaceCode, above};
use crate::record::{HouseholdRecord, LabourRecord};
use crate::validate::WORKING_AGE;

/// What one household's ledger adds to the indicators, as of a day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub labourers: u32,
    pub employed_labourers: u32,
    /// Members employed, labourers or not (户均就业人数 counts them all).
    pub employed: u32,
    pub willing_to_train: u32,
    pub trained_of_willing: u32,
    /// At least one labourer (有劳动力家庭).
    pub labour_household: bool,
    /// A labour household in which no labourer works (零就业家庭).
    pub zero_employment: bool,
    /// Per-capita annual income, when anyone is in the household.
    pub per_capita: Option<u32>,
    /// Members in work past working age (超龄务工), counted apart from the
    /// labourers and still among the employed.
    pub over_age_employed: u32,
}

impl Figures {
    /// The figures of `ledger` as of `on`, under the deployment's age `limit`.
    pub fn of(ledger: &HouseholdLedger, on: Date, limit: Option<AgeLimit>) -> Figures {
        let members: Vec<&LabourRecord> = ledger.present_members().map(|m| &m.record).collect();
        Figures::of_records(&ledger.record, &members, on, limit)
    }

    /// The figures of a household's record and its present members' ones.
    pub fn of_records(
        household: &HouseholdRecord,
        members: &[&LabourRecord],
        on: Date,
        limit: Option<AgeLimit>,
    ) -> Figures {
        let mut res = Figures {
            employed: members.iter().filter(|m| m.is_employed()).count() as u32,
            ..Figures::default()
        };
        res.over_age_employed = (members.iter())
            .filter(|m| is_over_age_worker(m, on, limit))
            .count() as u32;
        for labourer in members.iter().filter(|m| is_labourer(m, on, limit)) {
            res.labourers += 1;
            res.employed_labourers += u32::from(labourer.is_employed());
            if labourer.willing_to_train == Some(true) {
                res.willing_to_train += 1;
                let trained = (labourer.training).is_some_and(|t| t != Training::None);
                res.trained_of_willing += u32::from(trained);
            }
        }
        res.labour_household = res.labourers > 0;
        res.zero_employment = res.labour_household && res.employed_labourers == 0;
        // Per-capita net income from all sources: wages and the household's
        // business, property and transfer income.
        if !members.is_empty() {
            let total = (members.iter().map(|m| annual_income(m)))
                .fold(household.other_income(), u32::saturating_add);
            res.per_capita = Some(total / members.len() as u32);
        }
        res
    }

    /// Whether the household is under `line` a year per person.
    pub fn is_low_income(&self, line: u32) -> bool {
        self.per_capita.is_some_and(|p| p < line)
    }

    /// The first day after `on` on which these figures may change with no
    /// new write: a member who counts but for their age comes of working
    /// age, or a member reaches the end of working age under `limit`.
    /// `None` if that never happens.
    pub fn until(ledger: &HouseholdLedger, on: Date, limit: Option<AgeLimit>) -> Option<Date> {
        let births = ledger.present_members().filter_map(|m| {
            let birth = m.record.birth_date.or_else(|| {
                (m.record.resident_id.as_ref()).map(crate::resident_id::ResidentId::birth_date)
            })?;
            Some((m, birth))
        });
        births
            .filter_map(|(m, birth)| {
                let record = &m.record;
                let of_age = birthday(birth, WORKING_AGE)
                    // Only if age alone keeps them out.
                    .filter(|&d| {
                        d > on && !is_labourer(record, on, limit) && is_labourer(record, d, limit)
                    });
                let past = limit
                    .and_then(|l| l.of(record))
                    .and_then(|years| birthday(birth, years.into()))
                    .filter(|&d| d > on);
                of_age.into_iter().chain(past).min()
            })
            .min()
    }
}

/// The day someone born on `birth` turns `years` (a 29 February birthday
/// counts from 1 March).
fn birthday(birth: Date, years: u32) -> Option<Date> {
    let year = birth.year() + i32::try_from(years).ok()?;
    Date::from_calendar_date(year, birth.month(), birth.day())
        .ok()
        .or_else(|| Date::from_calendar_date(year, time::Month::March, 1).ok())
}

/// The figures of a place: its households, surveyed, visited and missed
/// this round, and the main indicators' counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tally {
    pub households: u32,
    pub surveyed: u32,
    pub visited: u32,
    /// Neither surveyed nor visited.
    pub missed: u32,
    pub labour_households: u32,
    pub labourers: u32,
    pub employed_labourers: u32,
    pub employed_in_labour_households: u32,
    pub willing_to_train: u32,
    pub trained_of_willing: u32,
    pub zero_employment: u32,
    pub low_income: u32,
    /// Members in work past working age (超龄务工).
    #[serde(default)]
    pub over_age_employed: u32,
    /// People who found work this round, and who lost it, since the
    /// ledger each household's was merged from (`trends::work_changes`).
    #[serde(default)]
    pub found_work: u32,
    #[serde(default)]
    pub lost_work: u32,
    /// Follow-up items open past their deadline (`crate::follow_up`).
    #[serde(default)]
    pub overdue: u32,
    /// Labourers out of work who want work, on their follow-up list.
    #[serde(default)]
    pub seeking_work: u32,
}

impl Tally {
    /// One household: its figures, whether it was surveyed and visited
    /// this round, and whether it is under the low-income line.
    pub fn household(figures: &Figures, surveyed: bool, visited: bool, low_income: bool) -> Tally {
        Tally {
            households: 1,
            surveyed: u32::from(surveyed),
            visited: u32::from(visited),
            missed: u32::from(!surveyed && !visited),
            labour_households: u32::from(figures.labour_household),
            labourers: figures.labourers,
            employed_labourers: figures.employed_labourers,
            employed_in_labour_households: if figures.labour_household {
                figures.employed
            } else {
                0
            },
            willing_to_train: figures.willing_to_train,
            trained_of_willing: figures.trained_of_willing,
            zero_employment: u32::from(figures.zero_employment),
            low_income: u32::from(low_income),
            over_age_employed: figures.over_age_employed,
            ..Tally::default()
        }
    }

    /// The share of households surveyed this round.
    pub fn surveyed_share(&self) -> Option<f64> {
        ratio(self.surveyed, self.households)
    }

    /// 人均就业率: employed labourers per labourer.
    pub fn employment_rate(&self) -> Option<f64> {
        ratio(self.employed_labourers, self.labourers)
    }

    /// 户均就业人数: employed persons per labour household.
    pub fn employed_per_labour_household(&self) -> Option<f64> {
        ratio(self.employed_in_labour_households, self.labour_households)
    }

    /// 一户一人以上就业: the share of labour households in which a
    /// labourer works, every labour household but the zero-employment ones.
    pub fn employed_household_share(&self) -> Option<f64> {
        let employed = self.labour_households.saturating_sub(self.zero_employment);
        ratio(employed, self.labour_households)
    }

    /// The share of those able and willing to train who received training.
    pub fn training_coverage(&self) -> Option<f64> {
        ratio(self.trained_of_willing, self.willing_to_train)
    }
}

impl AddAssign for Tally {
    fn add_assign(&mut self, other: Tally) {
        self.households += other.households;
        self.surveyed += other.surveyed;
        self.visited += other.visited;
        self.missed += other.missed;
        self.labour_households += other.labour_households;
        self.labourers += other.labourers;
        self.employed_labourers += other.employed_labourers;
        self.employed_in_labour_households += other.employed_in_labour_households;
        self.willing_to_train += other.willing_to_train;
        self.trained_of_willing += other.trained_of_willing;
        self.zero_employment += other.zero_employment;
        self.low_income += other.low_income;
        self.over_age_employed += other.over_age_employed;
        self.found_work += other.found_work;
        self.lost_work += other.lost_work;
        self.overdue += other.overdue;
        self.seeking_work += other.seeking_work;
    }
}

impl std::iter::Sum for Tally {
    fn sum<I: Iterator<Item = Tally>>(iter: I) -> Tally {
        let mut total = Tally::default();
        for tally in iter {
            total += tally;
        }
        total
    }
}

fn ratio(num: u32, den: u32) -> Option<f64> {
    (den > 0).then(|| f64::from(num) / f64::from(den))
}

/// Grids' tallies (or any figures that add up) summed into the places one
/// level under `at` (under the top of the tree when `None`) that hold
/// them; grids not under `at` are left out. In the order of the places'
/// codes.
pub fn roll_up<'a, T: AddAssign + Default>(
    places: &BTreeMap<PlaceCode, Place>,
    at: Option<&PlaceCode>,
    grids: impl IntoIterator<Item = (&'a GridCode, T)>,
) -> Vec<(PlaceCode, T)> {
    let mut sums: BTreeMap<PlaceCode, T> = BTreeMap::new();
    for (grid, tally) in grids {
        let grid = PlaceCode::from(grid.clone());
        let mut chain: Vec<&PlaceCode> =
            above(places, &grid).into_iter().map(|p| &p.code).collect();
        chain.push(&grid);
        let child = match at {
            None => chain.first().copied(),
            Some(at) => (chain.iter())
                .position(|code| *code == at)
                .and_then(|n| chain.get(n + 1).copied()),
        };
        if let Some(child) = child {
            *sums.entry(child.clone()).or_default() += tally;
        }
    }
    sums.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::codes::{Code, EmploymentStatus, LabourCapacity, Sex};
    use crate::merge::MemberLedger;
    use crate::merge::merge_household;
    use crate::place::{HouseholdCode, PersonId};
    use crate::record::LabourRecord;
    use crate::round::Round;

    /// A household of people each born on a day, able as given, and in
    /// the employment given.
    fn of_people(
        people: impl IntoIterator<Item = (Date, LabourCapacity, Option<EmploymentStatus>)>,
    ) -> HouseholdLedger {
        let code = HouseholdCode::parse("H1").unwrap();
        let mut ledger = merge_household(&code, Round::parse("2026Q4").unwrap(), None, &[]);
        for (n, (birth, capacity, employment)) in people.into_iter().enumerate() {
            let mut member = MemberLedger::new(PersonId::parse(&format!("P{n}")).unwrap());
            member.record = LabourRecord {
                birth_date: Some(birth),
                capacity: Some(capacity),
                employment,
                ..LabourRecord::default()
            };
            ledger.members.push(member);
        }
        ledger
    }

    /// A household of ordinary labour, each born on a day.
    fn ledger(people: &[(Date, Option<EmploymentStatus>)]) -> HouseholdLedger {
        of_people((people.iter()).map(|&(birth, e)| (birth, LabourCapacity::Ordinary, e)))
    }

    #[test]
    fn a_household_whose_labourers_do_not_work_is_zero_employment() {
        let on = date!(2026 - 11 - 23);
        let idle = ledger(&[(date!(1980 - 01 - 01), Some(EmploymentStatus::Unemployed))]);
        let working = ledger(&[(date!(1980 - 01 - 01), Some(EmploymentStatus::Employed))]);

        let (idle, working) = (
            Figures::of(&idle, on, None),
            Figures::of(&working, on, None),
        );

        assert!(idle.labour_household && idle.zero_employment);
        assert!(working.labour_household && !working.zero_employment);
        assert_eq!((working.labourers, working.employed_labourers), (1, 1));
    }

    /// A household of people each born on 1 January of a year.
    fn household(people: &[(i32, LabourCapacity, Option<EmploymentStatus>)]) -> HouseholdLedger {
        of_people((people.iter()).map(|&(year, capacity, employment)| {
            let birth = Date::from_ordinal_date(year, 1).expect("a year of the calendar");
            (birth, capacity, employment)
        }))
    }

    #[test]
    fn retired_people_and_students_are_no_labourers() {
        use EmploymentStatus::{Employed, Retired, Student, Unemployed};
        use LabourCapacity::{None as NoLabour, Ordinary, Weak};
        let on = date!(2026 - 11 - 23);
        // Grandparents retired (one still able on paper), a son out of
        // work, a granddaughter at college.
        let family = Figures::of(
            &household(&[
                (1956, Weak, Some(Retired)),
                (1958, NoLabour, Some(Retired)),
                (1984, Ordinary, Some(Unemployed)),
                (2006, Ordinary, Some(Student)),
            ]),
            on,
            None,
        );
        assert_eq!((family.labourers, family.employed_labourers), (1, 0));
        assert!(family.labour_household && family.zero_employment);

        // Only retired people: no labour household, so not zero-employment.
        let retired = Figures::of(
            &household(&[(1950, Weak, Some(Retired)), (1952, Ordinary, Some(Retired))]),
            on,
            None,
        );
        assert!(!retired.labour_household && !retired.zero_employment);
        assert_eq!(retired.labourers, 0);

        // A grandfather who still works counts as employed and as labour.
        let working = Figures::of(
            &household(&[
                (1958, Ordinary, Some(Employed)),
                (1984, Ordinary, Some(Unemployed)),
            ]),
            on,
            None,
        );
        assert_eq!((working.labourers, working.employed_labourers), (2, 1));
        assert!(!working.zero_employment);
    }

    #[test]
    fn under_an_age_limit_workers_past_it_are_counted_apart_and_no_labourers() {
        use EmploymentStatus::{Employed, Unemployed};
        use LabourCapacity::Ordinary;
        let on = date!(2026 - 11 - 23);
        let limit = Some(AgeLimit { men: 60, women: 55 });
        // A man of 62 at work and a woman of 42 out of work.
        let mut ledger = household(&[
            (1964, Ordinary, Some(Employed)),
            (1984, Ordinary, Some(Unemployed)),
        ]);
        ledger.members[0].record.sex = Some(Sex::Male);
        ledger.members[1].record.sex = Some(Sex::Female);
        let under = Figures::of(&ledger, on, limit);
        assert_eq!((under.labourers, under.employed_labourers), (1, 0));
        assert_eq!(under.over_age_employed, 1);
        assert_eq!(
            under.employed, 1,
            "still counts among the household's employed"
        );
        assert!(
            under.zero_employment,
            "his work does not clear the household"
        );
        // Without a limit, the employment status decides: he is a labourer.
        let without = Figures::of(&ledger, on, None);
        assert_eq!((without.labourers, without.employed_labourers), (2, 1));
        assert_eq!(without.over_age_employed, 0);
        assert!(!without.zero_employment);

        // A woman of 54 is of working age until her 55th birthday.
        let mut near = household(&[(1972, Ordinary, Some(Employed))]);
        near.members[0].record.sex = Some(Sex::Female);
        let birthday = date!(2027 - 01 - 01);
        assert_eq!(Figures::until(&near, on, limit), Some(birthday));
        assert_eq!(Figures::of(&near, on, limit).labourers, 1);
        let after = Figures::of(&near, birthday, limit);
        assert_eq!((after.labourers, after.over_age_employed), (0, 1));
        assert_eq!(Figures::until(&near, on, None), None);
    }

    #[test]
    fn an_age_limit_reads_men_then_women() {
        assert_eq!(
            AgeLimit::parse("60,55"),
            Some(AgeLimit { men: 60, women: 55 })
        );
        assert_eq!(
            AgeLimit::parse(" 65 , 60 "),
            Some(AgeLimit { men: 65, women: 60 })
        );
        for bad in ["60", "60,", "sixty,55", "60,15", "300,55"] {
            assert_eq!(AgeLimit::parse(bad), None, "{bad}");
        }
        assert_eq!(AgeLimit { men: 60, women: 55 }.to_string(), "60,55");
    }

    #[test]
    fn a_household_whose_only_worker_is_no_labourer_is_zero_employment_and_counts_that_worker() {
        use EmploymentStatus::{Employed, Unemployed};
        use LabourCapacity::{Lost, Ordinary};
        let on = date!(2026 - 11 - 23);
        let ledger = household(&[
            (1970, Lost, Some(Employed)),
            (1990, Ordinary, Some(Unemployed)),
        ]);
        let figures = Figures::of(&ledger, on, None);
        assert!(figures.labour_household && figures.zero_employment);
        assert_eq!(
            (
                figures.labourers,
                figures.employed_labourers,
                figures.employed
            ),
            (1, 0, 1)
        );
        // Employed persons per labour household count the worker all the same.
        let tally = Tally::household(&figures, true, false, false);
        assert_eq!(tally.employed_in_labour_households, 1);
    }

    proptest::proptest! {
        #[test]
        fn the_figures_follow_the_definitions(
            people in proptest::collection::vec(
                (1940i32..2020, 0usize..5, proptest::option::of(0usize..4), proptest::bool::ANY),
                0..8,
            ),
            limited in proptest::bool::ANY,
        ) {
            let on = date!(2026 - 11 - 23);
            let limit = limited.then_some(AgeLimit { men: 60, women: 55 });
            let people: Vec<_> = (people.iter())
                .map(|&(birth, capacity, employment, man)| {
                    (
                        birth,
                        LabourCapacity::ALL[capacity],
                        employment.map(|e| EmploymentStatus::ALL[e]),
                        man,
                    )
                })
                .collect();
            let mut ledger = household(&people.iter().map(|p| (p.0, p.1, p.2)).collect::<Vec<_>>());
            for (member, person) in ledger.members.iter_mut().zip(&people) {
                member.record.sex = Some(if person.3 { Sex::Male } else { Sex::Female });
            }
            let figures = Figures::of(&ledger, on, limit);
            // Born on 1 January: their age is the year's difference.
            let past = |birth: i32, man: bool| {
                limit.is_some_and(|l| on.year() - birth >= i32::from(if man { l.men } else { l.women }))
            };
            let labourers = (people.iter())
                .filter(|(birth, capacity, employment, man)| {
                    on.year() - birth >= 16
                        && !past(*birth, *man)
                        && matches!(capacity, LabourCapacity::Skilled | LabourCapacity::Ordinary | LabourCapacity::Weak)
                        && !matches!(employment, Some(EmploymentStatus::Student | EmploymentStatus::Retired))
                })
                .collect::<Vec<_>>();
            let employed = labourers.iter().filter(|p| p.2 == Some(EmploymentStatus::Employed)).count();
            let over_age = (people.iter())
                .filter(|p| p.2 == Some(EmploymentStatus::Employed) && past(p.0, p.3))
                .count();
            proptest::prop_assert_eq!(figures.labourers as usize, labourers.len());
            proptest::prop_assert_eq!(figures.employed_labourers as usize, employed);
            proptest::prop_assert_eq!(figures.over_age_employed as usize, over_age);
            proptest::prop_assert_eq!(figures.labour_household, !labourers.is_empty());
            proptest::prop_assert_eq!(figures.zero_employment, !labourers.is_empty() && employed == 0);
            proptest::prop_assert!(figures.employed as usize >= employed + over_age);
        }
    }

    #[test]
    fn per_capita_income_counts_every_source_not_wages_alone() {
        use EmploymentStatus::{Employed, Retired};
        use LabourCapacity::{Ordinary, Weak};
        let on = date!(2026 - 11 - 23);
        let mut ledger = household(&[
            (1980, Ordinary, Some(Employed)),
            (1950, Weak, Some(Retired)),
        ]);
        ledger.members[0].record.months_worked = Some(12);
        ledger.members[0].record.monthly_income = Some(600);
        // Wages alone: 7,200 a year for two people.
        let wages_only = Figures::of(&ledger, on, None);
        assert_eq!(wages_only.per_capita, Some(3_600));
        assert!(wages_only.is_low_income(crate::indicators::LOW_INCOME_LINE));

        // The grandmother's pension and a subsidy, and a market stall.
        ledger.record.transfer_income = Some(9_000);
        ledger.record.business_income = Some(1_800);
        let all = Figures::of(&ledger, on, None);
        assert_eq!(all.per_capita, Some((7_200 + 9_000 + 1_800) / 2));
        assert!(!all.is_low_income(crate::indicators::LOW_INCOME_LINE));
    }

    #[test]
    fn figures_hold_until_a_member_comes_of_working_age() {
        let on = date!(2026 - 11 - 23);
        let household = ledger(&[
            (date!(1980 - 01 - 01), Some(EmploymentStatus::Employed)),
            (date!(2011 - 02 - 10), None),
            (date!(2012 - 05 - 01), None),
        ]);

        let until = Figures::until(&household, on, None);

        assert_eq!(until, Some(date!(2027 - 02 - 10)));
        assert_eq!(Figures::of(&household, on, None).labourers, 1);
        assert_eq!(Figures::of(&household, until.unwrap(), None).labourers, 2);
        assert_eq!(
            Figures::until(&household, until.unwrap(), None),
            Some(date!(2028 - 05 - 01))
        );
    }

    #[test]
    fn grids_roll_up_into_the_places_one_level_down() {
        use crate::codes::Level;
        let place = |code: &str, level, parent: Option<&str>| Place {
            code: PlaceCode::parse(code).unwrap(),
            level,
            name: code.into(),
            parent: parent.map(|p| PlaceCode::parse(p).unwrap()),
        };
        let places: BTreeMap<PlaceCode, Place> = [
            place("C", Level::County, None),
            place("A1", Level::Area, Some("C")),
            place("A2", Level::Area, Some("C")),
            place("G1", Level::Grid, Some("A1")),
            place("G2", Level::Grid, Some("A1")),
            place("G3", Level::Grid, Some("A2")),
        ]
        .into_iter()
        .map(|p| (p.code.clone(), p))
        .collect();
        let one = Tally {
            households: 1,
            ..Tally::default()
        };
        let grids: Vec<GridCode> = ["G1", "G2", "G3"]
            .iter()
            .map(|g| GridCode::parse(g).unwrap())
            .collect();
        let sums = |at: Option<&str>| {
            let at = at.map(|a| PlaceCode::parse(a).unwrap());
            roll_up(&places, at.as_ref(), grids.iter().map(|g| (g, one)))
                .into_iter()
                .map(|(code, t)| (code.to_string(), t.households))
                .collect::<Vec<_>>()
        };

        assert_eq!(sums(None), [("C".to_owned(), 3)]);
        assert_eq!(
            sums(Some("C")),
            [("A1".to_owned(), 2), ("A2".to_owned(), 1)]
        );
        assert_eq!(
            sums(Some("A1")),
            [("G1".to_owned(), 1), ("G2".to_owned(), 1)]
        );
    }

    #[test]
    fn tallies_sum_and_give_the_shares() {
        let on = date!(2026 - 11 - 23);
        let working = Figures::of(
            &ledger(&[(date!(1980 - 01 - 01), Some(EmploymentStatus::Employed))]),
            on,
            None,
        );
        let idle = Figures::of(
            &ledger(&[(date!(1980 - 01 - 01), Some(EmploymentStatus::Unemployed))]),
            on,
            None,
        );

        let mut total = Tally::household(&working, true, false, false);
        total += Tally::household(&idle, false, false, true);

        assert_eq!((total.households, total.surveyed, total.missed), (2, 1, 1));
        assert_eq!(total.employment_rate(), Some(0.5));
        assert_eq!(total.zero_employment, 1);
        assert_eq!(total.low_income, 1);
        assert_eq!(total.surveyed_share(), Some(0.5));
    }
}
