//! 台账导出: a round's ledger as a spreadsheet, laid out as cadres keep it,
//! one row per person with the household's columns repeated.
//!
//! `ledger` builds the `Table`; `xlsx` and `csv` write it. Nothing here
//! decides who sees what: the ledgers arrive already masked for the caller.

pub mod csv;
pub mod dispatch;
pub mod follow_up;
pub mod ledger;
mod xlsx;

use std::borrow::Cow;
use time::Date;

/// A file format the ledger is exported in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Excel's workbook: typed cells, a frozen header, an autofilter.
    Xlsx,
    /// UTF-8 text with a byte-order mark, for other programs.
    Csv,
}

impl Format {
    /// The format named `raw` (`xlsx` or `csv`, any case).
    pub fn parse(raw: &str) -> Option<Format> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "xlsx" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The file name's extension, which is also the format's name.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    /// The file's bytes.
    pub fn write(self, table: &Table) -> Result<Vec<u8>, ExportError> {
        match self {
            Format::Xlsx => xlsx::write(table, SHEET_ROWS),
            Format::Csv => Ok(csv::write(table)?),
        }
    }
}

/// The rows of an Excel sheet, its header row included.
pub const SHEET_ROWS: usize = 1_048_576;

/// Writing the file failed: only past a format's own limits (Excel's
/// 1,048,576 rows), since every value is written as text, number or date.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A workbook past a sheet's rows gets a sheet per county; this
    /// county alone passes one.
    #[error("county {0} alone has more rows than one Excel sheet holds")]
    CountyTooLarge(String),
    #[error("could not write the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("could not write the CSV: {0}")]
    Csv(#[from] ::csv::Error),
}

/// One cell's value, typed so a spreadsheet can sort and sum it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(i64),
    Date(Date),
}

impl Cell {
    /// The cell as text: numbers in decimal, dates as ISO 8601 (`1985-03-12`).
    pub fn to_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Date(date) => date.to_string(),
        }
    }
}

/// A header row and the rows under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    headers: Vec<Cow<'static, str>>,
    // Invariant: every row has one cell per header.
    rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The table of `rows` under `headers`, if every row has one cell per header.
    pub fn new(headers: Vec<&'static str>, rows: Vec<Vec<Cell>>) -> Option<Table> {
        Table::with_headers(headers.into_iter().map(Cow::Borrowed).collect(), rows)
    }

    /// A template to fill in: `headers` and example rows, each given as
    /// text (empty for an empty cell).
    pub fn examples(headers: Vec<&'static str>, rows: &[Vec<&'static str>]) -> Table {
        let rows = rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|&text| match text {
                        "" => Cell::Empty,
                        text => Cell::Text(text.to_owned()),
                    })
                    .collect()
            })
            .collect();
        Table::new(headers, rows).expect("every example row has a cell per column")
    }

    /// Adds `other`'s rows under this table's; its headers must be these.
    pub fn append(&mut self, other: Table) {
        debug_assert_eq!(self.headers, other.headers);
        self.rows.extend(other.rows);
    }

    /// As `new`, with headers that may be made at run time (an added field's).
    pub fn with_headers(headers: Vec<Cow<'static, str>>, rows: Vec<Vec<Cell>>) -> Option<Table> {
        if rows.iter().any(|row| row.len() != headers.len()) {
            return None;
        }
        Some(Table { headers, rows })
    }

    pub fn headers(&self) -> &[Cow<'static, str>] {
        &self.headers
    }

    pub fn rows(&self) -> &[Vec<Cell>] {
        &self.rows
    }
}
