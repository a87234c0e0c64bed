//! Visits flagged for review: a position outside the grid of the household
//! visited, or a pace between one person's visits that nobody could keep.
//! Both allow for each fix's accuracy, so a poor fix is not a flag by itself.

use std::collections::BTreeMap;

use geo::{Coord, Distance, Euclidean, Haversine, MapCoords, Point, Polygon};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

/// The fastest pace believed between two of one person's visits, in km/h.
/// Grid members walk or ride between households, and county roads allow
/// about 80 km/h; faster than this, even between the near edges of both
/// fixes' accuracy circles, a position or a clock is wrong.
pub const MAX_PACE_KMH: f64 = 120.0;

/// The mean Earth radius (IUGG), in metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A position fix in WGS 84 degrees, with its accuracy radius in metres.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fix {
    pub longitude: f64,
    pub latitude: f64,
    pub accuracy_m: f64,
}

impl Fix {
    /// As the API sends it: degrees to 6 decimals (about 0.1 m), the
    /// accuracy to 1.
    pub fn rounded(self) -> Fix {
        let round = |x: f64, scale: f64| (x * scale).round() / scale;
        Fix {
            longitude: round(self.longitude, 1e6),
            latitude: round(self.latitude, 1e6),
            accuracy_m: round(self.accuracy_m, 10.0),
        }
    }

    fn point(self) -> Point<f64> {
        Point::new(self.longitude, self.latitude)
    }
}

/// One visit as the flags read it.
#[derive(Clone, Debug)]
pub struct Trace<'a> {
    pub id: Uuid,
    /// Who visited: pace is measured between one author's visits.
    pub author: &'a str,
    pub visited_at: OffsetDateTime,
    pub fix: Option<Fix>,
    /// The outline of the household's grid, where one was imported.
    pub grid: Option<&'a Polygon<f64>>,
}

/// Why a visit is up for review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// The fix lies outside the grid of the household visited: its
    /// accuracy circle stops this many metres short of the grid's outline.
    OutsideGrid { by_m: u32 },
    /// The same author's visit `with`, just before or after this one, is
    /// `distance_m` metres away (between the near edges of both accuracy
    /// circles) and only `seconds` apart: faster than `MAX_PACE_KMH`.
    ImpossiblePace {
        with: Uuid,
        distance_m: u32,
        seconds: u32,
    },
}

/// How far, in metres, the fix's accuracy circle stays from `grid`; `None`
/// when the circle reaches or overlaps it (inside, or possibly inside).
pub fn outside_by(fix: Fix, grid: &Polygon<f64>) -> Option<f64> {
    if grid.exterior().0.is_empty() {
        return None;
    }
    // An equirectangular plane centred on the fix, in metres: exact enough
    // for distances across a county.
    let metres_per_degree = EARTH_RADIUS_M.to_radians();
    let x_scale = metres_per_degree * fix.latitude.to_radians().cos();
    let local = grid.map_coords(|c| Coord {
        x: (c.x - fix.longitude) * x_scale,
        y: (c.y - fix.latitude) * metres_per_degree,
    });
    let distance = Euclidean.distance(&Point::new(0.0, 0.0), &local);
    let beyond = distance - fix.accuracy_m;
    if beyond > 0.0 { Some(beyond) } else { None }
}

/// The distance in metres between the near edges of two fixes' accuracy
/// circles: the least anyone travelled to be at both. Zero when they overlap.
pub fn least_distance_m(a: Fix, b: Fix) -> f64 {
    (Haversine.distance(a.point(), b.point()) - a.accuracy_m - b.accuracy_m).max(0.0)
}

/// Whether travelling `distance_m` in `seconds` is faster than `MAX_PACE_KMH`.
pub fn is_impossible_pace(distance_m: f64, seconds: f64) -> bool {
    distance_m > 0.0 && distance_m * 3.6 > MAX_PACE_KMH * seconds
}

