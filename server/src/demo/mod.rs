//! The demo dataset: one resettlement community modelled on the seed reports,
//! two grids, six buildings, 300 households, last round's ledger filled in,
//! and the outlines of its grids and buildings in the county town of Ningwu.
//! Generated from a fixed seed, so every run builds the same community.

pub mod generate;
pub mod underway;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use shared::codes::{
    Channel, Education, EmploymentStatus, LabourCapacity, Level, Relation, Role, Sex, Training,
    WorkPlace,
};
use shared::merge::{HouseholdLedger, MemberLedger, merge_household};
use shared::phone::Phone;
use shared::place::{GridCode, HouseholdCode, PersonId, Place, PlaceCode};
use shared::record::{HouseholdRecord, LabourRecord};
use shared::resident_id::{ResidentId, check_char};
use shared::round::Round;
use shared::wire::Workplace;
use time::{Date, Duration, Month};

use crate::http::auth::hash_password;
use crate::import::boundary::Boundary;
use crate::store::{Credentials, GridRow, HouseholdPlace, Seed, User};

const SEED: u64 = 2026;
const AREA: &str = "宁武县幸福家园安置区";
/// The demo area's code, and the places above it, from the top: code,
/// level, name.
const AREA_CODE: &str = "XFJY";
const ABOVE_AREA: &[(&str, Level, &str)] = &[
    ("140900000000", Level::City, "忻州市"),
    ("140925000000", Level::County, "宁武县"),
    ("140925100000", Level::Township, "凤凰镇"),
];
const FLOORS: i16 = 6;
const ROOMS_PER_FLOOR: i16 = 9;
/// Households left empty so buildings are not all the same size.
const VACANT_EVERY: usize = 13;

/// The two grids side by side, about 170 m each from west to east, sharing
/// the street between them (WGS 84, longitude first).
const GRID_OUTLINES: [&str; 2] = [
    "POLYGON((112.3 39.0, 112.302 39.0, 112.302 39.0016, 112.3008 39.00175, 112.3 39.0015))",
    "POLYGON((112.302 39.0, 112.3041 39.0, 112.3043 39.0012, 112.3038 39.0017, 112.302 39.0016))",
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "赵", "杨", "郭", "高", "武", "任", "贾", "田", "韩", "侯", "冯", "温",
    "薛", "闫", "梁", "白", "秦", "乔", "马", "孙",
];
const MALE_GIVEN: &[&str] = &[
    "建军", "志强", "永平", "海明", "国庆", "保平", "小龙", "俊杰", "宏伟", "文斌", "晓东", "二虎",
    "福生", "金山", "鹏飞", "子豪", "浩然", "宇航", "明亮", "天佑",
];
const FEMALE_GIVEN: &[&str] = &[
    "桂英", "秀兰", "玉梅", "翠萍", "丽娟", "春花", "美玲", "晓燕", "红霞", "彩云", "慧敏", "雅琪",
    "欣怡", "梓涵", "丽芳", "小芳", "金花", "月娥", "婷婷", "佳怡",
];
/// County codes of Xinzhou, Shanxi, where the seed's resettlement areas are.
const COUNTIES: &[&str] = &["140925", "140928", "140929", "140930", "140931", "140932"];

