//! Output that Excel opens: workbooks (`--format xlsx --output FILE.xlsx`) and CSV in the
//! Swedish Excel dialect (`--csv-dialect excel-sv`: semicolons, decimal commas, UTF-8 with a
//! byte-order mark).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};

use crate::fail::Failure;

/// The language of column headers in xlsx and excel-sv output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// English: the field names of the CSV and JSON output (`mean_days`).
    #[default]
    En,
    /// Swedish, as the reports to the municipalities write them (`Medel dagar`).
    Sv,
}

/// The dialect of `--format csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Dialect {
    /// Comma-separated, decimal points, no byte-order mark (for programs).
    #[default]
    Plain,
    /// What Swedish Excel opens by double-click: semicolon-separated, decimal commas, UTF-8
    /// with a byte-order mark.
    ExcelSv,
}

/// The options of spreadsheet output, shared by the commands that have it.
#[derive(Debug, Clone, clap::Args)]
pub struct SheetArgs {
    /// The file that --format xlsx writes (a workbook is never written to standard output).
    #[arg(long, value_name = "FILE.xlsx")]
    pub output: Option<PathBuf>,
    /// Column headers of xlsx and --csv-dialect excel-sv output: en (the field names of csv
    /// and json) or sv (Swedish words).
    #[arg(long, value_enum, default_value_t = Lang::En)]
    pub lang: Lang,
    /// --format csv for programs (plain: commas, decimal points) or for Swedish Excel
    /// (excel-sv: semicolons, decimal commas, UTF-8 with a byte-order mark).
    #[arg(long, value_enum, default_value_t = Dialect::Plain)]
    pub csv_dialect: Dialect,
}

impl SheetArgs {
    /// Writes `sheets` as a workbook at --output (`xlsx`), or else the first sheet as CSV
    /// for Swedish Excel on `out`.
    pub fn write(&self, xlsx: bool, sheets: &[Sheet], out: &mut dyn Write) -> Result<(), Failure> {
        match sheets.first() {
            None => Ok(()),
            Some(first) if !xlsx => write_excel_sv(first, out),
            Some(_) => write_xlsx(output_path(self.output.as_ref())?, sheets),
        }
    }
}

/// One cell of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing (a value that cannot be computed).
    Empty,
    /// Text.
    Text(String),
    /// A whole number.
    Int(i64),
    /// A number shown with this many decimals (full precision in the cell).
    Num(f64, u8),
    /// A share 0–1 shown as a percentage.
    Share(f64),
    /// A date: a real date cell in a workbook (shown `yyyy-mm-dd`), `2025-03-01` in CSV.
    Date(NaiveDate),
}

impl Cell {
    /// A number, or empty when absent or not finite.
    pub fn num(x: Option<f64>, decimals: u8) -> Cell {
        match x {
            Some(v) if v.is_finite() => Cell::Num(v, decimals),
            _ => Cell::Empty,
        }
    }

    /// A date, or empty.
    pub fn date(d: Option<NaiveDate>) -> Cell {
        d.map_or(Cell::Empty, Cell::Date)
    }

    /// A share, or empty.
    pub fn share(x: Option<f64>) -> Cell {
        match x {
            Some(v) if v.is_finite() => Cell::Share(v),
            _ => Cell::Empty,
        }
    }
}

/// One sheet: a name, headers and rows.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The sheet's name (at most 31 characters in Excel).
    pub name: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    /// A sheet with these headers, English or Swedish by `lang` (`(en, sv)` pairs).
    pub fn new(name: &str, headers: &[(&str, &str)], lang: Lang) -> Sheet {
        Sheet {
            name: name.to_string(),
            headers: headers
                .iter()
                .map(|(en, sv)| if lang == Lang::Sv { *sv } else { *en }.to_string())
                .collect(),
            rows: Vec::new(),
        }
    }
}

/// The `--output` file an xlsx needs (a workbook is not written to a terminal or a pipe).
pub fn output_path(output: Option<&PathBuf>) -> Result<&Path, Failure> {
    output.map(PathBuf::as_path).ok_or_else(|| {
        Failure::usage("--format xlsx writes a workbook: give --output FILE.xlsx".to_string())
    })
}

fn xlsx_error(path: &Path, e: &rust_xlsxwriter::XlsxError) -> Failure {
    Failure::usage(format!("{}: cannot be written ({e})", path.display()))
}

