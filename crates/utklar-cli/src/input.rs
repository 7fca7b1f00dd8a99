//! The command line's input files: a path, or `-` for standard input. Reading them (BOM,
//! delimiter, CRLF, header, line numbers, the limits) is `utklar-csv`'s; this module names
//! the file in its messages (exit status 2).

use std::io::{self, Read};
use std::path::Path;

use utklar_core::{Beds, Population};
use utklar_csv::{CsvReader, EpisodeFile, EpisodeRow};

use crate::fail::Failure;

/// The name `-` reads standard input.
pub const STDIN: &str = "-";

/// What the files are read from: a file or standard input.
pub type Source = Box<dyn Read + Send>;

/// A file that cannot be read, as an exit-status-2 failure naming it.
pub fn csv_failure(label: &str, e: &utklar_csv::Error) -> Failure {
    Failure::usage(format!("{label}: {e}"))
}

/// Opens `path` (or standard input for `-`) and reads its header.
fn open_csv(path: &Path) -> Result<(String, CsvReader<Source>), Failure> {
    let label = path.display().to_string();
    let csv = if path.as_os_str() == STDIN {
        CsvReader::new(io::stdin()).map(CsvReader::boxed)
    } else {
        CsvReader::open(path).map(CsvReader::boxed)
    };
    match csv {
        Ok(csv) => Ok((label, csv)),
        Err(e) => Err(csv_failure(&label, &e)),
    }
}

/// An episode file, opened and its header mapped, with its name for messages.
pub struct EpisodeSource {
    /// The file name as the user gave it (for messages).
    pub label: String,
    /// The rows.
    pub file: EpisodeFile<Source>,
}

impl EpisodeSource {
    /// Opens an episode file and checks its header for the required columns.
    pub fn open(path: &Path) -> Result<Self, Failure> {
        let (label, csv) = open_csv(path)?;
        match EpisodeFile::new(csv) {
            Ok(file) => Ok(EpisodeSource { label, file }),
            Err(e) => Err(csv_failure(&label, &e)),
        }
    }

    /// The next row checked, `None` at the end of the file.
    pub fn next_item(&mut self) -> Result<Option<EpisodeRow>, Failure> {
        self.file
            .next_row()
            .map_err(|e| csv_failure(&self.label, &e))
    }

    /// The file size in bytes, when known (for the progress bar).
    pub fn size(&self) -> Option<u64> {
        self.file.csv().size()
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.file.csv().bytes_read()
    }
}

/// Reads a population file (`municipality,year,pop_total,pop_65plus`).
pub fn read_population(path: &Path) -> Result<Population, Failure> {
    let (label, csv) = open_csv(path)?;
    utklar_csv::population_of(csv).map_err(|e| csv_failure(&label, &e))
}

/// Reads a beds file (`county,period,available_beds`, optionally `care_type`).
pub fn read_beds(path: &Path) -> Result<Beds, Failure> {
    let (label, csv) = open_csv(path)?;
    utklar_csv::beds_of(csv).map_err(|e| csv_failure(&label, &e))
}