/// The demo dataset for `round`: places, users, and the previous round's ledger.
pub fn dataset(round: Round) -> Seed {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let previous = round.previous();
    let as_of = round_start(round);
    let grids = vec![
        grid_row("G1", "第一网格", GRID_OUTLINES[0]),
        grid_row("G2", "第二网格", GRID_OUTLINES[1]),
    ];
    let mut building_boundaries = Vec::new();
    let mut households = Vec::new();
    let mut ledgers = Vec::new();
    let mut slot = 0usize;
    for building in 1..=6u8 {
        let grid = &grids[usize::from((building - 1) / 3)].code;
        building_boundaries.push((
            grid.clone(),
            format!("{building}号楼"),
            building_outline(building),
        ));
        for floor in 1..=FLOORS {
            for room in 1..=ROOMS_PER_FLOOR {
                slot += 1;
                if slot.is_multiple_of(VACANT_EVERY) {
                    continue;
                }
                let code = HouseholdCode::parse(&format!("XF-{building}-{floor:02}{room:02}"))
                    .expect("demo codes are plain");
                households.push(HouseholdPlace {
                    code: code.clone(),
                    grid: grid.clone(),
                    building: format!("{building}号楼"),
                    floor,
                    room: format!("{floor}{room:02}"),
                });
                let members = family(&mut rng, &code, as_of);
                let record = HouseholdRecord {
                    phone: members[0].record.phone.clone(),
                    address: Some(format!("{AREA} {building}号楼 {floor}{room:02}室")),
                    monitored: Some(rng.gen_bool(0.05)),
                    ..HouseholdRecord::default()
                };
                ledgers.push(HouseholdLedger {
                    record,
                    members,
                    ..merge_household(&code, previous, None, &[])
                });
            }
        }
    }
    let password_hash = hash_password("demo");
    let at = |code: &str, name: &str, level: Level, building: Option<&str>| Workplace {
        code: PlaceCode::parse(code).expect("demo place codes are plain"),
        name: name.into(),
        level,
        building: building.map(str::to_owned),
    };
    let user = |username: &str, display_name: &str, role: Role, workplace: Option<Workplace>| {
        Credentials {
            user: User {
                username: username.into(),
                display_name: display_name.into(),
                role,
                workplace,
                demo: true,
                disabled: false,
                must_change_password: false,
            },
            password_hash: password_hash.clone(),
        }
    };
    let grid_1 = |building| at("G1", "第一网格", Level::Grid, building);
    let users = vec![
        user("admin", "系统管理员", Role::Admin, None),
        user("supervisor", "县乡村振兴局 督导", Role::Supervisor, None),
        user(
            "area",
            "幸福家园安置区 督导",
            Role::Supervisor,
            Some(at(AREA_CODE, AREA, Level::Area, None)),
        ),
        user(
            "surveyor",
            "驻点工作队 李文华",
            Role::Surveyor,
            Some(grid_1(None)),
        ),
        user(
            "grid",
            "网格员 张秀梅",
            Role::GridMember,
            Some(grid_1(None)),
        ),
        user(
            "building",
            "楼栋长 王桂兰",
            Role::BuildingHead,
            Some(grid_1(Some("1号楼"))),
        ),
    ];
    Seed {
        places: places(),
        grids,
        building_boundaries,
        households,
        ledgers,
        users,
    }
}

/// The places above the grids, from the city down to the area.
fn places() -> Vec<Place> {
    let code = |c: &str| PlaceCode::parse(c).expect("demo place codes are plain");
    let mut res: Vec<Place> = Vec::new();
    for &(place, level, name) in ABOVE_AREA.iter().chain([&(AREA_CODE, Level::Area, AREA)]) {
        res.push(Place {
            code: code(place),
            level,
            name: name.into(),
            parent: res.last().map(|p| p.code.clone()),
        });
    }
    res
}

fn grid_row(code: &str, name: &str, outline: &str) -> GridRow {
    GridRow {
        code: GridCode::parse(code).expect("demo grid codes are plain"),
        name: name.into(),
        area: AREA.into(),
        parent: Some(PlaceCode::parse(AREA_CODE).expect("demo place codes are plain")),
        boundary: Some(Boundary::parse(outline).expect("demo outlines are polygons")),
    }
}

/// A six-storey slab block, about 69 m by 16 m: buildings 1 to 3 from south
/// to north in grid 1, 4 to 6 in grid 2.
fn building_outline(building: u8) -> Boundary {
    let (column, row) = (f64::from((building - 1) / 3), f64::from((building - 1) % 3));
    let (west, south) = (112.3006 + column * 0.002, 39.00025 + row * 0.00045);
    let (east, north) = (west + 0.0008, south + 0.00014);
    let wkt = format!(
        "POLYGON(({west:.5} {south:.5}, {east:.5} {south:.5}, {east:.5} {north:.5}, \
         {west:.5} {north:.5}, {west:.5} {south:.5}))"
    );
    Boundary::parse(&wkt).expect("demo outlines are polygons")
}

