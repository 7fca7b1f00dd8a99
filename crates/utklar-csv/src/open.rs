//! A file's kind told by its first bytes, and episode, population and beds files opened
//! whatever their kind: CSV, gzip-compressed CSV (feature `gzip`) or a spreadsheet (feature
//! `xlsx`).

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use utklar_core::{Beds, Population};

use crate::episodes::{EpisodeFile, EpisodeRow};
use crate::reader::CsvReader;
use crate::Error;

/// What a file is, by its first bytes (never by its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    /// Text: read as CSV.
    Csv,
    /// gzip-compressed (`\x1f\x8b`): read as compressed CSV.
    Gzip,
    /// A zip holding an Excel workbook (`xl/workbook.xml`): `.xlsx`, `.xlsm`.
    Xlsx,
    /// A zip holding an OpenDocument spreadsheet: `.ods`.
    Ods,
    /// Any other zip archive.
    Zip,
    /// An OLE compound file (`\xd0\xcf\x11\xe0`): a legacy `.xls` workbook (or another
    /// Office 97 document).
    Xls,
    /// Apache Parquet (`PAR1`).
    Parquet,
    /// Apache Arrow IPC (`ARROW1`).
    Arrow,
    /// A PDF document.
    Pdf,
}

impl FileKind {
    /// The kind in words, for messages ("a Parquet file").
    pub fn describe(self) -> &'static str {
        match self {
            FileKind::Csv => "a CSV file",
            FileKind::Gzip => "a gzip-compressed file",
            FileKind::Xlsx => "an Excel workbook (xlsx)",
            FileKind::Ods => "an OpenDocument spreadsheet (ods)",
            FileKind::Zip => "a zip archive",
            FileKind::Xls => "a legacy Excel workbook (xls)",
            FileKind::Parquet => "a Parquet file",
            FileKind::Arrow => "an Arrow file",
            FileKind::Pdf => "a PDF document",
        }
    }

    /// Whether the kind is a spreadsheet (read with the `xlsx` feature).
    pub fn is_spreadsheet(self) -> bool {
        matches!(self, FileKind::Xlsx | FileKind::Ods | FileKind::Xls)
    }
}

/// Bytes [`sniff`] wants to see (a zip's first entries are within them).
pub const SNIFF_BYTES: usize = 1 << 16;

/// The kind of a file from its first bytes (up to [`SNIFF_BYTES`] of them).
///
/// ```
/// use utklar_csv::{sniff, FileKind};
/// assert_eq!(sniff(b"episode_id,municipality\n"), FileKind::Csv);
/// assert_eq!(sniff(b"\x1f\x8b\x08\x00"), FileKind::Gzip);
/// assert_eq!(sniff(b"PAR1\x15\x04"), FileKind::Parquet);
/// assert_eq!(sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), FileKind::Xls);
/// ```
pub fn sniff(head: &[u8]) -> FileKind {
    let contains = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        if contains(b"application/vnd.oasis.opendocument.spreadsheet") {
            FileKind::Ods
        } else if contains(b"xl/workbook") || contains(b"[Content_Types].xml") && contains(b"xl/") {
            FileKind::Xlsx
        } else {
            FileKind::Zip
        }
    } else if head.starts_with(&[0x1f, 0x8b]) {
        FileKind::Gzip
    } else if head.starts_with(b"PAR1") {
        FileKind::Parquet
    } else if head.starts_with(b"ARROW1") {
        FileKind::Arrow
    } else if head.starts_with(&[0xd0, 0xcf, 0x11, 0xe0]) {
        FileKind::Xls
    } else if head.starts_with(b"%PDF") {
        FileKind::Pdf
    } else {
        FileKind::Csv
    }
}

/// The first bytes of a source, and a reader that gives them again followed by the rest.
fn peek(mut source: impl Read) -> Result<(FileKind, impl Read), Error> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut source)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(Error::open)?;
    Ok((sniff(&head), io::Cursor::new(head).chain(source)))
}

/// A source of any kind as CSV text: plain, or decompressed. Spreadsheets and other kinds are
/// errors (a spreadsheet has no CSV text: see [`EpisodeInput`]).
type Text = Box<dyn Read + Send>;

fn csv_text<R: Read + Send + 'static>(kind: FileKind, source: R) -> Result<Text, Error> {
    match kind {
        FileKind::Csv => Ok(Box::new(source)),
        #[cfg(feature = "gzip")]
        FileKind::Gzip => Ok(Box::new(flate2::read::MultiGzDecoder::new(source))),
        other => Err(Error::Unsupported { kind: other }),
    }
}

