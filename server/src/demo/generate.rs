//! A city or a province as roster files, for measuring Anju at the size it
//! serves: the tree of places (counties, townships, resettlement areas,
//! grids in three levels, buildings) and every household's people, with
//! valid and distinct ID numbers, the same for the same seed.
//!
//! Each file is the ledger export's layout, which the import reads, and
//! holds whole resettlement areas, about `FILE_HOUSEHOLDS` households.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use shared::codes::{Level, Sex};
use shared::merge::{HouseholdLedger, merge_household};
use shared::place::{GridCode, HouseholdCode, Place, PlaceCode};
use shared::record::HouseholdRecord;
use shared::resident_id::ResidentId;
use shared::round::Round;
use shared::wire::LedgerView;
use time::Date;

use super::{family, resident_id_of, round_start};
use crate::export::Format;
use crate::export::ledger::{PlacedLedger, ledger_table};
use crate::store::HouseholdPlace;

/// About this many households to a file, in whole areas.
pub const FILE_HOUSEHOLDS: usize = 8_000;

/// How large a place to make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Size {
    /// Two counties, six resettlement areas, 4,000 households: a quick look.
    Sample,
    /// Lüliang's size: 13 counties, 82 resettlement areas, 37,400 households.
    City,
    /// Twelve such cities, 500,000 households.
    Province,
}

/// The shape of each city.
struct CityShape {
    counties: usize,
    areas: usize,
    households: usize,
    /// The households of its largest area.
    largest: usize,
}

impl Size {
    fn cities(self) -> Vec<CityShape> {
        match self {
            Size::Sample => vec![CityShape {
                counties: 2,
                areas: 6,
                households: 4_000,
                largest: 1_000,
            }],
            Size::City => vec![CityShape {
                counties: 13,
                areas: 82,
                households: 37_400,
                largest: 3_000,
            }],
            Size::Province => (0..12)
                .map(|c| CityShape {
                    counties: 10 + c % 4,
                    areas: 82,
                    // 500,000 in all.
                    households: if c < 8 { 41_667 } else { 41_666 },
                    largest: 3_000,
                })
                .collect(),
        }
    }
}

/// What was written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Generated {
    pub files: Vec<PathBuf>,
    pub places: usize,
    pub grids: usize,
    pub households: usize,
    pub people: usize,
}

/// Writes `size` as CSV roster files `roster-001.csv`, … into `dir`.
pub fn generate(size: Size, seed: u64, round: Round, dir: &Path) -> std::io::Result<Generated> {
    let mut maker = Maker {
        rng: ChaCha8Rng::seed_from_u64(seed),
        ids: Ids::default(),
        batch: Batch::default(),
        made: Generated::default(),
        previous: round.previous(),
        as_of: round_start(round),
        dir,
    };
    for (c, shape) in size.cities().iter().enumerate() {
        maker.city(c + 1, shape)?;
    }
    if !maker.batch.households.is_empty() {
        maker.write()?;
    }
    Ok(maker.made)
}

/// What is being made, and where.
struct Maker<'a> {
    rng: ChaCha8Rng,
    ids: Ids,
    batch: Batch,
    made: Generated,
    previous: Round,
    as_of: Date,
    dir: &'a Path,
}

