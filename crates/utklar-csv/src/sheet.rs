//! Spreadsheets (feature `xlsx`): a worksheet's cells as the core's typed [`Value`]s.
//!
//! The workbook is read through calamine (`.xlsx`/`.xlsm`, `.ods`, legacy `.xls`); the first
//! sheet by default, or the one named. The sheet's first row that holds anything is the header;
//! rows wholly empty are skipped. Each cell is handed to the core as the spreadsheet typed it:
//!
//! | cell | value |
//! | --- | --- |
//! | whole number (`880`) | [`Value::Int`] |
//! | other number (`86.5`) | [`Value::Float`] |
//! | text (`"0880"`, `"2025-03-03"`) | [`Value::Text`] |
//! | TRUE / FALSE | [`Value::Bool`] |
//! | a date serial with no time of day | [`Value::Date`] |
//! | a date-time serial | [`Value::DateTime`] (Swedish local time, as the sheet shows it) |
//! | an ISO date text of an OpenDocument sheet | [`Value::Text`] |
//! | an error (`#N/A`) | [`Value::Text`] of the error, which no field rule accepts |
//! | empty | [`Value::Absent`] |
//!
//! Every rule about what a value means (a code written as 880, a date outside 1990–2100) is
//! the core's. A place in a sheet is its name, its row as the spreadsheet numbers it (the
//! header is usually row 1) and its column letter.

use std::io::{Cursor, Read, Seek};
use std::path::Path;

use calamine::{Data, Range, Reader};
use chrono::{NaiveDate, Timelike};
use utklar_core::input::{AlsoBy, Row, Value};
use utklar_core::validate::{EpisodeReader, Field};
use utklar_core::{input::value, Beds, Population};

use crate::episodes::{map_header, Columns, EpisodeRow};
use crate::open::{sniff, FileKind};
use crate::Error;

/// One worksheet read into memory: its name, header and data rows.
#[derive(Debug)]
pub struct Sheet {
    name: String,
    cells: Range<Data>,
    /// 0-based row and column of the range's first cell in the sheet.
    origin: (u32, u32),
    /// Row of the header within the range.
    header_at: usize,
    header: Vec<String>,
}

/// The letters of a 0-based column: 0 → `A`, 25 → `Z`, 26 → `AA`.
///
/// ```
/// assert_eq!(utklar_csv::column_letters(0), "A");
/// assert_eq!(utklar_csv::column_letters(27), "AB");
/// assert_eq!(utklar_csv::column_letters(16_383), "XFD");
/// ```
pub fn column_letters(column: u32) -> String {
    let mut n = u64::from(column) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        out.push(b'A' + r);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn workbook_error(e: impl std::fmt::Display) -> Error {
    Error::Workbook {
        message: e.to_string(),
    }
}

/// Days from 0001-01-01 (chrono's `num_days_from_ce` 1) to 1970-01-01.
const UNIX_DAY_FROM_CE: i32 = 719_163;

/// The core's value of one cell.
pub fn cell_value(cell: &Data) -> Value<'_> {
    match cell {
        Data::Empty => Value::Absent,
        Data::Int(i) => Value::Int(*i),
        Data::Float(x) => Value::Float(*x),
        Data::Bool(b) => Value::Bool(*b),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Text(s),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) => {
                let day = chrono::Datelike::num_days_from_ce(&t.date()) - UNIX_DAY_FROM_CE;
                let second = t.time().num_seconds_from_midnight() as i32;
                if second == 0 {
                    Value::Date(day)
                } else {
                    Value::DateTime { day, second }
                }
            }
            // A serial no calendar holds: a date rule refuses it as out of range.
            None => Value::Date(i32::MIN),
        },
        Data::Error(_) => Value::Text("#ERROR"),
    }
}

