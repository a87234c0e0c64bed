//! A follow-up list as a spreadsheet (跟踪名单): one row per item, its
//! place, who, since when and until when, the help recorded and, once
//! cleared, when and why. The items arrive already masked for the caller.

use shared::codes::Code;
use shared::follow_up::FollowUpItem;
use shared::round::CHINA;

use super::{Cell, Table};

/// The columns, in order.
pub const HEADERS: [&str; 14] = [
    "户编号",
    "网格编号",
    "楼栋",
    "房号",
    "人员编号",
    "姓名",
    "联系电话",
    "纳入日期",
    "限办结日期",
    "是否超期",
    "人均年收入（元）",
    "帮扶措施",
    "销号日期",
    "销号原因",
];

/// The table of `items`.
pub fn table(items: &[FollowUpItem]) -> Table {
    let text = |t: Option<String>| t.map_or(Cell::Empty, Cell::Text);
    let rows = items
        .iter()
        .map(|item| {
            let help: Vec<String> = (item.actions.iter())
                .map(|a| {
                    let detail: Vec<&str> = [&a.employer, &a.post, &a.note]
                        .into_iter()
                        .filter_map(|t| t.as_deref())
                        .collect();
                    let mut line = format!(
                        "{} {}",
                        shared::day::format(a.done_at.to_offset(CHINA).date()),
                        a.kind.zh()
                    );
                    for part in detail {
                        line.push(' ');
                        line.push_str(part);
                    }
                    format!("{line}（{}）", a.by)
                })
                .collect();
            vec![
                Cell::Text(item.household.to_string()),
                Cell::Text(item.grid.to_string()),
                Cell::Text(item.building.clone()),
                Cell::Text(item.room.clone()),
                text(item.member.as_ref().map(ToString::to_string)),
                text(item.name.clone()),
                text(item.phone.clone()),
                Cell::Date(item.entered_on),
                Cell::Date(item.due_on),
                Cell::Text(if item.overdue { "是" } else { "否" }.into()),
                item.per_capita
                    .map_or(Cell::Empty, |p| Cell::Number(p.into())),
                Cell::Text(help.join("；")),
                item.cleared_on.map_or(Cell::Empty, Cell::Date),
                text(item.cleared.map(|c| c.zh().to_owned())),
            ]
        })
        .collect();
    Table::new(HEADERS.to_vec(), rows).expect("a cell per column")
}
