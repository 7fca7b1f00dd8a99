//! The command line's input files: a path, or `-` for standard input; CSV, gzip-compressed
//! CSV or a spreadsheet, told by the first bytes. Reading them (the kind, BOM, delimiter,
//! CRLF, header, sheets, line and row numbers, the limits) is `utklar-csv`'s; this module
//! names the file in its messages (exit status 2).

use std::io;
use std::path::{Path, PathBuf};

use utklar_core::{Beds, Population};
use utklar_csv::{EpisodeInput, EpisodeRow};

use crate::fail::Failure;

/// The name `-` reads standard input.
pub const STDIN: &str = "-";

/// A file that cannot be read, as an exit-status-2 failure naming it.
pub fn csv_failure(label: &str, e: &utklar_csv::Error) -> Failure {
    Failure::usage(format!("{label}: {e}"))
}

/// The arguments every command that reads an episode file shares: the file, the sheet of a
/// spreadsheet and whether ids that look like personal identity numbers are let through.
#[derive(Debug, Clone, clap::Args)]
pub struct EpisodeArgs {
    /// The episode file: CSV, .csv.gz or a spreadsheet (xlsx, ods, xls), with the columns
    /// episode_id, municipality, care_type, ready_at (required) and discharged_at, age …
    /// (optional), in any order; comma- or semicolon-separated, UTF-8 with or without BOM; the
    /// kind is told by the file's first bytes. `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub episodes: PathBuf,
    /// The sheet to read when --episodes is a spreadsheet (xlsx, ods, xls): its name
    /// (matched case-insensitively when no sheet has it exactly); the first sheet by default.
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Let through ids (`episode_id`, `patient_id`) that look like Swedish personal identity
    /// numbers (personnummer, samordningsnummer). By default a file with any is refused (exit
    /// status 2, the column and the count named, never a value): utklar needs only
    /// pseudonymous ids.
    #[arg(long)]
    pub allow_personal_ids: bool,
}

impl EpisodeArgs {
    /// Opens the episode file (see [`EpisodeSource::open`]).
    pub fn open(&self) -> Result<EpisodeSource, Failure> {
        EpisodeSource::open(
            &self.episodes,
            self.sheet.as_deref(),
            self.allow_personal_ids,
        )
    }
}

/// An episode file of any kind (CSV, `.csv.gz`, a spreadsheet: told by its first bytes),
/// opened and its header mapped, with its name for messages.
pub struct EpisodeSource {
    /// The file name as the user gave it (for messages).
    pub label: String,
    /// The rows.
    pub file: EpisodeInput,
}

impl EpisodeSource {
    /// Opens an episode file (`-`: standard input) and checks its header for the required
    /// columns; `sheet` chooses the sheet of a spreadsheet; with `allow_personal_ids`, ids that
    /// look like personal identity numbers are let through.
    pub fn open(
        path: &Path,
        sheet: Option<&str>,
        allow_personal_ids: bool,
    ) -> Result<Self, Failure> {
        let label = path.display().to_string();
        let file = if path.as_os_str() == STDIN {
            EpisodeInput::from_reader(io::stdin(), sheet)
        } else {
            EpisodeInput::open(path, sheet)
        };
        match file {
            Ok(mut file) => {
                file.allow_personal_ids(allow_personal_ids);
                Ok(EpisodeSource { label, file })
            }
            Err(e) => Err(csv_failure(&label, &e)),
        }
    }

    /// The next row checked, `None` at the end of the file.
    pub fn next_item(&mut self) -> Result<Option<EpisodeRow>, Failure> {
        self.file
            .next_row()
            .map_err(|e| csv_failure(&self.label, &e))
    }

    /// The file size in bytes (rows, for a spreadsheet), when known (for the progress bar).
    pub fn size(&self) -> Option<u64> {
        self.file.progress().0
    }

    /// Bytes (rows, for a spreadsheet) read so far.
    pub fn bytes_read(&self) -> u64 {
        self.file.progress().1
    }
}

/// Reads a population file (`municipality,year,pop_total,pop_65plus`): CSV, `.csv.gz` or the
/// first sheet of a spreadsheet.
pub fn read_population(path: &Path) -> Result<Population, Failure> {
    let label = path.display().to_string();
    if path.as_os_str() == STDIN {
        return utklar_csv::read_population_from(io::stdin()).map_err(|e| csv_failure(&label, &e));
    }
    utklar_csv::open_population(path).map_err(|e| csv_failure(&label, &e))
}

/// Reads a beds file (`county,period,available_beds`, optionally `care_type`): CSV, `.csv.gz`
/// or the first sheet of a spreadsheet.
pub fn read_beds(path: &Path) -> Result<Beds, Failure> {
    let label = path.display().to_string();
    if path.as_os_str() == STDIN {
        return utklar_csv::read_beds_from(io::stdin()).map_err(|e| csv_failure(&label, &e));
    }
    utklar_csv::open_beds(path).map_err(|e| csv_failure(&label, &e))
}
