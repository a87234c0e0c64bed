//! Horizontal bar charts in SVG: one row per item, the bar's length its
//! share of the largest, the figure written beside it. Scales with the
//! screen, needs no library, works offline.

use leptos::prelude::*;

/// One bar: its label, its value, and how the value reads.
#[derive(Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
}

const ROW: f64 = 36.0;
const LABEL_W: f64 = 96.0;
const TEXT_W: f64 = 64.0;
const WIDTH: f64 = 360.0;

#[component]
pub fn BarChart(title: String, bars: Vec<Bar>, testid: String) -> impl IntoView {
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    let span = WIDTH - LABEL_W - TEXT_W;
    let height = ROW * bars.len() as f64;
    let rows = bars
        .into_iter()
        .enumerate()
        .map(|(i, bar)| {
            let y = ROW * i as f64;
            let len = if max > 0.0 { span * bar.value / max } else { 0.0 };
            let Bar { label, text, .. } = bar;
            let name = label.clone();
            view! {
                <g data-label=name>
                    <text x="0" y=y + 23.0 class="chart-label">{label}</text>
                    <rect x=LABEL_W y=y + 8.0 width=len.max(2.0) height="20" rx="3" class="chart-bar" />
                    <text x=LABEL_W + len + 6.0 y=y + 23.0 class="chart-value">{text}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-testid=testid>
            <figcaption class="chart-title">{title.clone()}</figcaption>
            <svg
                viewBox=format!("0 0 {WIDTH} {height}")
                width="100%"
                role="img"
                aria-label=title
                preserveAspectRatio="xMinYMin meet"
            >
                {rows}
            </svg>
        </figure>
    }
}

/// One point of a line: its label (a round), its value, and how it reads.
#[derive(Clone, PartialEq)]
pub struct Point {
    pub label: String,
    pub value: f64,
    pub text: String,
}

const LINE_W: f64 = 160.0;
const LINE_H: f64 = 64.0;
const PAD: f64 = 8.0;

/// A small line chart of one figure over rounds: the line, a dot per
/// round, the latest value written large, the first and last rounds named.
#[component]
pub fn LineChart(title: String, points: Vec<Point>, testid: String) -> impl IntoView {
    let max = points.iter().map(|p| p.value).fold(f64::MIN, f64::max);
    let min = points.iter().map(|p| p.value).fold(f64::MAX, f64::min);
    let range = if max > min { max - min } else { 1.0 };
    let step = if points.len() > 1 {
        (LINE_W - 2.0 * PAD) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let xy = |i: usize, v: f64| {
        let x = PAD + step * i as f64;
        let y = LINE_H - PAD - (v - min) / range * (LINE_H - 2.0 * PAD);
        (x, y)
    };
    let path = (points.iter().enumerate())
        .map(|(i, p)| {
            let (x, y) = xy(i, p.value);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ");
    let dots = (points.iter().enumerate())
        .map(|(i, p)| {
            let (x, y) = xy(i, p.value);
            view! { <circle cx=x cy=y r="3" class="chart-dot" data-label=p.label.clone() data-text=p.text.clone() /> }
        })
        .collect_view();
    let latest = points.last().map(|p| p.text.clone()).unwrap_or_default();
    let first = points.first().map(|p| p.label.clone()).unwrap_or_default();
    let last = points.last().map(|p| p.label.clone()).unwrap_or_default();
    view! {
        <figure class="trend" data-testid=testid>
            <figcaption class="trend-title">{title.clone()}</figcaption>
            <span class="trend-latest">{latest}</span>
            <svg viewBox=format!("0 0 {LINE_W} {LINE_H}") width="100%" role="img" aria-label=title>
                <polyline points=path class="chart-line" />
                {dots}
            </svg>
            <span class="trend-rounds">{first}" – "{last}</span>
        </figure>
    }
}
