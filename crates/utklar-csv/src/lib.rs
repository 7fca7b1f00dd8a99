//! # utklar-csv: utklar's CSV files
//!
//! The file mechanics of the episode, population and beds files that the `utklar` command
//! line, the C API and Rust programs read; every rule about the *values* (dates, codes, the
//! checks of a row, the population and beds rows) stays in [`utklar_core`], which does no
//! I/O.
//!
//! What a file may look like:
//!
//! - UTF-8, with or without a byte-order mark (UTF-16 is refused with a message saying so);
//! - comma-, semicolon- or tab-separated, detected from the header line (the most frequent
//!   of the three outside quotes);
//! - LF, CRLF or (old Macintosh files) CR line ends; quoted cells may hold delimiters, quotes
//!   (`""`) and line ends;
//! - a header row naming the columns, in any order and case, other columns ignored; two
//!   columns naming one field (`MUNICIPALITY` and `municipality`) are an error naming both;
//! - every record with as many fields as the header, and none longer than
//!   [`MAX_RECORD_BYTES`].
//!
//! Lines are counted as a spreadsheet numbers rows: the header is line 1, and a record's
//! line is the one where it starts, on CRLF files and after multi-line cells too. A row's
//! *row number* (what [`utklar_core::Problem::row`] holds) is its 0-based place among the
//! data rows. An [`Error`] names the line and column, never a cell's content.
//!
//! ## Reading a file
//!
//! ```
//! use utklar_core::{Field, Reason};
//!
//! let text = "\u{feff}Episode_ID;Municipality;Care_Type;Ready_At;Discharged_At\r\n\
//!             e1;0880;somatic;2025-03-03 10:15;2025-03-05\r\n\
//!             e2;0999;somatic;2025-03-03;2025-03-04\r\n";
//! let read = utklar_csv::read_episodes_from(text.as_bytes())?;
//! assert_eq!(read.set.episodes().len(), 1);
//! assert_eq!(read.set.episodes()[0].ready_days(), Some(2));
//! let p = read.problems().next().unwrap();
//! assert_eq!((p.row, p.field, p.reason), (1, Field::Municipality, Reason::UnknownMunicipality));
//! assert_eq!(read.line(p.row), Some(3));
//! # Ok::<(), utklar_csv::Error>(())
//! ```
//!
//! [`read_episodes`] does the same for a path; [`read_population`] and [`read_beds`] read the
//! reference files.
//!
//! ## Compressed files and spreadsheets
//!
//! [`EpisodeInput`], [`open_population`] and [`open_beds`] read a file of any kind utklar
//! reads, told by its first bytes ([`sniff`]), never by its name: CSV; gzip-compressed CSV
//! (`.csv.gz`, with the feature `gzip`); and with the feature `xlsx` a sheet of an Excel
//! workbook (`.xlsx`, `.xlsm`), an OpenDocument spreadsheet (`.ods`) or a legacy `.xls`,
//! whose cells reach the core as the spreadsheet typed them ([`Sheet`], [`cell_value`]). A
//! file of another kind is named: `is a Parquet file; save it as CSV or xlsx`.
//!
//! ## One row at a time
//!
//! [`EpisodeFile`] reads in bounded memory: as an iterator of checked rows
//! ([`EpisodeRow`]), or with [`EpisodeFile::next_raw`] as the text of each row
//! ([`utklar_core::validate::RawEpisode`]) for a caller that checks rows itself.
//! [`measure`] streams a file into the core's [`utklar_core::MeasureSet`], reading on a
//! second thread. [`CsvReader`] is the layer below: records and their lines, for any CSV file
//! with a header.
//!
//! ```
//! let text = b"episode_id,municipality,care_type,ready_at\ne1,0880,somatic,2025-03-03\ne2,0880,somatic\n";
//! let mut rows = utklar_csv::EpisodeFile::from_bytes(text)?;
//! assert!(rows.next().unwrap()?.result.is_ok());
//! let e = rows.next().unwrap().unwrap_err();
//! assert_eq!(e.to_string(), "line 3 has 3 fields but the header has 4; check the delimiters and quotes on that line");
//! assert!(rows.next().is_none());
//! # Ok::<(), utklar_csv::Error>(())
//! ```
#![deny(missing_docs)]

mod episodes;
mod error;
mod open;
mod pipeline;
mod reader;
mod reference;
#[cfg(feature = "xlsx")]
mod sheet;

pub use episodes::{
    map_header, read_episodes, read_episodes_from, Batch, BatchRow, Columns, EpisodeFile,
    EpisodeRow, Episodes,
};
pub use error::Error;
pub use open::{open_beds, open_population, sniff, EpisodeInput, FileKind, Places, SNIFF_BYTES};
pub use pipeline::{measure, measure_input, read_rows, Measured, RowRead, Threads};
pub use reader::{CsvReader, Record, MAX_RECORD_BYTES};
pub use reference::{
    beds_of, population_of, read_beds, read_beds_from, read_population, read_population_from,
};
#[cfg(feature = "xlsx")]
pub use sheet::{
    beds_of_sheet, cell_value, column_letters, population_of_sheet, Sheet, SheetEpisodes,
};

#[cfg(test)]
mod tests;
