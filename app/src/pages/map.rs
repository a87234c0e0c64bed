//! The map: grid outlines and building footprints from the roster on the
//! phone, each building coloured by how much of it is surveyed, with the
//! round's visits on top and those flagged for review listed below. It
//! draws from what the phone keeps, so it works with no network.

use geo::{BoundingRect, Centroid, Coord, MultiPolygon, Polygon, Rect};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::flags::{Fix, Flag};
use shared::map::Outline;
use shared::wire::{Roster, VisitList, VisitPoint};

use crate::api;
use crate::components::header::{Header, clock};
use crate::desk_text::DeskMsg;
use crate::device::{self, Store};
use crate::i18n::{Msg, label, tr};
use crate::outbox::Kind;
use crate::pages::review::millis;
use crate::sync::Sync;
use crate::{RosterCache, Session};

/// Where `user`'s last visit list is kept, for the map offline.
fn visits_key(user: &str) -> String {
    format!("visits:{user}")
}

/// The drawing's width in SVG units; its height follows the area's shape.
const WIDTH: f64 = 1000.0;
const MARGIN: f64 = 24.0;

#[component]
pub fn MapPage() -> impl IntoView {
    let RosterCache(cache) = expect_context();
    let sync: Sync = expect_context();
    sync.want_roster();
    let visits = RwSignal::new(None::<VisitList>);
    let chosen = RwSignal::new(None::<VisitPoint>);
    let Session(session) = expect_context();
    let key = visits_key(
        &session.with_untracked(|s| s.as_ref().map(|s| s.username.clone()).unwrap_or_default()),
    );
    spawn_local(async move {
        if let Some(kept) = device::get::<VisitList>(Store::State, &key).await {
            visits.update(|v| {
                if v.is_none() {
                    *v = Some(kept);
                }
            });
        }
        if let Ok(fresh) = api::visits().await {
            let _ = device::put(Store::State, &key, &fresh).await;
            visits.set(Some(fresh));
        }
    });
    let drawing = move || {
        let waiting: Vec<String> = sync.outbox.with(|o| {
            o.iter()
                .filter(|e| e.kind == Kind::Survey)
                .map(|e| e.household.to_string())
                .collect()
        });
        let points = visits.with(|v| v.as_ref().map(|v| v.visits.clone()).unwrap_or_default());
        cache.with(|roster| roster.as_ref().map(|r| draw(r, &waiting, points, chosen)))
    };
    let flagged = move || {
        visits.with(|v| {
            v.as_ref()
                .map(|v| {
                    v.visits
                        .iter()
                        .filter(|p| !p.flags.is_empty())
                        .cloned()
                        .map(|p| (author_of(v, &p.author), p))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <Header />
        <section class="map">
            <h1 class="page-title">{tr(Msg::Map)}</h1>
            {move || drawing().unwrap_or_else(|| view! { <p class="status">{tr(Msg::Loading)}</p> }.into_any())}
            <ul class="map-legend">
                <li><span class="swatch map-done"></span>{tr(DeskMsg::AllSurveyed)}</li>
                <li><span class="swatch map-part"></span>{tr(DeskMsg::PartSurveyed)}</li>
                <li><span class="swatch map-none"></span>{tr(DeskMsg::NoneSurveyed)}</li>
                <li><span class="swatch dot"></span>{tr(DeskMsg::VisitPoint)}</li>
                <li><span class="swatch dot flagged"></span>{tr(DeskMsg::FlaggedVisit)}</li>
                <li><span class="swatch dot beyond"></span>{tr(DeskMsg::BeyondMap)}</li>
            </ul>
            {move || chosen.get().map(|p| {
                let who = visits.with(|v| v.as_ref().map(|v| author_of(v, &p.author)).unwrap_or_default());
                view! { <div class="notice" data-testid="map-chosen"><VisitLine point=p who /></div> }
            })}
            <h2 class="section-title">{tr(DeskMsg::FlaggedVisits)}</h2>
            {move || {
                let list = flagged();
                if list.is_empty() {
                    view! { <p class="status" data-testid="no-flags">{tr(DeskMsg::NoFlaggedVisits)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="review-list">
                            {list.into_iter().map(|(who, point)| view! {
                                <li class="review-item" data-testid="flagged-visit"><VisitLine point who /></li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}

fn author_of(list: &VisitList, username: &str) -> String {
    list.authors
        .get(username)
        .cloned()
        .unwrap_or_else(|| username.to_owned())
}

/// A visit in words: where, who, when, the outcome, and why it is flagged.
#[component]
fn VisitLine(point: VisitPoint, who: String) -> impl IntoView {
    let flags = point
        .flags
        .iter()
        .map(|flag| view! { <p class="error-text">{flag_text(flag)}</p> })
        .collect_view();
    view! {
        <p><strong>{point.household.to_string()}</strong>" · "{label(point.outcome)}</p>
        <p class="status-line">{who}" · "{clock(millis(point.visited_at))}</p>
        {flags}
    }
}

fn flag_text(flag: &Flag) -> String {
    match flag {
        Flag::OutsideGrid { by_m } => {
            format!(
                "{}{by_m}{}",
                tr(DeskMsg::OutsideGridBy),
                tr(DeskMsg::Metres)
            )
        }
        Flag::ImpossiblePace {
            distance_m,
            seconds,
            ..
        } => format!(
            "{}{:.1}{}{}{}",
            tr(DeskMsg::PaceDistance),
            f64::from(*distance_m) / 1000.0,
            tr(DeskMsg::Kilometres),
            tr(DeskMsg::PaceOnly),
            minutes(*seconds)
        ),
    }
}

fn minutes(seconds: u32) -> String {
    format!("{}{}", seconds.div_ceil(60), tr(DeskMsg::Minutes))
}

/// Lon/lat to the drawing's units: an equirectangular projection of the
/// area's bounding box, north up, fitted to `WIDTH`.
struct Frame {
    min: Coord<f64>,
    max_lat: f64,
    x_scale: f64,
    scale: f64,
    height: f64,
}

impl Frame {
    fn around(bounds: Rect<f64>) -> Frame {
        let mid_lat = (bounds.min().y + bounds.max().y) / 2.0;
        let x_scale = mid_lat.to_radians().cos();
        let span_x = (bounds.width() * x_scale).max(1e-6);
        let scale = (WIDTH - 2.0 * MARGIN) / span_x;
        Frame {
            min: bounds.min(),
            max_lat: bounds.max().y,
            x_scale,
            scale,
            height: bounds.height() * scale + 2.0 * MARGIN,
        }
    }

    fn point(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            MARGIN + (lon - self.min.x) * self.x_scale * self.scale,
            MARGIN + (self.max_lat - lat) * self.scale,
        )
    }

    /// Where a visit is drawn: at its place, or, when that is beyond the
    /// drawing, on the nearest point of its edge (then `true`), so that a
    /// fix kilometres away still shows, in its direction.
    fn pin(&self, lon: f64, lat: f64) -> (f64, f64, bool) {
        let (x, y) = self.point(lon, lat);
        // A dot's radius and stroke fit inside the margin.
        let edge = MARGIN;
        if (0.0..=WIDTH).contains(&x) && (0.0..=self.height).contains(&y) {
            return (x, y, false);
        }
        (
            x.clamp(edge, WIDTH - edge),
            y.clamp(edge, self.height - edge),
            true,
        )
    }

    /// An SVG path for an outline: each ring a closed subpath.
    fn path(&self, outline: &Outline) -> String {
        let mut d = String::new();
        for ring in outline.rings() {
            for (i, pair) in ring.chunks_exact(2).enumerate() {
                let (x, y) = self.point(pair[0], pair[1]);
                d.push_str(&format!("{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" }));
            }
            d.push('Z');
        }
        d
    }
}

/// How much of a set of households is surveyed, as the map colours it.
fn coverage_class(done: usize, total: usize) -> &'static str {
    match (done, total) {
        (_, 0) | (0, _) => "map-none",
        (d, t) if d >= t => "map-done",
        _ => "map-part",
    }
}

fn draw(
    roster: &Roster,
    waiting: &[String],
    points: Vec<VisitPoint>,
    chosen: RwSignal<Option<VisitPoint>>,
) -> AnyView {
    let outlines: Vec<Polygon<f64>> = roster
        .grids
        .iter()
        .flat_map(|g| {
            g.outline
                .iter()
                .chain(g.buildings.iter().map(|b| &b.outline))
        })
        .map(Outline::to_polygon)
        .collect();
    let Some(bounds) = MultiPolygon(outlines).bounding_rect() else {
        return view! { <p class="status" data-testid="map-none">{tr(DeskMsg::NoMapYet)}</p> }
            .into_any();
    };
    let frame = Frame::around(bounds);
    let surveyed = |grid: &str, building: Option<&str>| {
        let mine = roster
            .households
            .iter()
            .filter(|h| h.grid.as_str() == grid && building.is_none_or(|b| h.building == b));
        let (mut done, mut total) = (0, 0);
        for h in mine {
            total += 1;
            if h.surveyed || waiting.iter().any(|w| w == h.code.as_str()) {
                done += 1;
            }
        }
        (done, total)
    };
    let mut shapes = Vec::new();
    for grid in &roster.grids {
        if let Some(outline) = &grid.outline {
            let (done, total) = surveyed(grid.code.as_str(), None);
            let title = format!("{} {}: {done}/{total}", grid.code, grid.name);
            shapes.push(
                view! {
                    <path
                        d=frame.path(outline)
                        class=format!("map-grid {}", coverage_class(done, total))
                        data-testid=format!("map-grid-{}", grid.code)
                    >
                        <title>{title}</title>
                    </path>
                }
                .into_any(),
            );
        }
        for building in &grid.buildings {
            let (done, total) = surveyed(grid.code.as_str(), Some(&building.name));
            let polygon = building.outline.to_polygon();
            let title = format!("{}: {done}/{total}", building.name);
            shapes.push(
                view! {
                    <path
                        d=frame.path(&building.outline)
                        class=format!("map-building {}", coverage_class(done, total))
                        data-testid=format!("map-building-{}-{}", grid.code, building.name)
                        data-done=done
                        data-total=total
                    >
                        <title>{title}</title>
                    </path>
                }
                .into_any(),
            );
            if let Some(centre) = polygon.centroid() {
                let (x, y) = frame.point(centre.x(), centre.y());
                shapes.push(
                    view! {
                        <text x=x y=y + 6.0 class="map-label">{building.name.clone()}</text>
                    }
                    .into_any(),
                );
            }
        }
    }
    for point in points {
        let Some(Fix {
            longitude,
            latitude,
            ..
        }) = point.fix
        else {
            continue;
        };
        let (x, y, beyond) = frame.pin(longitude, latitude);
        let flagged = !point.flags.is_empty();
        let class = match (flagged, beyond) {
            (false, false) => "map-visit",
            (true, false) => "map-visit flagged",
            (false, true) => "map-visit beyond",
            (true, true) => "map-visit flagged beyond",
        };
        let id = point.id.to_string();
        // The dot is small; the circle around it that takes the tap is a
        // thumb wide at a phone's width.
        shapes.push(
            view! {
                <g
                    class=class
                    data-testid=format!("map-visit-{id}")
                    on:click=move |_| chosen.set(Some(point.clone()))
                >
                    <circle cx=x cy=y r="66" class="map-hit" />
                    <circle cx=x cy=y r=if flagged { 20.0 } else { 16.0 } />
                </g>
            }
            .into_any(),
        );
    }
    view! {
        <svg
            class="map-drawing"
            viewBox=format!("0 0 {WIDTH} {:.0}", frame.height)
            width="100%"
            role="img"
            aria-label=tr(Msg::Map)
            data-testid="map"
        >
            {shapes}
        </svg>
    }
    .into_any()
}