/// An episode file of any kind utklar reads, its header mapped.
///
/// ```
/// # #[cfg(feature = "gzip")] {
/// use std::io::Write;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let text = "episode_id,municipality,care_type,ready_at,discharged_at\ne1,0880,somatic,2025-03-03,2025-03-05\n";
/// let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
/// gz.write_all(text.as_bytes())?;
/// let mut input = utklar_csv::EpisodeInput::from_reader(std::io::Cursor::new(gz.finish()?), None)?;
/// assert_eq!(input.kind(), utklar_csv::FileKind::Gzip);
/// assert_eq!(input.next_row()?.unwrap().result.unwrap().ready_days(), Some(2));
///
/// let e = utklar_csv::EpisodeInput::from_reader(&b"PAR1\0\0"[..], None).unwrap_err();
/// assert_eq!(e.to_string(), "is a Parquet file; save it as CSV or xlsx");
/// # Ok(()) }
/// # main().unwrap() }
/// ```
#[derive(Debug)]
pub struct EpisodeInput {
    kind: FileKind,
    rows: Rows,
}

enum Rows {
    Csv(Box<EpisodeFile<Text>>),
    #[cfg(feature = "xlsx")]
    Sheet(Box<crate::sheet::SheetEpisodes>),
}

impl std::fmt::Debug for Rows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rows::Csv(_) => f.write_str("Csv"),
            #[cfg(feature = "xlsx")]
            Rows::Sheet(s) => s.fmt(f),
        }
    }
}

/// Refuses `--sheet` on a file without sheets.
fn no_sheet(kind: FileKind, sheet: Option<&str>) -> Result<(), Error> {
    match sheet {
        Some(_) if !kind.is_spreadsheet() => Err(Error::SheetOfNonSpreadsheet { kind }),
        _ => Ok(()),
    }
}

impl EpisodeInput {
    /// Opens an episode file: its kind by its first bytes; `sheet` names the sheet of a
    /// spreadsheet (the first by default).
    pub fn open(path: impl AsRef<Path>, sheet: Option<&str>) -> Result<Self, Error> {
        let path = path.as_ref();
        let meta = std::fs::metadata(path).map_err(Error::open)?;
        if meta.is_dir() {
            return Err(Error::Directory);
        }
        let file = File::open(path).map_err(Error::open)?;
        let (kind, source) = peek(file)?;
        no_sheet(kind, sheet)?;
        let rows = match kind {
            #[cfg(feature = "xlsx")]
            k if k.is_spreadsheet() => {
                Rows::Sheet(Box::new(crate::sheet::SheetEpisodes::open(path, sheet)?))
            }
            FileKind::Csv => {
                let mut csv = CsvReader::new(csv_text(kind, source)?)?;
                csv.set_size(Some(meta.len()));
                Rows::Csv(Box::new(EpisodeFile::new(csv)?))
            }
            _ => Rows::Csv(Box::new(EpisodeFile::new(CsvReader::new(csv_text(
                kind, source,
            )?)?)?)),
        };
        Ok(EpisodeInput { kind, rows })
    }

    /// An episode file from any source (standard input): a spreadsheet is read into memory
    /// whole, CSV one record at a time.
    pub fn from_reader(
        source: impl Read + Send + 'static,
        sheet: Option<&str>,
    ) -> Result<Self, Error> {
        let (kind, source) = peek(source)?;
        no_sheet(kind, sheet)?;
        let rows = match kind {
            #[cfg(feature = "xlsx")]
            k if k.is_spreadsheet() => {
                let mut data = Vec::new();
                let mut source = source;
                source.read_to_end(&mut data).map_err(Error::open)?;
                Rows::Sheet(Box::new(crate::sheet::SheetEpisodes::new(
                    crate::sheet::Sheet::from_bytes(data, sheet)?,
                )?))
            }
            _ => Rows::Csv(Box::new(EpisodeFile::new(CsvReader::new(csv_text(
                kind,
                Box::new(source) as Box<dyn Read + Send>,
            )?)?)?)),
        };
        Ok(EpisodeInput { kind, rows })
    }

    /// The file's kind.
    pub fn kind(&self) -> FileKind {
        self.kind
    }

    /// The CSV file, when it is one (plain or compressed).
    pub fn csv(&self) -> Option<&EpisodeFile<Text>> {
        match &self.rows {
            Rows::Csv(f) => Some(f),
            #[cfg(feature = "xlsx")]
            Rows::Sheet(_) => None,
        }
    }

    /// The sheet's rows, when it is a spreadsheet.
    #[cfg(feature = "xlsx")]
    pub fn sheet(&self) -> Option<&crate::sheet::SheetEpisodes> {
        match &self.rows {
            Rows::Sheet(s) => Some(s),
            Rows::Csv(_) => None,
        }
    }

    /// How this file names the place of a row and a cell (see [`Places::place`]).
    pub fn places(&self) -> Places {
        match &self.rows {
            Rows::Csv(_) => Places::default(),
            #[cfg(feature = "xlsx")]
            Rows::Sheet(s) => Places {
                sheet: Some(s.sheet().name().to_string()),
                columns: s
                    .columns()
                    .iter()
                    .map(|&(i, f)| (f, s.sheet().column(i)))
                    .collect(),
            },
        }
    }

    /// The size of the file in bytes when known, and the bytes read so far (for a progress
    /// bar; a spreadsheet counts rows: its size is its number of rows).
    pub fn progress(&self) -> (Option<u64>, u64) {
        match &self.rows {
            Rows::Csv(f) => (f.csv().size(), f.csv().bytes_read()),
            #[cfg(feature = "xlsx")]
            Rows::Sheet(s) => (Some(s.len() as u64), s.rows_read() as u64),
        }
    }