/// Writes sheets as a workbook: numbers as numbers (with their decimals shown), shares as
/// percentages, the header row bold and frozen, column widths set to the content.
pub fn write_xlsx(path: &Path, sheets: &[Sheet]) -> Result<(), Failure> {
    let mut book = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let decimals: Vec<CellFormat> = (0..=6u8)
        .map(|d| {
            let f = if d == 0 {
                "0".to_string()
            } else {
                format!("0.{}", "0".repeat(d as usize))
            };
            CellFormat::new().set_num_format(f)
        })
        .collect();
    let percent = CellFormat::new().set_num_format("0.0%");
    let date = CellFormat::new().set_num_format("yyyy-mm-dd");
    for s in sheets {
        let ws = book.add_worksheet();
        let name: String = s.name.chars().take(31).collect();
        ws.set_name(&name).map_err(|e| xlsx_error(path, &e))?;
        let mut width: Vec<usize> = s.headers.iter().map(|h| h.chars().count()).collect();
        for (c, h) in s.headers.iter().enumerate() {
            ws.write_with_format(0, c as u16, h.as_str(), &bold)
                .map_err(|e| xlsx_error(path, &e))?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let col = c as u16;
                let shown = match cell {
                    Cell::Empty => 0,
                    Cell::Text(t) => {
                        ws.write(r, col, t.as_str())
                            .map_err(|e| xlsx_error(path, &e))?;
                        t.chars().count()
                    }
                    Cell::Int(i) => {
                        // Exact up to 2^53, which counts and öre stay far below.
                        ws.write(r, col, *i as f64)
                            .map_err(|e| xlsx_error(path, &e))?;
                        i.to_string().len()
                    }
                    Cell::Num(x, d) => {
                        let d = (*d).min(6);
                        ws.write_with_format(r, col, *x, &decimals[d as usize])
                            .map_err(|e| xlsx_error(path, &e))?;
                        format!("{x:.prec$}", prec = d as usize).len()
                    }
                    Cell::Share(x) => {
                        ws.write_with_format(r, col, *x, &percent)
                            .map_err(|e| xlsx_error(path, &e))?;
                        7
                    }
                    Cell::Date(d) => {
                        // The core's dates lie in 1990–2100, inside Excel's range.
                        let (y, m, day) = (d.year(), d.month(), d.day());
                        let cell = u16::try_from(y)
                            .ok()
                            .and_then(|y| ExcelDateTime::from_ymd(y, m as u8, day as u8).ok());
                        match cell {
                            Some(cell) => ws.write_with_format(r, col, &cell, &date),
                            None => ws.write(r, col, d.to_string()),
                        }
                        .map_err(|e| xlsx_error(path, &e))?;
                        10
                    }
                };
                if let Some(w) = width.get_mut(c) {
                    *w = (*w).max(shown);
                }
            }
        }
        for (c, w) in width.iter().enumerate() {
            ws.set_column_width(c as u16, (*w).clamp(6, 60) as f64 + 2.0)
                .map_err(|e| xlsx_error(path, &e))?;
        }
        ws.set_freeze_panes(1, 0)
            .map_err(|e| xlsx_error(path, &e))?;
    }
    book.save(path).map_err(|e| xlsx_error(path, &e))
}

/// A number with a decimal comma, full precision.
fn comma(x: f64) -> String {
    x.to_string().replace('.', ",")
}

/// Writes one sheet as CSV in the Swedish Excel dialect: a byte-order mark, semicolons,
/// decimal commas (full precision; shares as shares, 0,8), empty cells for values that
/// cannot be computed.
pub fn write_excel_sv(sheet: &Sheet, out: &mut dyn Write) -> Result<(), Failure> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(&mut *out);
    w.write_record(&sheet.headers)?;
    for row in &sheet.rows {
        let rec: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Empty => String::new(),
                Cell::Text(t) => t.clone(),
                Cell::Int(i) => i.to_string(),
                Cell::Num(x, _) | Cell::Share(x) => comma(*x),
                Cell::Date(d) => d.to_string(),
            })
            .collect();
        w.write_record(&rec)?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_sv_has_bom_semicolons_and_decimal_commas() {
        let mut s = Sheet::new("t", &[("name", "namn"), ("x", "x")], Lang::Sv);
        s.rows
            .push(vec![Cell::Text("Kalmar; län".into()), Cell::Num(0.8, 1)]);
        s.rows.push(vec![Cell::Int(12), Cell::Empty]);
        s.rows.push(vec![
            Cell::date("2025-03-01".parse().ok()),
            Cell::date(None),
        ]);
        let mut out = Vec::new();
        write_excel_sv(&s, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "\u{feff}namn;x\r\n\"Kalmar; län\";0,8\r\n12;\r\n2025-03-01;\r\n"
        );
    }
}
