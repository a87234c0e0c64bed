//! The table as an Excel workbook: one sheet, 台账, with a bold frozen
//! header row, an autofilter over the data, and columns wide enough for
//! their Chinese text.

use rust_xlsxwriter::{ColNum, ExcelDateTime, Format, RowNum, Workbook, XlsxError};

use super::{Cell, Table};

const SHEET: &str = "台账";
/// Column widths in Excel's units (about one Latin character each).
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 40;

pub fn write(table: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET)?;
    let bold = Format::new().set_bold();
    let iso_date = Format::new().set_num_format("yyyy-mm-dd");
    for (col, header) in table.headers().iter().enumerate() {
        sheet.write_string_with_format(0, col_num(col)?, header.as_ref(), &bold)?;
    }
    for (idx, row) in table.rows().iter().enumerate() {
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
    sheet.autofilter(0, 0, row_num(table.rows().len())?, last_col)?;
    for (col, header) in table.headers().iter().enumerate() {
        let widest = table
            .rows()
            .iter()
            .map(|row| row.get(col).map_or(0, display_width))
            .chain([text_width(header) + 2]) // Room for the filter button.
            .max()
            .unwrap_or(0);
        let width = (widest + 1).clamp(MIN_WIDTH, MAX_WIDTH);
        sheet.set_column_width(col_num(col)?, width as f64)?;
    }
    workbook.save_to_buffer()
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