pub(crate) fn round_start(round: Round) -> Date {
    let month = Month::try_from(round.quarter() * 3 - 2).expect("quarters start in valid months");
    Date::from_calendar_date(i32::from(round.year()), month, 1).expect("the first is a date")
}

struct Person {
    relation: Relation,
    sex: Sex,
    age: i32,
}

pub(crate) fn family(rng: &mut ChaCha8Rng, code: &HouseholdCode, as_of: Date) -> Vec<MemberLedger> {
    let head_age = rng.gen_range(28..=68);
    let head_sex = if rng.gen_bool(0.8) {
        Sex::Male
    } else {
        Sex::Female
    };
    let mut people = vec![Person {
        relation: Relation::Head,
        sex: head_sex,
        age: head_age,
    }];
    if rng.gen_bool(0.75) {
        people.push(Person {
            relation: Relation::Spouse,
            sex: opposite(head_sex),
            age: (head_age + rng.gen_range(-4..=3)).max(20),
        });
    }
    let n_children = [0, 1, 1, 1, 2, 2][rng.gen_range(0..6)];
    for _ in 0..n_children {
        let age = head_age - rng.gen_range(22..=34);
        if age >= 0 {
            people.push(Person {
                relation: Relation::Child,
                sex: random_sex(rng),
                age,
            });
        }
    }
    if head_age < 45 && rng.gen_bool(0.2) {
        people.push(Person {
            relation: Relation::Parent,
            sex: random_sex(rng),
            age: head_age + rng.gen_range(24..=30),
        });
    }
    if head_age > 52 && rng.gen_bool(0.3) {
        people.push(Person {
            relation: Relation::Grandchild,
            sex: random_sex(rng),
            age: rng.gen_range(1..=12),
        });
    }
    let surname = SURNAMES[rng.gen_range(0..SURNAMES.len())];
    let county = COUNTIES[rng.gen_range(0..COUNTIES.len())];
    people
        .into_iter()
        .enumerate()
        .map(|(idx, person)| {
            let own_surname = if person.relation == Relation::Spouse
                || (person.relation == Relation::Parent && person.sex == Sex::Female)
            {
                SURNAMES[rng.gen_range(0..SURNAMES.len())]
            } else {
                surname
            };
            let id = PersonId::parse(&format!("{code}-{}", idx + 1)).expect("plain ids");
            MemberLedger {
                record: record(rng, &person, own_surname, county, as_of),
                ..MemberLedger::new(id)
            }
        })
        .collect()
}

fn opposite(sex: Sex) -> Sex {
    match sex {
        Sex::Male => Sex::Female,
        Sex::Female => Sex::Male,
    }
}

fn random_sex(rng: &mut ChaCha8Rng) -> Sex {
    if rng.gen_bool(0.5) {
        Sex::Male
    } else {
        Sex::Female
    }
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, weighted: &[(T, u32)]) -> T {
    let total: u32 = weighted.iter().map(|(_, w)| w).sum();
    let mut roll = rng.gen_range(0..total);
    for &(value, weight) in weighted {
        if roll < weight {
            return value;
        }
        roll -= weight;
    }
    weighted[0].0
}

fn resident_id(rng: &mut ChaCha8Rng, county: &str, birth: Date, sex: Sex) -> ResidentId {
    let mut seq = rng.gen_range(0..500u32) * 2;
    if sex == Sex::Male {
        seq += 1;
    }
    resident_id_of(county, birth, seq)
}

/// The ID number of a person of `region` (six digits) born on `birth`,
/// with order code `seq` (odd for men), and its check character.
pub(crate) fn resident_id_of(region: &str, birth: Date, seq: u32) -> ResidentId {
    let mut raw = format!(
        "{region}{:04}{:02}{:02}{seq:03}",
        birth.year(),
        birth.month() as u8,
        birth.day()
    )
    .into_bytes();
    raw.push(check_char(&raw));
    ResidentId::parse(std::str::from_utf8(&raw).expect("ASCII")).expect("demo IDs are built valid")
}

