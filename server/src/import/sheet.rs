//! A roster file's first sheet as cells: an XLSX workbook (read with
//! calamine) or a CSV in UTF-8, with or without a byte-order mark, or in
//! the GBK that Excel's plain "CSV" saves on Chinese Windows.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use time::{Date, Month};

use super::issue::{ImportCode, RowIssue};

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// The compound-file header of an old .xls workbook.
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0";
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One cell as read.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    Date(Date),
    Bool(bool),
}

/// The sheet's rows, the header first, each cell as read.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    pub rows: Vec<Vec<Value>>,
}

/// Where each column named in `header` is: a header `named` does not know,
/// or one given twice, is an error, as is a column of `required` missing.
pub fn header_columns<C: Copy + Ord>(
    header: &[Value],
    named: impl Fn(&str) -> Option<C>,
    required: &[(C, &str)],
) -> Result<BTreeMap<C, usize>, Vec<RowIssue>> {
    let mut issues = Vec::new();
    let mut columns: BTreeMap<C, usize> = BTreeMap::new();
    for (idx, cell) in header.iter().enumerate() {
        let Some(text) = super::parse::cell_text(cell) else {
            continue;
        };
        match named(&text) {
            None => issues.push(RowIssue::at(1, &text, ImportCode::UnknownColumn)),
            Some(column) => {
                if columns.insert(column, idx).is_some() {
                    issues.push(RowIssue::at(1, &text, ImportCode::DuplicateColumn));
                }
            }
        }
    }
    for (column, header) in required {
        if !columns.contains_key(column) {
            issues.push(RowIssue::at(1, header, ImportCode::MissingColumn));
        }
    }
    if issues.is_empty() {
        Ok(columns)
    } else {
        Err(issues)
    }
}

/// The text of `column`'s cell in `cells`, trimmed; `None` when the file
/// has no such column or the cell is empty.
pub fn cell_in<C: Ord>(columns: &BTreeMap<C, usize>, cells: &[Value], column: C) -> Option<String> {
    columns
        .get(&column)
        .and_then(|&i| cells.get(i))
        .and_then(super::parse::cell_text)
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// The cells of `bytes`: an XLSX workbook if it is a zip (whatever the
/// content type says), else CSV.
pub fn read(bytes: &[u8]) -> Result<Sheet, ImportCode> {
    if bytes.starts_with(ZIP_MAGIC) {
        // calamine's arithmetic overflows on some crafted cell references
        // (found by fuzzing, fuzz/regressions/): a panic where overflow is
        // checked. Such a file is unreadable, not a failure of the server.
        return std::panic::catch_unwind(|| read_xlsx(bytes))
            .unwrap_or(Err(ImportCode::UnreadableFile));
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Err(ImportCode::OldExcel);
    }
    read_csv(bytes)
}

fn read_xlsx(bytes: &[u8]) -> Result<Sheet, ImportCode> {
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|_| ImportCode::UnreadableFile)?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or(ImportCode::EmptyFile)?
        .map_err(|_| ImportCode::UnreadableFile)?;
    // A sheet whose data starts below or right of A1 keeps its place, so
    // row numbers in errors are the ones the spreadsheet shows.
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows = vec![Vec::new(); top as usize];
    for row in range.rows() {
        let mut cells = vec![Value::Empty; left as usize];
        cells.extend(row.iter().map(cell_value));
        rows.push(cells);
    }
    Ok(Sheet { rows })
}

fn cell_value(cell: &Data) -> Value {
    match cell {
        Data::Empty => Value::Empty,
        Data::String(text) => text_value(text),
        Data::Int(n) => Value::Number(*n as f64),
        Data::Float(f) => Value::Number(*f),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(at) => {
            let (year, month, day, ..) = at.to_ymd_hms_milli();
            match Month::try_from(month)
                .ok()
                .and_then(|m| Date::from_calendar_date(year.into(), m, day).ok())
            {
                Some(date) => Value::Date(date),
                None => Value::Text(at.to_string()),
            }
        }
        Data::DateTimeIso(text) | Data::DurationIso(text) => text_value(text),
        Data::Error(err) => Value::Text(err.to_string()),
    }
}

fn read_csv(bytes: &[u8]) -> Result<Sheet, ImportCode> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .ok_or(ImportCode::UnreadableFile)?
            .into_owned(),
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| ImportCode::UnreadableFile)?;
        rows.push(record.iter().map(text_value).collect());
    }
    Ok(Sheet { rows })
}

/// Text as a cell: trimmed, empty if blank, and without the `'` that the
/// export puts before text a spreadsheet would run as a formula.
fn text_value(raw: &str) -> Value {
    let text = raw.trim();
    let text = match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => text,
    };
    if text.is_empty() {
        Value::Empty
    } else {
        Value::Text(text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(bytes: &[u8], expected: Result<Vec<Vec<Value>>, ImportCode>) {
        assert_eq!(read(bytes).map(|s| s.rows), expected);
    }

    fn text(raw: &str) -> Value {
        Value::Text(raw.into())
    }

    #[test]
    fn reads_utf8_csv_with_or_without_a_bom() {
        let rows = vec![
            vec![text("姓名"), text("楼层")],
            vec![text("李四"), text("3")],
        ];
        check("姓名,楼层\r\n李四,3\r\n".as_bytes(), Ok(rows.clone()));
        check("\u{feff}姓名,楼层\n 李四 ,3".as_bytes(), Ok(rows));
    }

    #[test]
    fn reads_a_gbk_csv_as_excel_saves_it() {
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名,楼层\r\n李四,3\r\n");

        check(
            &gbk,
            Ok(vec![
                vec![text("姓名"), text("楼层")],
                vec![text("李四"), text("3")],
            ]),
        );
    }

    #[test]
    fn undoes_the_exports_formula_guard_and_keeps_other_quotes() {
        check(
            "a,b,c\n'=1+1,'-3,'abc\n".as_bytes(),
            Ok(vec![
                vec![text("a"), text("b"), text("c")],
                vec![text("=1+1"), text("-3"), text("'abc")],
            ]),
        );
    }

    #[test]
    fn an_old_workbook_or_a_broken_zip_is_refused() {
        check(
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            Err(ImportCode::OldExcel),
        );
        check(b"PK\x03\x04garbage", Err(ImportCode::UnreadableFile));
    }
}
