//! The indicators the seeds follow, computed from a set of ledgers: labour
//! households, zero-employment households (零就业家庭), employed persons per
//! labour household, the per-person employment rate, training coverage,
//! low-income households (防返贫监测) and where people work.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::codes::{Channel, EmploymentStatus, Sex, WorkPlace};
use crate::extra::{ExtraField, ExtraKey, ExtraKind, ExtraValue, Target};
use crate::merge::HouseholdLedger;
use crate::place::{GridCode, HouseholdCode};
use crate::record::LabourRecord;
use crate::round::Round;
use crate::tally::{Figures, Tally};
use crate::validate::WORKING_AGE;

/// Datong's line for observing relapse into poverty: 8,500 yuan a year per person.
pub const LOW_INCOME_LINE: u32 = 8_500;

/// A household under the low-income line, with its per-capita annual income.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LowIncome {
    pub household: HouseholdCode,
    /// Yuan per person per year, from each member's months and monthly income.
    pub per_capita: u32,
}

/// The indicators of a set of households for one round.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Indicators {
    pub households: u32,
    /// Households with at least one labourer (有劳动力的家庭).
    pub labour_households: u32,
    /// Able, of working age and not in school.
    pub labourers: u32,
    /// Labourers in work.
    pub employed_labourers: u32,
    /// Everyone in work in a labour household (for persons per household).
    pub employed_in_labour_households: u32,
    /// Labourers able and willing to train.
    pub willing_to_train: u32,
    /// Of those, how many received training.
    pub trained_of_willing: u32,
    /// Labour households with nobody in work, to follow up.
    pub zero_employment: Vec<HouseholdCode>,
    /// Households under the low-income line, to follow up.
    pub low_income: Vec<LowIncome>,
    /// Employed persons by how they found work.
    pub by_channel: BTreeMap<Channel, u32>,
    /// Employed persons by where they work.
    pub by_work_place: BTreeMap<WorkPlace, u32>,
    /// The answers to the county's added yes/no and choice fields: a
    /// member's among the labourers it asks, a household's among the
    /// households it asks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<AddedCount>,
}

/// How one added field was answered across a set of ledgers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddedCount {
    pub key: ExtraKey,
    pub zh: String,
    pub en: String,
    /// Labourers (or households) the field asks.
    pub asked: u32,
    /// Of those, how many answered each value: `true` or `false` for yes or
    /// no, a choice's code.
    pub answers: BTreeMap<String, u32>,
}

impl AddedCount {
    fn new(field: &ExtraField) -> AddedCount {
        AddedCount {
            key: field.key,
            zh: field.zh.clone(),
            en: field.en.clone(),
            asked: 0,
            answers: BTreeMap::new(),
        }
    }

    fn count(&mut self, value: Option<&ExtraValue>) {
        self.asked += 1;
        let answer = match value {
            Some(ExtraValue::Bool(b)) => b.to_string(),
            Some(ExtraValue::Text(code)) => code.clone(),
            Some(ExtraValue::Int(_)) | None => return,
        };
        *self.answers.entry(answer).or_default() += 1;
    }
}

impl Indicators {
    /// The counts as a place's `Tally` (coverage left at zero), whose
    /// ratios are the indicators'.
    pub fn tally(&self) -> Tally {
        Tally {
            households: self.households,
            labour_households: self.labour_households,
            labourers: self.labourers,
            employed_labourers: self.employed_labourers,
            employed_in_labour_households: self.employed_in_labour_households,
            willing_to_train: self.willing_to_train,
            trained_of_willing: self.trained_of_willing,
            zero_employment: self.zero_employment.len() as u32,
            low_income: self.low_income.len() as u32,
            ..Tally::default()
        }
    }
}

/// `GET /api/v1/indicators`: a scope's indicators for a round, with the
/// ratios worked out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorReport {
    pub round: Round,
    /// Yuan per person per year under which a household is listed.
    pub low_income_line: u32,
    pub indicators: Indicators,
    pub employed_per_labour_household: Option<f64>,
    pub employment_rate: Option<f64>,
    /// The share of labour households in which a labourer works.
    pub employed_household_share: Option<f64>,
    pub training_coverage: Option<f64>,
    /// The main figures of each grid in the scope, to compare at a glance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_grid: Vec<GridFigures>,
}

/// One grid's main figures for a round.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GridFigures {
    pub grid: GridCode,
    pub households: u32,
    pub employment_rate: Option<f64>,
    pub zero_employment: u32,
    pub low_income: u32,
}

