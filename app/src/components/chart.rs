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