/// A cell as text, for a header or a reference file's text rules: text as it is, a whole
/// number in decimals, a date as `YYYY-MM-DD`.
fn cell_text(cell: &Data) -> String {
    match cell_value(cell) {
        Value::Absent | Value::Instant(_) => String::new(),
        Value::Text(s) => s.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => (x as i64).to_string(),
        Value::Float(x) => x.to_string(),
        Value::Bool(b) => if b { "true" } else { "false" }.to_string(),
        Value::Date(d) | Value::DateTime { day: d, .. } => NaiveDate::default()
            .checked_add_signed(chrono::TimeDelta::days(i64::from(d)))
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
    }
}

impl Sheet {
    /// Opens a workbook file and reads one sheet: the first, or the one named.
    pub fn open(path: impl AsRef<Path>, sheet: Option<&str>) -> Result<Sheet, Error> {
        let path = path.as_ref();
        if std::fs::metadata(path).map_err(Error::open)?.is_dir() {
            return Err(Error::Directory);
        }
        let data = std::fs::read(path).map_err(Error::open)?;
        Sheet::from_bytes(data, sheet)
    }

    /// Reads a sheet of a workbook held in memory; its kind is told by its first bytes.
    pub fn from_bytes(data: Vec<u8>, sheet: Option<&str>) -> Result<Sheet, Error> {
        let kind = sniff(&data);
        let cursor = Cursor::new(data);
        match kind {
            FileKind::Xlsx => pick(calamine::Xlsx::new(cursor).map_err(workbook_error)?, sheet),
            FileKind::Ods => pick(calamine::Ods::new(cursor).map_err(workbook_error)?, sheet),
            FileKind::Xls => pick(calamine::Xls::new(cursor).map_err(workbook_error)?, sheet),
            other => Err(Error::Unsupported { kind: other }),
        }
    }

    /// The sheet's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The header's column names (surrounding spaces removed).
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The letters of the sheet column holding header column `i`.
    pub fn column(&self, i: usize) -> String {
        column_letters(self.origin.1.saturating_add(i as u32))
    }

    /// The spreadsheet's 1-based row number of range row `i`.
    fn row_number(&self, i: usize) -> u64 {
        u64::from(self.origin.0) + i as u64 + 1
    }

    /// The data rows: each with its sheet row number (1-based) and its cells; rows with no
    /// cell filled are skipped.
    pub fn rows(&self) -> impl Iterator<Item = (u64, &[Data])> + '_ {
        self.cells
            .rows()
            .enumerate()
            .skip(self.header_at + 1)
            .filter(|(_, cells)| !cells.iter().all(|c| cell_value(c).is_absent()))
            .map(|(i, cells)| (self.row_number(i), cells))
    }
}

