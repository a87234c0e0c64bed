//! 边界: a grid's or a building's outline, a WKT polygon in longitude and
//! latitude.

use geo_types::{LineString, Polygon};
use wkt::{ToWkt, TryFromWkt};

/// A polygon that parsed, of closed rings with at least three corners and
/// every point a real longitude and latitude.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Boundary(String); // Invariant: WKT as `wkt` writes it, so equal shapes compare equal.

impl Boundary {
    /// Parses `POLYGON((lon lat, …))`; `None` if it is not such a polygon.
    pub fn parse(raw: &str) -> Option<Boundary> {
        let polygon = Polygon::<f64>::try_from_wkt_str(raw.trim()).ok()?;
        let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
        for ring in rings {
            if !is_plausible(ring) {
                return None;
            }
        }
        Some(Boundary(polygon.wkt_string()))
    }

    /// A boundary as stored, written by `parse` before.
    pub fn from_stored(wkt: String) -> Boundary {
        Boundary(wkt)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The polygon, to measure with or to send as a `shared::map::Outline`;
    /// `None` only for a stored boundary that `parse` did not write.
    pub fn to_polygon(&self) -> Option<Polygon<f64>> {
        Polygon::<f64>::try_from_wkt_str(&self.0).ok()
    }
}

/// At least three distinct corners (geo-types closes the ring), each a
/// longitude and latitude.
fn is_plausible(ring: &LineString<f64>) -> bool {
    ring.0.len() >= 4
        && ring
            .0
            .iter()
            .all(|c| c.x.is_finite() && c.y.is_finite() && c.x.abs() <= 180.0 && c.y.abs() <= 90.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(raw: &str, expected: Option<&str>) {
        assert_eq!(
            Boundary::parse(raw).as_ref().map(Boundary::as_str),
            expected
        );
    }

    #[test]
    fn a_polygon_is_kept_in_one_spelling() {
        let tidy = "POLYGON((112.1 38.9,112.2 38.9,112.2 39,112.1 38.9))";
        check(
            "POLYGON((112.1 38.9, 112.2 38.9, 112.2 39.0, 112.1 38.9))",
            Some(tidy),
        );
        check(
            "polygon ((112.1 38.9,112.2 38.9,112.2 39,112.1 38.9))",
            Some(tidy),
        );
    }

    #[test]
    fn an_open_ring_is_closed() {
        check(
            "POLYGON((112.1 38.9, 112.2 38.9, 112.2 39.0))",
            Some("POLYGON((112.1 38.9,112.2 38.9,112.2 39,112.1 38.9))"),
        );
    }

    #[test]
    fn other_shapes_lines_and_places_off_the_globe_are_refused() {
        check("POINT(112.1 38.9)", None);
        check("POLYGON((112.1 38.9, 112.2 38.9))", None);
        check(
            "POLYGON((212.1 38.9, 112.2 38.9, 112.2 39.0, 212.1 38.9))",
            None,
        );
        check("楼栋边界", None);
        check("", None);
    }
}