impl GridFigures {
    pub fn new(grid: GridCode, indicators: &Indicators) -> GridFigures {
        GridFigures {
            grid,
            households: indicators.households,
            employment_rate: indicators.tally().employment_rate(),
            zero_employment: indicators.zero_employment.len() as u32,
            low_income: indicators.low_income.len() as u32,
        }
    }
}

impl IndicatorReport {
    pub fn new(round: Round, low_income_line: u32, indicators: Indicators) -> IndicatorReport {
        IndicatorReport {
            round,
            low_income_line,
            employed_per_labour_household: indicators.tally().employed_per_labour_household(),
            employment_rate: indicators.tally().employment_rate(),
            employed_household_share: indicators.tally().employed_household_share(),
            training_coverage: indicators.tally().training_coverage(),
            indicators,
            by_grid: Vec::new(),
        }
    }
}

/// The end of working age a deployment may set (older local rules: men
/// to 60, women to 55): a person is of working age until that birthday.
/// Without one, the employment status (退休或不在劳动年龄) decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgeLimit {
    pub men: u8,
    pub women: u8,
}

impl AgeLimit {
    /// `60,55`: men's, then women's.
    pub fn parse(raw: &str) -> Option<AgeLimit> {
        let (men, women) = raw.split_once(',')?;
        let age = |a: &str| {
            a.trim()
                .parse::<u8>()
                .ok()
                .filter(|a| u32::from(*a) > WORKING_AGE)
        };
        Some(AgeLimit {
            men: age(men)?,
            women: age(women)?,
        })
    }

    /// The limit for a person, when their sex is known.
    pub fn of(&self, record: &LabourRecord) -> Option<u8> {
        let sex = record.sex.or_else(|| {
            record
                .resident_id
                .as_ref()
                .map(crate::resident_id::ResidentId::sex)
        })?;
        Some(match sex {
            Sex::Male => self.men,
            Sex::Female => self.women,
        })
    }

    /// Whether a person is past working age on `on`.
    pub fn is_past(&self, record: &LabourRecord, on: Date) -> bool {
        match (self.of(record), record.age_on(on)) {
            (Some(limit), Some(age)) => age >= u32::from(limit),
            _ => false,
        }
    }
}

impl std::fmt::Display for AgeLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{},{}", self.men, self.women)
    }
}

/// Whether a person counts as labour (劳动力) on `on`: of working age (or
/// of unknown age; under `limit`, when the deployment sets one), able
/// (技能、普通、弱劳动力或半劳动力), and neither in school nor retired or
/// outside working age (退休或不在劳动年龄).
pub fn is_labourer(record: &LabourRecord, on: Date, limit: Option<AgeLimit>) -> bool {
    record.has_labour_capacity()
        && record.age_on(on).is_none_or(|a| a >= WORKING_AGE)
        && !limit.is_some_and(|l| l.is_past(record, on))
        && !matches!(
            record.employment,
            Some(EmploymentStatus::Student | EmploymentStatus::Retired)
        )
}

/// Whether a person works past working age (超龄务工): employed, and past
/// the deployment's limit.
pub fn is_over_age_worker(record: &LabourRecord, on: Date, limit: Option<AgeLimit>) -> bool {
    record.is_employed() && limit.is_some_and(|l| l.is_past(record, on))
}

/// A member's wages this year: months worked times monthly income.
pub(crate) fn annual_income(record: &LabourRecord) -> u32 {
    match (record.months_worked, record.monthly_income) {
        (Some(months), Some(income)) => u32::from(months).saturating_mul(income),
        _ => 0,
    }
}