fn pick<RS: Read + Seek, W: Reader<RS>>(mut book: W, sheet: Option<&str>) -> Result<Sheet, Error>
where
    W::Error: std::fmt::Display,
{
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(wanted)))
            .cloned()
            .ok_or_else(|| Error::NoSheet {
                sheet: wanted.to_string(),
                sheets: names.clone(),
            })?,
        None => names.first().cloned().ok_or(Error::Empty)?,
    };
    let cells = book.worksheet_range(&name).map_err(workbook_error)?;
    let origin = cells.start().unwrap_or((0, 0));
    let header_at = cells
        .rows()
        .position(|r| !r.iter().all(|c| cell_value(c).is_absent()))
        .ok_or(Error::Empty)?;
    let header = cells
        .rows()
        .nth(header_at)
        .map(|r| {
            r.iter()
                .map(|c| {
                    cell_text(c)
                        .trim()
                        .chars()
                        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Sheet {
        name,
        cells,
        origin,
        header_at,
        header,
    })
}

/// The episode rows of a sheet, checked by the core's [`EpisodeReader`] (repeated ids
/// included); each [`EpisodeRow::line`] is the sheet's row number.
///
/// ```
/// use utklar_core::validate::Field;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let dir = std::env::temp_dir().join(format!("utklar-sheet-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// # let path = dir.join("export.xlsx");
/// use rust_xlsxwriter::{Format, Workbook};
///
/// let mut book = Workbook::new();
/// let date = Format::new().set_num_format("yyyy-mm-dd");
/// let s = book.add_worksheet().set_name("Export")?;
/// for (c, h) in ["episode_id", "municipality", "care_type", "ready_at", "discharged_at"].iter().enumerate() {
///     s.write(0, c as u16, *h)?;
/// }
/// // 45719 and 45721 are the serials of 2025-03-03 and 2025-03-05.
/// s.write(1, 0, "e1")?.write(1, 1, 880)?.write(1, 2, "somatic")?;
/// s.write_number_with_format(1, 3, 45719.0, &date)?.write_number_with_format(1, 4, 45721.0, &date)?;
/// s.write(2, 0, "e2")?.write(2, 1, "0999")?.write(2, 2, "somatic")?;
/// s.write_number_with_format(2, 3, 45719.0, &date)?;
/// book.save(&path)?;
///
/// let mut rows = utklar_csv::SheetEpisodes::open(&path, None)?;
/// assert_eq!(rows.sheet().name(), "Export");
/// let first = rows.next_row()?.unwrap();
/// assert_eq!((first.line, first.result.unwrap().ready_days()), (2, Some(2)));
/// let second = rows.next_row()?.unwrap();
/// let p = &second.result.unwrap_err()[0];
/// assert_eq!((second.line, p.field), (3, Field::Municipality));
/// assert_eq!(rows.column_of(p.field).as_deref(), Some("B"));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(()) }
/// ```
///
/// A serial is a date when the workbook formats it as one; a plain number in a date column
/// is refused by the core's date rule, as any number is.
pub struct SheetEpisodes {
    sheet: Sheet,
    columns: Columns,
    reader: EpisodeReader,
    /// Each data row's sheet row number and its row within the range.
    rows: Vec<(u64, usize)>,
    next: usize,
    also: AlsoBy,
}

impl std::fmt::Debug for SheetEpisodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SheetEpisodes")
            .field("sheet", &self.sheet.name)
            .field("rows", &self.rows.len())
            .finish_non_exhaustive()
    }
}

impl SheetEpisodes {
    /// Opens a workbook and maps the chosen sheet's header (see [`map_header`]).
    pub fn open(path: impl AsRef<Path>, sheet: Option<&str>) -> Result<Self, Error> {
        SheetEpisodes::new(Sheet::open(path, sheet)?)
    }

    /// Maps a sheet's header.
    pub fn new(sheet: Sheet) -> Result<Self, Error> {
        let columns = map_header(sheet.header())?;
        let rows = sheet
            .cells
            .rows()
            .enumerate()
            .skip(sheet.header_at + 1)
            .filter(|(_, cells)| !cells.iter().all(|c| cell_value(c).is_absent()))
            .map(|(i, _)| (sheet.row_number(i), i))
            .collect();
        Ok(SheetEpisodes {
            sheet,
            columns,
            reader: EpisodeReader::new(),
            rows,
            next: 0,
            also: AlsoBy::default(),
        })
    }

    /// The sheet.
    pub fn sheet(&self) -> &Sheet {
        &self.sheet
    }

    /// The column of each field.
    pub fn columns(&self) -> &[(usize, Field)] {
        &self.columns
    }

    /// The column letters of a field's column.
    pub fn column_of(&self, field: Field) -> Option<String> {
        self.columns
            .iter()
            .find(|(_, f)| *f == field)
            .map(|&(i, _)| self.sheet.column(i))
    }

    /// The number of data rows (rows with any cell filled, after the header).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the sheet has no data rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Data rows read so far.
    pub fn rows_read(&self) -> usize {
        self.next
    }

