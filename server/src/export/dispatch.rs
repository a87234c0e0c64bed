//! The dispatch report as a spreadsheet: one row per place one level
//! down, then the place's total, with the period in each row so that a
//! sheet stands alone once copied into a meeting's papers.

use shared::dispatch::{Dispatch, DispatchReport};

use super::{Cell, Table};

/// The columns, in order.
pub const HEADERS: [&str; 17] = [
    "地点",
    "起始日期",
    "截止日期",
    "户数",
    "已调查户数",
    "调查率（%）",
    "本期入户调查",
    "本期走访",
    "本期新增零就业家庭",
    "本期零就业家庭销号",
    "零就业家庭（现有）",
    "超期未销号",
    "本期帮扶措施",
    "其中职业指导",
    "其中岗位推荐",
    "其中技能培训",
    "其中公益性岗位",
];

/// The report's table.
pub fn table(report: &DispatchReport) -> Table {
    let row = |name: &str, d: &Dispatch| {
        let n = |v: u32| Cell::Number(v.into());
        let share = d
            .tally
            .surveyed_share()
            .map_or(Cell::Empty, |s| Cell::Text(format!("{:.2}", s * 100.0)));
        vec![
            Cell::Text(name.to_owned()),
            Cell::Date(report.from),
            Cell::Date(report.to),
            n(d.tally.households),
            n(d.tally.surveyed),
            share,
            n(d.activity.surveys),
            n(d.activity.visits),
            n(d.activity.newly_zero_employment),
            n(d.activity.cleared_zero_employment),
            n(d.tally.zero_employment),
            n(d.tally.overdue),
            n(d.activity.actions),
            n(d.activity.guidance),
            n(d.activity.referrals),
            n(d.activity.training),
            n(d.activity.public_welfare_posts),
        ]
    };
    let mut rows: Vec<Vec<Cell>> = (report.lines.iter())
        .map(|l| row(&l.name, &l.figures))
        .collect();
    let place = report.place.as_ref().map_or("全部", |p| p.name.as_str());
    rows.push(row(&format!("{place} 合计"), &report.total));
    Table::new(HEADERS.to_vec(), rows).expect("a cell per column")
}
