//! The map: grid and building outlines (边界) as they cross the wire, small
//! enough to keep on the phone, and as `geo` polygons to measure with.

use geo::{Coord, LineString, Polygon};
use serde::{Deserialize, Serialize};

use crate::place::GridCode;

/// Decimal places kept of a degree: 1e-6° is about 0.1 m, finer than any fix.
const SCALE: f64 = 1e6;

/// A polygon in WGS 84 longitude and latitude, compact on the wire: its outer
/// ring, then any holes, each ring a flat list `[lon, lat, lon, lat, …]` in
/// degrees rounded to 6 decimals, the first corner not repeated at the end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outline(
    // Invariant (for outlines made by `from_polygon`): every ring has an even
    // length of at least 6. One decoded from elsewhere may not; `to_polygon`
    // reads past a stray number and a ring of fewer than 3 corners.
    Vec<Vec<f64>>,
);

impl Outline {
    /// The outline of `polygon`; `None` if its outer ring has fewer than 3 corners.
    pub fn from_polygon(polygon: &Polygon<f64>) -> Option<Outline> {
        let exterior = ring_of(polygon.exterior());
        if exterior.len() < 6 {
            return None;
        }
        let holes = polygon
            .interiors()
            .iter()
            .map(ring_of)
            .filter(|ring| ring.len() >= 6);
        Some(Outline(std::iter::once(exterior).chain(holes).collect()))
    }

    /// The polygon to measure with, its rings closed.
    pub fn to_polygon(&self) -> Polygon<f64> {
        let mut rings = self
            .0
            .iter()
            .map(|ring| {
                LineString::from(
                    ring.chunks_exact(2)
                        .map(|pair| Coord {
                            x: pair[0],
                            y: pair[1],
                        })
                        .collect::<Vec<_>>(),
                )
            })
            .filter(|ring| ring.0.len() >= 3);
        let exterior = rings.next().unwrap_or_else(|| LineString::new(Vec::new()));
        // `Polygon::new` closes each ring.
        Polygon::new(exterior, rings.collect())
    }

    /// The rings as sent: outer first, each `[lon, lat, …]`.
    pub fn rings(&self) -> &[Vec<f64>] {
        &self.0
    }
}

/// A ring's corners, rounded, without the closing repeat of the first.
fn ring_of(ring: &LineString<f64>) -> Vec<f64> {
    let mut corners: &[Coord<f64>] = &ring.0;
    if corners.len() > 1 && corners.first() == corners.last() {
        corners = &corners[..corners.len() - 1];
    }
    corners
        .iter()
        .flat_map(|c| [round(c.x), round(c.y)])
        .collect()
}

fn round(degrees: f64) -> f64 {
    (degrees * SCALE).round() / SCALE
}

/// One grid's part of the map: its outline and its buildings' footprints,
/// as the roster import stored them.
#[derive(Clone, Debug, PartialEq)]
pub struct GridMap {
    pub grid: GridCode,
    /// `None` when no outline was imported for the grid.
    pub outline: Option<Outline>,
    /// Buildings with a footprint, by name.
    pub buildings: Vec<BuildingOutline>,
}

/// A building's footprint; `name` is its households' `building` (`1号楼`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BuildingOutline {
    pub name: String,
    pub outline: Outline,
}

#[cfg(test)]
mod tests {
    use geo::polygon;

    use super::*;

    #[test]
    fn an_outline_rounds_to_six_decimals_and_drops_the_closing_corner() {
        let polygon = polygon![
            (x: 112.300_000_4, y: 39.0),
            (x: 112.302, y: 39.0),
            (x: 112.302, y: 39.001_6),
        ];
        let outline = Outline::from_polygon(&polygon).unwrap();
        assert_eq!(
            serde_json::to_string(&outline).unwrap(),
            "[[112.3,39.0,112.302,39.0,112.302,39.0016]]"
        );
        let rounded = polygon![
            (x: 112.3, y: 39.0),
            (x: 112.302, y: 39.0),
            (x: 112.302, y: 39.001_6),
        ];
        assert_eq!(outline.to_polygon(), rounded);
    }

    #[test]
    fn holes_come_after_the_outer_ring() {
        let polygon = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)],
            interiors: [[(x: 4.0, y: 4.0), (x: 6.0, y: 4.0), (x: 6.0, y: 6.0)]],
        );
        let outline = Outline::from_polygon(&polygon).unwrap();
        assert_eq!(outline.rings().len(), 2);
        assert_eq!(outline.to_polygon(), polygon);
    }

    #[test]
    fn a_decoded_outline_with_stray_numbers_still_makes_a_polygon() {
        let outline: Outline =
            serde_json::from_str("[[1.0,2.0,3.0,4.0,5.0,6.0,7.0],[1.0]]").unwrap();
        let polygon = outline.to_polygon();
        assert_eq!(polygon.exterior().0.len(), 4);
        assert!(polygon.interiors().is_empty());
        let empty: Outline = serde_json::from_str("[]").unwrap();
        assert!(empty.to_polygon().exterior().0.is_empty());
    }

    #[test]
    fn a_degenerate_polygon_has_no_outline() {
        let polygon = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0)];
        assert_eq!(Outline::from_polygon(&polygon), None);
    }
}
