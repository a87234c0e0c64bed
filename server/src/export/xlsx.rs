//! The table as an Excel workbook: one sheet, 台账, with a bold frozen
//! header row, an autofilter over the data, and columns wide enough for
//! their Chinese text. A table past a sheet's rows gets one sheet per
//! county, each laid out the same way.

use rust_xlsxwriter::{ColNum, ExcelDateTime, Format, RowNum, Workbook, Worksheet, XlsxError};

use super::{Cell, ExportError, Table};
use crate::import::columns::{self as import, Column, Tier};

const SHEET: &str = "台账";
/// A county's sheet when a row names none.
const NO_COUNTY: &str = "未填县";
/// Column widths in Excel's units (about one Latin character each).
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 40;
/// The longest sheet name Excel takes, in characters.
const MAX_SHEET_NAME: usize = 31;

/// The workbook of `table`, whose sheets hold at most `max_rows` rows
/// each, the header row included: one sheet if it fits, else one per
/// county in the order they first appear.
pub fn write(table: &Table, max_rows: usize) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let all: Vec<&Vec<Cell>> = table.rows().iter().collect();
    if all.len() < max_rows {
        fill(workbook.add_worksheet(), SHEET, table, &all)?;
        return Ok(workbook.save_to_buffer()?);
    }
    let counties = by_county(table);
    if let Some((county, _)) = counties.iter().find(|(_, rows)| rows.len() >= max_rows) {
        return Err(ExportError::CountyTooLarge(county.clone()));
    }
    let mut names: Vec<String> = Vec::new();
    for (county, rows) in &counties {
        let name = sheet_name(county, &names);
        fill(workbook.add_worksheet(), &name, table, rows)?;
        names.push(name);
    }
    Ok(workbook.save_to_buffer()?)
}

/// The rows of each county, by the county column's text, in the order
/// the counties first appear.
fn by_county(table: &Table) -> Vec<(String, Vec<&Vec<Cell>>)> {
    let header = import::header(Column::Place(Tier::County));
    let at = table.headers().iter().position(|h| h == header);
    let mut counties: Vec<(String, Vec<&Vec<Cell>>)> = Vec::new();
    for row in table.rows() {
        let county = at.and_then(|at| row.get(at)).map(Cell::to_text);
        let county = county.filter(|c| !c.is_empty()).unwrap_or(NO_COUNTY.into());
        match counties.iter_mut().find(|(name, _)| *name == county) {
            Some((_, rows)) => rows.push(row),
            None => counties.push((county, vec![row])),
        }
    }
    counties
}

/// A sheet name for `county` that Excel takes and no sheet before has:
/// without the characters it refuses, at most 31 characters.
fn sheet_name(county: &str, taken: &[String]) -> String {
    let clean: String = county
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim_matches('\'');
    let mut n = 1;
    loop {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!("({n})")
        };
        let keep = MAX_SHEET_NAME - suffix.chars().count();
        let name: String = clean.chars().take(keep).chain(suffix.chars()).collect();
        if !taken
            .iter()
            .any(|t| t.to_lowercase() == name.to_lowercase())
        {
            return name;
        }
        n += 1;
    }
}

/// One sheet: the headers in bold and frozen, `rows` under them.
fn fill(
    sheet: &mut Worksheet,
    name: &str,
    table: &Table,
    rows: &[&Vec<Cell>],
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    let bold = Format::new().set_bold();
    let iso_date = Format::new().set_num_format("yyyy-mm-dd");
    for (col, header) in table.headers().iter().enumerate() {
        sheet.write_string_with_format(0, col_num(col)?, header.as_ref(), &bold)?;
    }
    for (idx, row) in rows.iter().enumerate() {
        let row_num = row_num(idx + 1)?;
        for (col, cell) in row.iter().enumerate() {
            let col = col_num(col)?;
            match cell {
                Cell::Empty => {}
                Cell::Text(text) => {
                    sheet.write_string(row_num, col, text)?;
                }
                // Every number exported is a count or yuan, far inside f64's exact range.
                Cell::Number(n) => {
                    sheet.write_number(row_num, col, *n as f64)?;
                }
                Cell::Date(date) => match excel_date(*date) {
                    Some(date) => {
                        sheet.write_datetime_with_format(row_num, col, &date, &iso_date)?;
                    }
                    // Excel has no dates before 1900: keep the date as text.
                    None => {
                        sheet.write_string(row_num, col, cell.to_text())?;
                    }
                },
            }
        }
    }
    let last_col = col_num(table.headers().len().saturating_sub(1))?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, row_num(rows.len())?, last_col)?;
    for (col, header) in table.headers().iter().enumerate() {
        let widest = rows
            .iter()
            .map(|row| row.get(col).map_or(0, display_width))
            .chain([text_width(header) + 2]) // Room for the filter button.
            .max()
            .unwrap_or(0);
        let width = (widest + 1).clamp(MIN_WIDTH, MAX_WIDTH);
        sheet.set_column_width(col_num(col)?, width as f64)?;
    }
    Ok(())
}