fn record(
    rng: &mut ChaCha8Rng,
    person: &Person,
    surname: &str,
    county: &str,
    as_of: Date,
) -> LabourRecord {
    let given = match person.sex {
        Sex::Male => MALE_GIVEN[rng.gen_range(0..MALE_GIVEN.len())],
        Sex::Female => FEMALE_GIVEN[rng.gen_range(0..FEMALE_GIVEN.len())],
    };
    let birth = as_of - Duration::days(i64::from(person.age) * 365 + rng.gen_range(0..365));
    let age = person.age;
    let capacity = match age {
        ..16 => LabourCapacity::None,
        16..60 => pick(
            rng,
            &[
                (LabourCapacity::Skilled, 25),
                (LabourCapacity::Ordinary, 55),
                (LabourCapacity::Weak, 12),
                (LabourCapacity::Lost, 8),
            ],
        ),
        60..70 => pick(
            rng,
            &[
                (LabourCapacity::Ordinary, 20),
                (LabourCapacity::Weak, 50),
                (LabourCapacity::Lost, 30),
            ],
        ),
        _ => LabourCapacity::Lost,
    };
    let education = match age {
        ..7 => None,
        7..13 => Some(Education::Primary),
        13..16 => Some(Education::Junior),
        16..40 => Some(pick(
            rng,
            &[
                (Education::Junior, 45),
                (Education::Senior, 20),
                (Education::Vocational, 20),
                (Education::College, 15),
            ],
        )),
        _ => Some(pick(
            rng,
            &[
                (Education::None, 20),
                (Education::Primary, 45),
                (Education::Junior, 30),
                (Education::Senior, 5),
            ],
        )),
    };
    let able = matches!(
        capacity,
        LabourCapacity::Skilled | LabourCapacity::Ordinary | LabourCapacity::Weak
    );
    let studying = (6..16).contains(&age) || ((16..23).contains(&age) && rng.gen_bool(0.35));
    let employment = if studying {
        Some(EmploymentStatus::Student)
    } else if age < 6 {
        None
    } else if able {
        let p = if capacity == LabourCapacity::Weak {
            0.6
        } else {
            0.9
        };
        Some(if rng.gen_bool(p) {
            EmploymentStatus::Employed
        } else {
            EmploymentStatus::Unemployed
        })
    } else {
        Some(EmploymentStatus::Retired)
    };
    let mut res = LabourRecord {
        name: Some(format!("{surname}{given}")),
        sex: Some(person.sex),
        birth_date: Some(birth),
        resident_id: Some(resident_id(rng, county, birth, person.sex)),
        relation: Some(person.relation),
        education,
        capacity: Some(capacity),
        employment,
        ..LabourRecord::default()
    };
    if age >= 16 && rng.gen_bool(0.9) {
        let phone = format!(
            "1{}{:09}",
            rng.gen_range(3..=9),
            rng.gen_range(0..1_000_000_000u32)
        );
        res.phone = Some(Phone::parse(&phone).expect("demo phones are built valid"));
    }
    if res.is_employed() {
        let channel = pick(
            rng,
            &[
                (Channel::Migrant, 25),
                (Channel::OrganisedExport, 8),
                (Channel::Local, 20),
                (Channel::IndustrialPark, 12),
                (Channel::Workshop, 10),
                (Channel::PublicWelfare, 8),
                (Channel::SelfEmployed, 8),
                (Channel::Farming, 6),
                (Channel::Other, 3),
            ],
        );
        let (place, employer, income) = match channel {
            Channel::Migrant => (
                if rng.gen_bool(0.6) {
                    WorkPlace::OutsideProvince
                } else {
                    WorkPlace::InProvince
                },
                "建筑工地",
                rng.gen_range(3500..=7000),
            ),
            Channel::OrganisedExport => (
                WorkPlace::OutsideProvince,
                "天津家政服务公司（忻州保姆）",
                rng.gen_range(4000..=6500),
            ),
            Channel::Local => (WorkPlace::InCounty, "县城商超", rng.gen_range(2000..=3500)),
            Channel::IndustrialPark => (
                WorkPlace::InCounty,
                "县产业园区服装厂",
                rng.gen_range(2500..=4000),
            ),
            Channel::Workshop => (
                WorkPlace::InCounty,
                "社区帮扶车间（手工编织）",
                rng.gen_range(1500..=2800),
            ),
            Channel::PublicWelfare => (
                WorkPlace::InCounty,
                "社区保洁公益岗",
                rng.gen_range(800..=1500),
            ),
            Channel::SelfEmployed => (
                WorkPlace::InCounty,
                "个体小吃店",
                rng.gen_range(2000..=6000),
            ),
            Channel::Farming => (
                WorkPlace::InCounty,
                "杂粮种植合作社",
                rng.gen_range(1200..=2500),
            ),
            Channel::Other => (WorkPlace::InCounty, "灵活就业", rng.gen_range(1500..=3000)),
        };
        res.channel = Some(channel);
        res.work_place = Some(place);
        res.employer = Some(employer.into());
        res.months_worked = Some(rng.gen_range(6..=12));
        res.monthly_income = Some(income);
    }
    if able && age >= 16 {
        let trained = rng.gen_bool(0.4);
        res.training = Some(if trained {
            pick(
                rng,
                &[
                    (Training::Skills, 40),
                    (Training::Domestic, 25),
                    (Training::Construction, 15),
                    (Training::Agriculture, 10),
                    (Training::Entrepreneurship, 10),
                ],
            )
        } else {
            Training::None
        });
        res.certified = Some(trained && rng.gen_bool(0.5));
        res.willing_to_train = Some(rng.gen_bool(0.6));
        if res.employment == Some(EmploymentStatus::Unemployed) {
            res.intended_work =
                Some(["就近务工", "家政服务", "保安保洁", "餐饮服务"][rng.gen_range(0..4)].into());
            res.intended_place = Some(WorkPlace::InCounty);
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use shared::flags::{Fix, outside_by};

    use super::*;

    #[test]
    fn the_demo_community_has_the_promised_shape() {
        let round = Round::parse("2026Q4").unwrap();
        let seed = dataset(round);
        assert_eq!(seed.grids.len(), 2);
        let buildings: std::collections::BTreeSet<_> =
            seed.households.iter().map(|h| &h.building).collect();
        assert_eq!(buildings.len(), 6);
        assert!((280..=300).contains(&seed.households.len()));
        let people: usize = seed.ledgers.iter().map(|l| l.members.len()).sum();
        assert!((800..=1100).contains(&people), "{people} people");
        assert!(seed.ledgers.iter().all(|l| l.round == round.previous()));
    }

    #[test]
    fn every_building_lies_inside_its_grid() {
        let seed = dataset(Round::parse("2026Q4").unwrap());
        assert_eq!(seed.building_boundaries.len(), 6);
        for (grid, building, outline) in &seed.building_boundaries {
            let grid = seed.grids.iter().find(|g| &g.code == grid).unwrap();
            let grid = grid.boundary.as_ref().unwrap().to_polygon().unwrap();
            let outline = outline.to_polygon().unwrap();
            for corner in outline.exterior().0.iter() {
                let fix = Fix {
                    longitude: corner.x,
                    latitude: corner.y,
                    accuracy_m: 0.0,
                };
                assert_eq!(outside_by(fix, &grid), None, "{building}");
            }
            assert!(
                seed.households.iter().any(|h| &h.building == building),
                "{building} has households"
            );
        }
    }

    #[test]
    fn ids_agree_with_birth_date_and_sex() {
        let seed = dataset(Round::parse("2026Q4").unwrap());
        for member in seed.ledgers.iter().flat_map(|l| &l.members) {
            let record = &member.record;
            let id = record.resident_id.as_ref().unwrap();
            assert_eq!(Some(id.birth_date()), record.birth_date);
            assert_eq!(Some(id.sex()), record.sex);
        }
    }

    #[test]
    fn the_same_seed_builds_the_same_community() {
        let round = Round::parse("2026Q4").unwrap();
        assert_eq!(dataset(round).ledgers, dataset(round).ledgers);
    }
}
