//! `utklar.read_episodes`: an episode file (`.csv`, `.csv.gz`, `.xlsx`, `.ods`, `.xls`, the
//! kind told by its first bytes) read through `utklar-csv` and the core's input layer, the
//! command line's reader, into a table with the documented column types.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use utklar_core::input::{EpisodeSet, Unreadable};
use utklar_core::{Episode, NoticeTime};

use crate::output::{ArrowTable, TableBuilder};
use crate::{errors, micros, report_dict, set_report};

/// Reads every row of the file into a data set, the rows that cannot be read kept as such.
fn read(
    path: &std::path::Path,
    sheet: Option<&str>,
    allow_personal_ids: bool,
) -> Result<EpisodeSet, Box<utklar_csv::Error>> {
    let mut input = utklar_csv::EpisodeInput::open(path, sheet)?;
    input.allow_personal_ids(allow_personal_ids);
    let mut set = EpisodeSet::new();
    set.allow_personal_ids(allow_personal_ids);
    while let Some(r) = input.next_row()? {
        let read = r.result.map_err(|problems| Unreadable {
            row: r.row,
            episode_id: r.episode_id,
            problems,
        });
        set.push_read(r.row, read);
    }
    Ok(set)
}

/// A date-or-date-time column: `date32` when no value has a time of day (a date alone is "time
/// unknown"), a naive timestamp (Swedish local time, microseconds) when every value has one,
/// ISO text when they are mixed — so that reading the table back gives the same notices.
fn notice_column(
    t: &mut TableBuilder,
    name: &str,
    eps: &[Episode],
    f: fn(&Episode) -> Option<NoticeTime>,
) {
    let with_time = eps
        .iter()
        .filter_map(f)
        .filter(|n| n.time.is_some())
        .count();
    let present = eps.iter().filter_map(f).count();
    if with_time == 0 {
        t.date(name, eps.iter().map(|e| f(e).map(NoticeTime::day)));
    } else if with_time == present {
        t.timestamp(name, eps.iter().map(|e| micros(f(e))));
    } else {
        t.text(name, eps.iter().map(|e| f(e).map(|n| n.to_string())));
    }
}

/// An episode file as a table (see `utklar.read_episodes`).
#[pyfunction]
#[pyo3(signature = (path, *, sheet=None, strict=false, allow_personal_ids=false))]
fn read_episodes(
    py: Python<'_>,
    path: PathBuf,
    sheet: Option<String>,
    strict: bool,
    allow_personal_ids: bool,
) -> PyResult<(ArrowTable, Bound<'_, PyDict>)> {
    let label = path.display().to_string();
    let set = py
        .detach(|| read(&path, sheet.as_deref(), allow_personal_ids))
        .map_err(|e| match *e {
            utklar_csv::Error::Refused(e) | utklar_csv::Error::Value { error: e, .. } => {
                errors::to_py_in(py, e, Some(&label))
            }
            e => errors::invalid_argument(py, "path", format!("{label}: {e}")),
        })?;
    let episodes = set
        .checked_episodes(strict)
        .map_err(|e| errors::to_py_in(py, e, Some(&label)))?;
    let table = py.detach(|| crate::episode_table_with(episodes, notice_column));
    Ok((table, report_dict(py, &set_report(&set))?))
}

/// Adds this module's functions to the compiled module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(read_episodes, m)?)?;
    Ok(())
}