fn excel_date(date: time::Date) -> Option<ExcelDateTime> {
    let year = u16::try_from(date.year()).ok()?;
    ExcelDateTime::from_ymd(year, date.month().into(), date.day()).ok()
}

fn row_num(idx: usize) -> Result<RowNum, XlsxError> {
    RowNum::try_from(idx).map_err(|_| XlsxError::RowColumnLimitError)
}

fn col_num(idx: usize) -> Result<ColNum, XlsxError> {
    ColNum::try_from(idx).map_err(|_| XlsxError::RowColumnLimitError)
}

fn display_width(cell: &Cell) -> usize {
    match cell {
        Cell::Date(_) => 10,
        _ => text_width(&cell.to_text()),
    }
}

/// Chinese characters take two columns, Latin ones one.
fn text_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

#[cfg(test)]
mod tests {
    use calamine::{Reader, Xlsx};

    use super::*;

    fn table(counties: &[&str]) -> Table {
        let county = import::header(Column::Place(Tier::County));
        let rows = counties
            .iter()
            .enumerate()
            .map(|(n, c)| vec![Cell::Text((*c).into()), Cell::Number(n as i64)])
            .collect();
        Table::new(vec![county, "序号"], rows).unwrap()
    }

    fn sheets(bytes: Vec<u8>) -> Vec<(String, Vec<String>)> {
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let names = book.sheet_names();
        names
            .into_iter()
            .map(|name| {
                let range = book.worksheet_range(&name).unwrap();
                let numbers = range.rows().skip(1).map(|r| r[1].to_string()).collect();
                (name, numbers)
            })
            .collect()
    }

    #[test]
    fn a_table_within_a_sheet_is_one_sheet() {
        let bytes = write(&table(&["离石区", "柳林县", "离石区"]), 4).unwrap();
        assert_eq!(
            sheets(bytes),
            [("台账".to_owned(), vec!["0".into(), "1".into(), "2".into()])]
        );
    }

    #[test]
    fn past_a_sheet_each_county_gets_its_own_in_order_of_appearance() {
        let t = table(&["离石区", "柳林县", "离石区", "", "柳林县"]);
        let got = sheets(write(&t, 3).unwrap());
        assert_eq!(
            got,
            [
                ("离石区".to_owned(), vec!["0".to_owned(), "2".into()]),
                ("柳林县".to_owned(), vec!["1".to_owned(), "4".into()]),
                (NO_COUNTY.to_owned(), vec!["3".to_owned()]),
            ]
        );
    }

    #[test]
    fn a_county_past_a_sheet_is_refused_by_name() {
        let t = table(&["离石区", "离石区", "离石区", "柳林县"]);
        match write(&t, 3) {
            Err(ExportError::CountyTooLarge(county)) => assert_eq!(county, "离石区"),
            other => panic!(
                "expected the county refused, got {:?}",
                other.map(|b| b.len())
            ),
        }
    }

    #[test]
    fn sheet_names_are_ones_excel_takes_and_never_repeat() {
        assert_eq!(sheet_name("a/b[c]", &[]), "a_b_c_");
        let long = "很".repeat(40);
        assert_eq!(sheet_name(&long, &[]).chars().count(), 31);
        let first = sheet_name(&long, &[]);
        let second = sheet_name(&long, std::slice::from_ref(&first));
        assert_ne!(first, second);
        assert!(second.ends_with("(2)") && second.chars().count() == 31);
    }
}