/// Computes the indicators of `ledgers` as of `on`, with households whose
/// per-capita annual income is under `low_income_line` listed, and the
/// answers to `fields`' yes/no and choice fields.
pub fn indicators(
    ledgers: &[HouseholdLedger],
    on: Date,
    low_income_line: u32,
    limit: Option<AgeLimit>,
    fields: &[ExtraField],
) -> Indicators {
    let mut res = Indicators::default();
    let counted: Vec<&ExtraField> = fields
        .iter()
        .filter(|f| matches!(f.kind, ExtraKind::YesNo | ExtraKind::Choice(_)))
        .collect();
    res.added = counted.iter().map(|f| AddedCount::new(f)).collect();
    for ledger in ledgers {
        for (field, count) in counted.iter().zip(&mut res.added) {
            match field.target {
                Target::Household if field.asks_household(&ledger.record) => {
                    count.count(ledger.record.extra.get(field.key));
                }
                Target::Household => {}
                Target::Member => {
                    let asked = (ledger.present_members()).filter(|m| {
                        is_labourer(&m.record, on, limit) && field.asks_member(&m.record, on)
                    });
                    for member in asked {
                        count.count(member.record.extra.get(field.key));
                    }
                }
            }
        }
        res.households += 1;
        let figures = Figures::of(ledger, on, limit);
        for member in ledger.present_members().filter(|m| m.record.is_employed()) {
            if let Some(channel) = member.record.channel {
                *res.by_channel.entry(channel).or_default() += 1;
            }
            if let Some(place) = member.record.work_place {
                *res.by_work_place.entry(place).or_default() += 1;
            }
        }
        res.labourers += figures.labourers;
        res.employed_labourers += figures.employed_labourers;
        res.willing_to_train += figures.willing_to_train;
        res.trained_of_willing += figures.trained_of_willing;
        if figures.labour_household {
            res.labour_households += 1;
            res.employed_in_labour_households += figures.employed;
        }
        if figures.zero_employment {
            res.zero_employment.push(ledger.household.clone());
        }
        if let Some(per_capita) = figures
            .per_capita
            .filter(|_| figures.is_low_income(low_income_line))
        {
            res.low_income.push(LowIncome {
                household: ledger.household.clone(),
                per_capita,
            });
        }
    }
    res.zero_employment.sort();
    res.low_income.sort_by(|a, b| a.household.cmp(&b.household));
    res
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::codes::{LabourCapacity, LeaveReason, Training};
    use crate::merge::MemberLedger;
    use crate::merge::merge_household;
    use crate::place::PersonId;
    use crate::round::Round;

    const ON: Date = date!(2026 - 11 - 23);

    fn adult(employment: EmploymentStatus) -> LabourRecord {
        LabourRecord {
            birth_date: Some(date!(1980 - 01 - 01)),
            capacity: Some(LabourCapacity::Ordinary),
            employment: Some(employment),
            ..LabourRecord::default()
        }
    }

    fn working(channel: Channel, months: u8, income: u32) -> LabourRecord {
        LabourRecord {
            channel: Some(channel),
            work_place: Some(WorkPlace::InCounty),
            months_worked: Some(months),
            monthly_income: Some(income),
            ..adult(EmploymentStatus::Employed)
        }
    }

    fn child() -> LabourRecord {
        LabourRecord {
            birth_date: Some(date!(2018 - 05 - 01)),
            capacity: Some(LabourCapacity::None),
            employment: Some(EmploymentStatus::Student),
            ..LabourRecord::default()
        }
    }

    fn household(code: &str, records: Vec<LabourRecord>) -> HouseholdLedger {
        HouseholdLedger {
            members: records
                .into_iter()
                .enumerate()
                .map(|(idx, record)| MemberLedger {
                    record,
                    ..MemberLedger::new(PersonId::parse(&format!("{code}-{idx}")).unwrap())
                })
                .collect(),
            ..merge_household(
                &HouseholdCode::parse(code).unwrap(),
                Round::parse("2026Q4").unwrap(),
                None,
                &[],
            )
        }
    }

    fn codes(list: &[HouseholdCode]) -> Vec<&str> {
        list.iter().map(HouseholdCode::as_str).collect()
    }

    #[test]
    fn an_added_yes_no_field_is_counted_among_the_labourers_it_asks() {
        let pension = crate::extra::ExtraKey::parse("pension").unwrap();
        let field = ExtraField {
            key: pension,
            target: Target::Member,
            zh: "参保".into(),
            en: "Pension".into(),
            kind: ExtraKind::YesNo,
            required: true,
            applies: None,
        };
        let enrolled = |yes: bool| {
            let mut record = adult(EmploymentStatus::Unemployed);
            record.extra = crate::extra::Extras::from_iter([(pension, ExtraValue::Bool(yes))]);
            record
        };
        let ledgers = [
            household("H1", vec![enrolled(true), enrolled(false), child()]),
            household(
                "H2",
                vec![enrolled(true), adult(EmploymentStatus::Unemployed)],
            ),
        ];
        let res = indicators(
            &ledgers,
            ON,
            LOW_INCOME_LINE,
            None,
            std::slice::from_ref(&field),
        );
        let count = &res.added[0];
        assert_eq!(
            (count.key, count.asked),
            (pension, 4),
            "the child is no labourer"
        );
        assert_eq!(count.answers["true"], 2);
        assert_eq!(count.answers["false"], 1);
        let text = ExtraField {
            kind: ExtraKind::Text { max: 10 },
            ..field
        };
        assert!(
            indicators(&ledgers, ON, LOW_INCOME_LINE, None, &[text])
                .added
                .is_empty()
        );
    }

    #[test]
    fn counts_labour_households_and_lists_zero_employment() {
        let ledgers = [
            household(
                "H1",
                vec![
                    working(Channel::Workshop, 12, 2500),
                    adult(EmploymentStatus::Unemployed),
                    child(),
                ],
            ),
            household("H2", vec![adult(EmploymentStatus::Unemployed)]),
            // Nobody able to work: not a labour household, so not zero-employment.
            household(
                "H3",
                vec![LabourRecord {
                    capacity: Some(LabourCapacity::Lost),
                    ..LabourRecord::default()
                }],
            ),
        ];

        let res = indicators(&ledgers, ON, LOW_INCOME_LINE, None, &[]);

        assert_eq!(res.households, 3);
        assert_eq!(res.labour_households, 2);
        assert_eq!(res.labourers, 3);
        assert_eq!(res.employed_labourers, 1);
        assert_eq!(codes(&res.zero_employment), ["H2"]);
        assert_eq!(res.tally().employed_per_labour_household(), Some(0.5));
        assert_eq!(res.tally().employment_rate(), Some(1.0 / 3.0));
    }

    #[test]
    fn lists_households_under_the_low_income_line() {
        let ledgers = [
            // 12 × 2,500 = 30,000 over three people: 10,000 each.
            household(
                "H1",
                vec![
                    working(Channel::Local, 12, 2500),
                    adult(EmploymentStatus::Unemployed),
                    child(),
                ],
            ),
            // 6 × 1,000 = 6,000 over one person.
            household("H2", vec![working(Channel::PublicWelfare, 6, 1000)]),
        ];

        let res = indicators(&ledgers, ON, LOW_INCOME_LINE, None, &[]);

        assert_eq!(
            res.low_income,
            [LowIncome {
                household: HouseholdCode::parse("H2").unwrap(),
                per_capita: 6000
            }]
        );
        assert_eq!(
            indicators(&ledgers, ON, 12_000, None, &[]).low_income.len(),
            2
        );
    }

    #[test]
    fn training_coverage_counts_those_able_and_willing() {
        let willing_trained = LabourRecord {
            willing_to_train: Some(true),
            training: Some(Training::Domestic),
            ..adult(EmploymentStatus::Unemployed)
        };
        let willing_untrained = LabourRecord {
            willing_to_train: Some(true),
            training: Some(Training::None),
            ..adult(EmploymentStatus::Unemployed)
        };
        let unwilling = LabourRecord {
            willing_to_train: Some(false),
            ..adult(EmploymentStatus::Unemployed)
        };
        let res = indicators(
            &[household(
                "H1",
                vec![willing_trained, willing_untrained, unwilling],
            )],
            ON,
            LOW_INCOME_LINE,
            None,
            &[],
        );
        assert_eq!((res.willing_to_train, res.trained_of_willing), (2, 1));
        assert_eq!(res.tally().training_coverage(), Some(0.5));
    }

    #[test]
    fn counts_channels_and_places_of_the_employed() {
        let res = indicators(
            &[household(
                "H1",
                vec![
                    working(Channel::Workshop, 12, 2000),
                    working(Channel::Workshop, 10, 2000),
                    working(Channel::Migrant, 10, 5000),
                ],
            )],
            ON,
            LOW_INCOME_LINE,
            None,
            &[],
        );
        assert_eq!(res.by_channel[&Channel::Workshop], 2);
        assert_eq!(res.by_channel[&Channel::Migrant], 1);
        assert_eq!(res.by_work_place[&WorkPlace::InCounty], 3);
    }

    #[test]
    fn members_who_left_do_not_count() {
        let mut ledger = household(
            "H1",
            vec![
                working(Channel::Workshop, 12, 2500),
                adult(EmploymentStatus::Unemployed),
            ],
        );
        ledger.members[0].left = Some(LeaveReason::MovedOut);
        let res = indicators(&[ledger], ON, LOW_INCOME_LINE, None, &[]);
        assert_eq!(codes(&res.zero_employment), ["H1"]);
        assert_eq!(res.labourers, 1);
    }

    #[test]
    fn no_households_means_no_ratios() {
        let res = indicators(&[], ON, LOW_INCOME_LINE, None, &[]);
        assert_eq!(res.tally().employment_rate(), None);
        assert_eq!(res.tally().employed_per_labour_household(), None);
    }
}