    /// Lets ids that look like personal identity numbers through (see
    /// [`EpisodeReader::allow_personal_ids`]).
    pub fn allow_personal_ids(&mut self, allow: bool) {
        self.reader.allow_personal_ids(allow);
    }

    /// Carries the cells of the caller's columns `names` with each row (see
    /// [`EpisodeFile::also_by`](crate::EpisodeFile::also_by)).
    pub fn also_by(&mut self, names: &[String]) -> Result<(), Error> {
        self.also = AlsoBy::new(names, self.sheet.header()).map_err(Error::Refused)?;
        Ok(())
    }

    /// The next row checked, `None` at the end; there, [`Error::Refused`] when ids looked like
    /// personal identity numbers and they are not allowed.
    pub fn next_row(&mut self) -> Result<Option<EpisodeRow>, Error> {
        let Some(&(line, i)) = self.rows.get(self.next) else {
            self.reader.finish().map_err(Error::Refused)?;
            return Ok(None);
        };
        let row = self.next;
        self.next += 1;
        let mut raw = Row::default();
        for &(c, f) in &self.columns {
            if let Some(cell) = self.sheet.cells.get((i, c)) {
                raw.set(f, cell_value(cell));
            }
        }
        let result = self.reader.read(row, &raw);
        let episode_id = if result.is_err() {
            value::id(raw.value(Field::EpisodeId)).map(|id| id.as_str().to_string())
        } else {
            None
        };
        let cells = &self.sheet.cells;
        let also = if self.also.is_empty() {
            Vec::new()
        } else {
            let values = self
                .also
                .columns()
                .iter()
                .map(|&c| cells.get((i, c)).map_or(Value::Absent, cell_value));
            self.reader.read_also(&self.also, values)
        };
        Ok(Some(EpisodeRow {
            row,
            line,
            result,
            episode_id,
            also,
        }))
    }
}

impl Iterator for SheetEpisodes {
    type Item = Result<EpisodeRow, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_row().transpose()
    }
}

/// Calls `row` with each data row's wanted cells as text (see the module's table: numbers
/// in decimals, dates as `YYYY-MM-DD`); the number of rows.
fn each_row<const N: usize>(
    sheet: &Sheet,
    wanted: [&'static str; N],
    mut row: impl FnMut([&str; N]) -> Result<(), utklar_core::Error>,
) -> Result<usize, Error> {
    let cols = crate::reference::columns(sheet.header(), &wanted)?;
    let mut n = 0;
    for (line, cells) in sheet.rows() {
        n += 1;
        let texts: Vec<String> = cols
            .iter()
            .map(|&c| cells.get(c).map(cell_text).unwrap_or_default())
            .collect();
        let mut refs = [""; N];
        for (r, t) in refs.iter_mut().zip(&texts) {
            *r = t.as_str();
        }
        row(refs).map_err(|error| Error::Value { line, error })?;
    }
    Ok(n)
}

/// A population sheet (the columns of [`crate::read_population`]); each row read by the
/// core's [`Population::insert_text`].
pub fn population_of_sheet(sheet: &Sheet) -> Result<Population, Error> {
    let mut pop = Population::new();
    each_row(
        sheet,
        ["municipality", "year", "pop_total", "pop_65plus"],
        |[m, y, t, p]| pop.insert_text(m, y, t, p),
    )?;
    if pop.is_empty() {
        return Err(Error::NoRows { what: "population" });
    }
    Ok(pop)
}

/// A beds sheet (the columns of [`crate::read_beds`]); each row read by the core's
/// [`Beds::insert_text`].
pub fn beds_of_sheet(sheet: &Sheet) -> Result<Beds, Error> {
    let mut beds = Beds::new();
    let rows = each_row(sheet, ["county", "period", "available_beds"], |[c, p, b]| {
        beds.insert_text(c, p, b)
    })?;
    if rows == 0 {
        return Err(Error::NoRows { what: "beds" });
    }
    Ok(beds)
}