/// Each visit's flags, in the order the visits are given. Pace is measured
/// between an author's consecutive visits that have a fix, in time order;
/// an impossible pace flags both visits, each naming the other. The result
/// does not depend on the order of `visits`.
pub fn flag_visits(visits: &[Trace<'_>]) -> Vec<Vec<Flag>> {
    let mut res: Vec<Vec<Flag>> = visits
        .iter()
        .map(|visit| match (visit.fix, visit.grid) {
            (Some(fix), Some(grid)) => outside_by(fix, grid)
                .map(|by| Flag::OutsideGrid { by_m: whole(by) })
                .into_iter()
                .collect(),
            _ => Vec::new(),
        })
        .collect();

    let mut by_author: BTreeMap<&str, Vec<(usize, Fix)>> = BTreeMap::new();
    for (idx, visit) in visits.iter().enumerate() {
        if let Some(fix) = visit.fix {
            by_author.entry(visit.author).or_default().push((idx, fix));
        }
    }
    for mut located in by_author.into_values() {
        located.sort_by_key(|&(idx, _)| (visits[idx].visited_at, visits[idx].id));
        for pair in located.windows(2) {
            let [(a, fix_a), (b, fix_b)] = [pair[0], pair[1]];
            let distance = least_distance_m(fix_a, fix_b);
            let seconds = (visits[b].visited_at - visits[a].visited_at).as_seconds_f64();
            if !is_impossible_pace(distance, seconds) {
                continue;
            }
            let flag = |with: usize| Flag::ImpossiblePace {
                with: visits[with].id,
                distance_m: whole(distance),
                seconds: whole(seconds),
            };
            res[a].push(flag(b));
            res[b].push(flag(a));
        }
    }
    res
}

/// Rounded to a whole number, saturating.
fn whole(x: f64) -> u32 {
    // `as` saturates and maps NaN to 0, which is what a count of metres or
    // seconds wants.
    x.round() as u32
}

#[cfg(test)]
mod tests {
    use geo::polygon;
    use proptest::prelude::*;
    use time::Duration;
    use time::macros::datetime;

    use super::*;

    const T0: OffsetDateTime = datetime!(2026-11-23 02:00 UTC);

    /// About 173 m east to west and 178 m south to north, at 39° N.
    fn grid() -> Polygon<f64> {
        polygon![
            (x: 112.300, y: 39.000),
            (x: 112.302, y: 39.000),
            (x: 112.302, y: 39.0016),
            (x: 112.300, y: 39.0016),
        ]
    }

    fn fix(longitude: f64, latitude: f64, accuracy_m: f64) -> Fix {
        Fix {
            longitude,
            latitude,
            accuracy_m,
        }
    }

    /// A visit `n` by `author`, `minutes` after T0.
    fn trace<'a>(n: u128, author: &'a str, minutes: i64, fix: Option<Fix>) -> Trace<'a> {
        Trace {
            id: Uuid::from_u128(n),
            author,
            visited_at: T0 + Duration::minutes(minutes),
            fix,
            grid: None,
        }
    }

    #[track_caller]
    fn check(visits: &[Trace<'_>], expected: &[&[Flag]]) {
        let got = flag_visits(visits);
        let expected: Vec<Vec<Flag>> = expected.iter().map(|f| f.to_vec()).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn a_fix_inside_the_grid_is_not_outside() {
        assert_eq!(outside_by(fix(112.301, 39.0008, 5.0), &grid()), None);
    }

    #[test]
    fn a_fix_beyond_its_accuracy_from_the_grid_is_outside_by_the_gap() {
        // 0.001° of latitude north of the grid's edge: about 111 m.
        let by = outside_by(fix(112.301, 39.0026, 11.0), &grid()).unwrap();
        assert!((by - 100.2).abs() < 0.5, "{by}");
    }

    #[test]
    fn a_fix_whose_accuracy_reaches_the_grid_is_not_outside() {
        assert_eq!(outside_by(fix(112.301, 39.0026, 120.0), &grid()), None);
        // East of the grid: 0.001° of longitude is about 86 m at 39° N.
        assert_eq!(outside_by(fix(112.303, 39.0008, 90.0), &grid()), None);
        assert!(outside_by(fix(112.303, 39.0008, 80.0), &grid()).is_some());
    }

    #[test]
    fn a_visit_outside_its_grid_is_flagged() {
        let grid = grid();
        let visit = Trace {
            grid: Some(&grid),
            ..trace(1, "grid", 0, Some(fix(112.301, 39.0026, 11.0)))
        };
        check(&[visit], &[&[Flag::OutsideGrid { by_m: 100 }]]);
    }

    #[test]
    fn without_a_fix_or_an_outline_nothing_is_flagged() {
        let grid = grid();
        let no_fix = Trace {
            grid: Some(&grid),
            ..trace(1, "grid", 0, None)
        };
        let no_outline = trace(2, "grid", 0, Some(fix(113.0, 40.0, 5.0)));
        check(&[no_fix, no_outline], &[&[], &[]]);
    }

    #[test]
    fn walking_between_households_is_a_possible_pace() {
        // About 110 m in two minutes.
        check(
            &[
                trace(1, "grid", 0, Some(fix(112.301, 39.0002, 10.0))),
                trace(2, "grid", 2, Some(fix(112.301, 39.0012, 10.0))),
            ],
            &[&[], &[]],
        );
    }

    #[test]
    fn ten_kilometres_in_two_minutes_flags_both_visits() {
        let near = trace(1, "grid", 0, Some(fix(112.301, 39.0, 15.0)));
        let far = trace(2, "grid", 2, Some(fix(112.301, 39.09, 15.0)));
        let got = flag_visits(&[near, far]);
        let Flag::ImpossiblePace {
            with,
            distance_m,
            seconds,
        } = got[0][0]
        else {
            panic!("{got:?}");
        };
        assert_eq!(with, Uuid::from_u128(2));
        assert_eq!(seconds, 120);
        assert!((9_970..=9_980).contains(&distance_m), "{distance_m}");
        assert_eq!(
            got[1],
            vec![Flag::ImpossiblePace {
                with: Uuid::from_u128(1),
                distance_m,
                seconds,
            }]
        );
    }

    #[test]
    fn fixes_whose_accuracy_circles_overlap_are_never_too_fast() {
        // 1.1 km apart at the same second, but each fix is only good to 600 m.
        check(
            &[
                trace(1, "grid", 0, Some(fix(112.301, 39.0, 600.0))),
                trace(2, "grid", 0, Some(fix(112.301, 39.01, 600.0))),
            ],
            &[&[], &[]],
        );
    }

    #[test]
    fn pace_is_measured_per_author_between_consecutive_fixes() {
        // Two people far apart at once is fine; one person's visits without
        // a fix are skipped, so 1 and 4 are consecutive.
        let far = Some(fix(112.5, 39.2, 10.0));
        let here = Some(fix(112.301, 39.0, 10.0));
        let got = flag_visits(&[
            trace(1, "grid", 0, here),
            trace(2, "surveyor", 1, far),
            trace(3, "grid", 2, None),
            trace(4, "grid", 3, far),
        ]);
        assert!(got[1].is_empty() && got[2].is_empty(), "{got:?}");
        assert!(
            matches!(got[0][..], [Flag::ImpossiblePace { with, .. }] if with == Uuid::from_u128(4))
        );
        assert!(
            matches!(got[3][..], [Flag::ImpossiblePace { with, .. }] if with == Uuid::from_u128(1))
        );
    }

    #[test]
    fn one_bad_fix_between_good_ones_is_flagged_against_both() {
        let here = Some(fix(112.301, 39.0, 10.0));
        let got = flag_visits(&[
            trace(1, "grid", 0, here),
            trace(2, "grid", 5, Some(fix(113.5, 40.0, 10.0))),
            trace(3, "grid", 10, here),
        ]);
        assert_eq!(got.iter().map(Vec::len).collect::<Vec<_>>(), [1, 2, 1]);
    }

    /// An author's index, minutes after T0, and a fix near the grid.
    type RawVisit = (usize, i64, Option<Fix>);

    fn any_visits() -> impl Strategy<Value = Vec<RawVisit>> {
        let any_fix = (112.29..112.31f64, 38.99..39.01f64, 0.0..200.0f64)
            .prop_map(|(x, y, accuracy)| fix(x, y, accuracy));
        prop::collection::vec((0usize..3, 0i64..600, proptest::option::of(any_fix)), 0..12)
    }

    proptest! {
        #[test]
        fn flags_do_not_depend_on_the_order_of_visits(
            visits in any_visits(),
            seed in any::<u64>(),
        ) {
            let authors = ["grid", "surveyor", "other"];
            let grid = grid();
            let traces: Vec<Trace<'_>> = visits
                .iter()
                .enumerate()
                .map(|(n, &(author, minutes, fix))| Trace {
                    grid: Some(&grid),
                    ..trace(n as u128, authors[author], minutes, fix)
                })
                .collect();
            let mut shuffled = traces.clone();
            // A rotation and a reversal, chosen by the seed.
            let len = shuffled.len().max(1);
            shuffled.rotate_left((seed as usize) % len);
            if seed % 2 == 1 {
                shuffled.reverse();
            }
            let by_id = |traces: &[Trace<'_>]| -> BTreeMap<Uuid, Vec<Flag>> {
                traces
                    .iter()
                    .map(|t| t.id)
                    .zip(flag_visits(traces))
                    .map(|(id, mut flags)| {
                        flags.sort_by_key(|f| format!("{f:?}"));
                        (id, flags)
                    })
                    .collect()
            };
            prop_assert_eq!(by_id(&traces), by_id(&shuffled));
        }

        #[test]
        fn a_fix_within_its_accuracy_of_a_corner_is_never_outside(
            corner in 0usize..4,
            bearing in 0.0..std::f64::consts::TAU,
            accuracy in 1.0..500.0f64,
            share in 0.0..0.99f64,
        ) {
            let grid = grid();
            let c = grid.exterior().0[corner];
            // `share` of the accuracy away from the corner, in any direction.
            let metres = accuracy * share;
            let latitude = c.y + metres * bearing.sin() / EARTH_RADIUS_M.to_radians();
            let longitude = c.x
                + metres * bearing.cos() / (EARTH_RADIUS_M.to_radians() * c.y.to_radians().cos());
            prop_assert_eq!(outside_by(fix(longitude, latitude, accuracy), &grid), None);
        }

        #[test]
        fn an_impossible_pace_is_always_flagged_on_both_sides(
            visits in any_visits(),
        ) {
            let traces: Vec<Trace<'_>> = visits
                .iter()
                .enumerate()
                .map(|(n, &(_, minutes, fix))| trace(n as u128, "grid", minutes, fix))
                .collect();
            let flags = flag_visits(&traces);
            for (idx, own) in flags.iter().enumerate() {
                for flag in own {
                    let Flag::ImpossiblePace { with, .. } = flag else { continue };
                    let other = traces.iter().position(|t| t.id == *with).unwrap();
                    let back = flags[other].iter().any(|f| {
                        matches!(f, Flag::ImpossiblePace { with, .. } if *with == traces[idx].id)
                    });
                    prop_assert!(back, "{:?}", flags);
                }
            }
        }
    }
}