    /// Lets ids that look like personal identity numbers through; by default the end of the
    /// rows is [`Error::Refused`] when any id looked like one.
    pub fn allow_personal_ids(&mut self, allow: bool) {
        match &mut self.rows {
            Rows::Csv(f) => f.allow_personal_ids(allow),
            #[cfg(feature = "xlsx")]
            Rows::Sheet(s) => s.allow_personal_ids(allow),
        }
    }

    /// Carries the cells of the caller's columns `names` with each row
    /// ([`EpisodeRow::also`]); see [`EpisodeFile::also_by`].
    pub fn also_by(&mut self, names: &[String]) -> Result<(), Error> {
        match &mut self.rows {
            Rows::Csv(f) => f.also_by(names),
            #[cfg(feature = "xlsx")]
            Rows::Sheet(s) => s.also_by(names),
        }
    }

    /// The next row checked, `None` at the end (where ids that look like personal identity
    /// numbers are [`Error::Refused`] unless allowed).
    pub fn next_row(&mut self) -> Result<Option<EpisodeRow>, Error> {
        match &mut self.rows {
            Rows::Csv(f) => f.next_row(),
            #[cfg(feature = "xlsx")]
            Rows::Sheet(s) => s.next_row(),
        }
    }

    /// The CSV file to stream, or the input back when it is a spreadsheet.
    pub fn into_csv(self) -> Result<EpisodeFile<Text>, Self> {
        match self.rows {
            Rows::Csv(f) => Ok(*f),
            #[cfg(feature = "xlsx")]
            Rows::Sheet(_) => Err(self),
        }
    }
}

impl Iterator for EpisodeInput {
    type Item = Result<EpisodeRow, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_row().transpose()
    }
}

/// How a file names its places: lines of a CSV file, rows and column letters of a sheet.
///
/// ```
/// let csv = utklar_csv::Places::default();
/// assert_eq!(csv.place(7, None), "line 7");
/// assert!(!csv.is_sheet());
/// ```
#[derive(Debug, Clone, Default)]
pub struct Places {
    sheet: Option<String>,
    columns: Vec<(utklar_core::validate::Field, String)>,
}

impl Places {
    /// Where a row is, given its [`EpisodeRow::line`]: `line 7` for CSV, `sheet Export, row
    /// 7` for a spreadsheet, which with a field names its column letter too (`sheet Export,
    /// row 7, column C`).
    pub fn place(&self, line: u64, field: Option<utklar_core::validate::Field>) -> String {
        match &self.sheet {
            None => format!("line {line}"),
            Some(name) => {
                let mut p = format!("sheet {name}, row {line}");
                if let Some(c) = field.and_then(|f| self.column(f)) {
                    p.push_str(", column ");
                    p.push_str(c);
                }
                p
            }
        }
    }

    /// Whether the file is a spreadsheet.
    pub fn is_sheet(&self) -> bool {
        self.sheet.is_some()
    }

    /// The sheet's name, for a spreadsheet.
    pub fn sheet(&self) -> Option<&str> {
        self.sheet.as_deref()
    }

    /// The column letters of a field's column, for a spreadsheet.
    pub fn column(&self, field: utklar_core::validate::Field) -> Option<&str> {
        self.columns
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, c)| c.as_str())
    }
}

/// What a population or beds file is read from.
enum Reference {
    Csv(CsvReader<Text>),
    #[cfg(feature = "xlsx")]
    Sheet(crate::sheet::Sheet),
}

fn open_reference(path: &Path) -> Result<Reference, Error> {
    if std::fs::metadata(path).map_err(Error::open)?.is_dir() {
        return Err(Error::Directory);
    }
    let (kind, source) = peek(File::open(path).map_err(Error::open)?)?;
    match kind {
        #[cfg(feature = "xlsx")]
        k if k.is_spreadsheet() => Ok(Reference::Sheet(crate::sheet::Sheet::open(path, None)?)),
        _ => Ok(Reference::Csv(CsvReader::new(csv_text(kind, source)?)?)),
    }
}

/// Reads a population file of any kind (CSV, compressed CSV, the first sheet of a
/// spreadsheet); see [`crate::read_population`] for the columns.
pub fn open_population(path: impl AsRef<Path>) -> Result<Population, Error> {
    match open_reference(path.as_ref())? {
        Reference::Csv(csv) => crate::population_of(csv),
        #[cfg(feature = "xlsx")]
        Reference::Sheet(s) => crate::sheet::population_of_sheet(&s),
    }
}

/// Reads a beds file of any kind; see [`crate::read_beds`] for the columns.
pub fn open_beds(path: impl AsRef<Path>) -> Result<Beds, Error> {
    match open_reference(path.as_ref())? {
        Reference::Csv(csv) => crate::beds_of(csv),
        #[cfg(feature = "xlsx")]
        Reference::Sheet(s) => crate::sheet::beds_of_sheet(&s),
    }
}
