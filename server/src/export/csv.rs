//! The table as CSV: UTF-8 with a byte-order mark, which is how Excel and
//! WPS tell UTF-8 from the local GBK; CRLF line ends; quoted where needed.

use super::{Cell, Table};

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn write(table: &Table) -> Result<Vec<u8>, ::csv::Error> {
    let mut out = BOM.to_vec();
    append(table, true, &mut out)?;
    Ok(out)
}

/// `table`'s rows as CSV, after its header row if `header`, added to
/// `out`: a long export is written a page at a time.
pub fn append(table: &Table, header: bool, out: &mut Vec<u8>) -> Result<(), ::csv::Error> {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    if header {
        writer.write_record(table.headers().iter().map(|h| h.as_bytes()))?;
    }
    for row in table.rows() {
        writer.write_record(row.iter().map(field))?;
    }
    writer.flush()?;
    Ok(())
}

/// A cell as a CSV field. Text that a spreadsheet would run as a formula
/// (it starts with `=`, `+`, `-` or `@`) gets a leading `'`, as OWASP
/// advises against CSV injection: names and employers are typed on phones.
fn field(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) if text.starts_with(['=', '+', '-', '@', '\t', '\r']) => {
            format!("'{text}")
        }
        _ => cell.to_text(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(cells: Vec<Cell>, expected: &str) {
        let table = Table::new(vec!["姓名", "月收入（元）"], vec![cells]).unwrap();
        let bytes = write(&table).unwrap();
        assert_eq!(&bytes[..3], BOM);
        assert_eq!(std::str::from_utf8(&bytes[3..]).unwrap(), expected);
    }

    #[test]
    fn quotes_commas_and_quotes_and_ends_lines_with_crlf() {
        check(
            vec![Cell::Text("王\"小\",二".into()), Cell::Number(2400)],
            "姓名,月收入（元）\r\n\"王\"\"小\"\",二\",2400\r\n",
        );
    }

    #[test]
    fn defuses_text_that_a_spreadsheet_would_run() {
        check(
            vec![Cell::Text("=HYPERLINK(\"x\")".into()), Cell::Number(-1)],
            "姓名,月收入（元）\r\n\"'=HYPERLINK(\"\"x\"\")\",-1\r\n",
        );
    }
}