impl Maker<'_> {
    fn place(&mut self, place: Place) {
        if place.level == Level::Grid {
            self.made.grids += 1;
        }
        self.made.places += 1;
        self.batch.places.push(place);
    }

    fn write(&mut self) -> std::io::Result<()> {
        let n = self.made.files.len() + 1;
        let path = self.batch.write(self.dir, n, self.as_of)?;
        self.made.files.push(path);
        self.batch.keep_above_areas();
        Ok(())
    }

    /// City `c` (from 1): its counties, each with up to three townships,
    /// and its areas dealt out among them.
    fn city(&mut self, c: usize, shape: &CityShape) -> std::io::Result<()> {
        let city = code(&format!("14{c:02}00000000"));
        self.place(Place {
            code: city.clone(),
            level: Level::City,
            name: format!("第{c}市"),
            parent: None,
        });
        let sizes = area_sizes(&mut self.rng, shape);
        let mut townships: BTreeMap<(usize, usize), Place> = BTreeMap::new();
        for (a, &households) in sizes.iter().enumerate() {
            let (k, t) = (a % shape.counties + 1, (a / shape.counties) % 3 + 1);
            let county = code(&format!("14{c:02}{k:02}000000"));
            if a < shape.counties {
                self.place(Place {
                    code: county.clone(),
                    level: Level::County,
                    name: format!("第{c}市第{k}县"),
                    parent: Some(city.clone()),
                });
            }
            let township = match townships.get(&(k, t)) {
                Some(township) => township.clone(),
                None => {
                    let township = Place {
                        code: code(&format!("14{c:02}{k:02}{t:03}000")),
                        level: Level::Township,
                        name: format!("第{c}市第{k}县第{t}镇"),
                        parent: Some(county),
                    };
                    townships.insert((k, t), township.clone());
                    self.place(township.clone());
                    township
                }
            };
            let area = Place {
                code: code(&format!("C{c:02}A{:03}", a + 1)),
                level: Level::Area,
                name: format!("{}第{}安置区", township.name, a + 1),
                parent: Some(township.code.clone()),
            };
            // People's ID numbers are of their county.
            let region = &township.code.as_str()[..6];
            self.place(area.clone());
            self.area(&area, region, households);
            if self.batch.households.len() >= FILE_HOUSEHOLDS {
                self.write()?;
            }
        }
        // A region's numbers are handed out within its city.
        self.ids = Ids::default();
        Ok(())
    }

    /// The households of one area, in buildings of four to six floors of four
    /// or five homes, each building a third-level grid, four of those to a
    /// second-level grid and three of those to a first-level one.
    fn area(&mut self, area: &Place, region: &str, households: usize) {
        let mut left = households;
        let mut building = 0usize;
        while left > 0 {
            building += 1;
            let (floors, rooms) = (self.rng.gen_range(4..=6i16), self.rng.gen_range(4..=5i16));
            let b = building - 1;
            let (g2, g1) = (b / 4, b / 12);
            let first = format!("{}-{}", area.code, g1 + 1);
            let second = format!("{first}-{}", g2 % 3 + 1);
            if b.is_multiple_of(12) {
                self.place(Place {
                    code: code(&first),
                    level: Level::Grid,
                    name: format!("第{}网格", g1 + 1),
                    parent: Some(area.code.clone()),
                });
            }
            if b.is_multiple_of(4) {
                self.place(Place {
                    code: code(&second),
                    level: Level::Grid,
                    name: format!("第{}网格第{}片", g1 + 1, g2 % 3 + 1),
                    parent: Some(code(&first)),
                });
            }
            let grid =
                GridCode::parse(&format!("{second}-{}", b % 4 + 1)).expect("plain grid code");
            self.place(Place {
                code: PlaceCode::from(grid.clone()),
                level: Level::Grid,
                name: format!("{building}号楼网格"),
                parent: Some(code(&second)),
            });
            'floors: for floor in 1..=floors {
                for room in 1..=rooms {
                    if left == 0 {
                        break 'floors;
                    }
                    left -= 1;
                    let room = format!("{floor}{room:02}");
                    let household =
                        HouseholdCode::parse(&format!("{}-{building}-{room}", area.code))
                            .expect("plain household code");
                    let mut members = family(&mut self.rng, &household, self.as_of);
                    for member in &mut members {
                        let (Some(birth), Some(sex)) =
                            (member.record.birth_date, member.record.sex)
                        else {
                            continue;
                        };
                        member.record.resident_id = Some(self.ids.next(region, birth, sex));
                    }
                    self.made.households += 1;
                    self.made.people += members.len();
                    let record = HouseholdRecord {
                        phone: members[0].record.phone.clone(),
                        address: Some(format!("{} {building}号楼 {room}室", area.name)),
                        ..HouseholdRecord::default()
                    };
                    let ledger = HouseholdLedger {
                        record,
                        members,
                        ..merge_household(&household, self.previous, None, &[])
                    };
                    self.batch.households.push(PlacedLedger {
                        place: HouseholdPlace {
                            code: household,
                            grid: grid.clone(),
                            building: format!("{building}号楼"),
                            floor,
                            room,
                        },
                        view: LedgerView {
                            ledger,
                            masked: BTreeMap::new(),
                            masked_phone: None,
                        },
                    });
                }
            }
        }
    }
}

fn code(raw: &str) -> PlaceCode {
    PlaceCode::parse(raw).expect("generated codes are plain")
}

/// The households of each area of a city: the largest first, the rest
/// from a few dozen to a few thousand, adding up to the city's.
fn area_sizes(rng: &mut ChaCha8Rng, shape: &CityShape) -> Vec<usize> {
    let weights: Vec<f64> = (1..shape.areas)
        .map(|_| {
            let w: f64 = rng.gen_range(0.3..3.0);
            w * w
        })
        .collect();
    let total: f64 = weights.iter().sum();
    let rest = shape.households - shape.largest;
    let mut sizes: Vec<usize> = weights
        .iter()
        .map(|w| ((w / total) * rest as f64).floor().max(30.0) as usize)
        .collect();
    // Rounding leaves a few households over; the second area takes them.
    let given: usize = sizes.iter().sum();
    sizes[0] = (sizes[0] + rest).saturating_sub(given).max(30);
    let mut res = vec![shape.largest];
    res.extend(sizes);
    res
}

/// ID numbers handed out so far: each region and birth date's next order
/// code, odd for men and even for women, so that no two people share one.
#[derive(Default)]
struct Ids {
    next: BTreeMap<(String, Date, Sex), u32>,
}

impl Ids {
    fn next(&mut self, region: &str, birth: Date, sex: Sex) -> ResidentId {
        let n = self
            .next
            .entry((region.to_owned(), birth, sex))
            .or_insert(0);
        let seq = *n * 2 + u32::from(sex == Sex::Male);
        *n += 1;
        assert!(
            seq < 1000,
            "more than 500 people of one sex born on one day in one region"
        );
        resident_id_of(region, birth, seq)
    }
}

/// The households of the next file, with the places they lie in.
#[derive(Default)]
struct Batch {
    places: Vec<Place>,
    households: Vec<PlacedLedger>,
}

impl Batch {
    fn write(&self, dir: &Path, n: usize, on: Date) -> std::io::Result<PathBuf> {
        let tree = (self.places.iter())
            .map(|p| (p.code.clone(), p.clone()))
            .collect();
        let table = ledger_table(&self.households, &tree, &[], on);
        let bytes = Format::Csv.write(&table).map_err(std::io::Error::other)?;
        let path = dir.join(format!("roster-{n:03}.csv"));
        std::fs::write(&path, bytes)?;
        Ok(path)
    }

    /// Starts the next file: the places above the areas stay, for areas to
    /// come under them.
    fn keep_above_areas(&mut self) {
        self.households.clear();
        self.places
            .retain(|p| matches!(p.level, Level::City | Level::County | Level::Township));
    }
}
