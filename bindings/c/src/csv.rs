//! Episode sets read from CSV files and buffers, through `utklar-csv`: the same file rules,
//! rows, problems and lines as the `utklar` command line.

use std::ffi::c_char;
use std::io::Read;

use utklar_csv::EpisodeFile;

use crate::episodes::utklar_episodes;
use crate::error::{boundary, CError};
use crate::ffi::{arg_mut, arg_ref, arg_slice, Out};
use crate::utklar_result;

/// Adds every row of an opened file to the set; on an error, none.
fn read_into<R: Read>(
    set: &mut utklar_episodes,
    file: Result<EpisodeFile<R>, utklar_csv::Error>,
) -> Result<(), CError> {
    let mut file = file.map_err(|e| CError::File(e.to_string()))?;
    let start = set.len();
    loop {
        match file.next_raw() {
            Ok(Some((_, line, raw))) => set.push_raw(&raw, line),
            Ok(None) => return Ok(()),
            Err(e) => {
                set.truncate(start);
                return Err(CError::File(e.to_string()));
            }
        }
    }
}

/// Adds the rows of the episode CSV file at `path` (`path_len` bytes, not NUL-terminated
/// necessarily) to the set.
///
/// The file is read as the `utklar` command line reads it: UTF-8 with or without a
/// byte-order mark; comma-, semicolon- or tab-separated (detected from the header); LF or
/// CRLF line ends; quoted cells; a header row naming the columns (the `utklar_field` names,
/// in any order and case; other columns are ignored). Each data row is added as
/// `utklar_episodes_push_text` adds it, with its problems: into an empty set, row `i` is the
/// file's data row `i` (the row numbers `utklar validate` prints), and
/// `utklar_episodes_line` gives the line where it starts (the header is line 1).
///
/// Fails with `UTKLAR_RESULT_INVALID_FILE`, adding nothing, when the file cannot be read as
/// a whole: no such file, UTF-16, no header row, a required column missing or two columns
/// naming one field, a record with more or fewer fields than the header, a record over
/// 1 MiB, a cell that is not UTF-8 text. `utklar_last_error_message` then names the line and
/// column (never a cell's content).
#[no_mangle]
pub extern "C" fn utklar_episodes_read_csv_file(
    episodes: *mut utklar_episodes,
    path: *const c_char,
    path_len: usize,
) -> utklar_result {
    boundary(|| {
        let set = arg_mut(episodes, "episodes")?;
        if path.is_null() {
            return Err(CError::Null("path"));
        }
        let bytes = arg_slice(path.cast::<u8>(), path_len, "path")?;
        let path = path_of(bytes)?;
        read_into(set, EpisodeFile::open(path))
    })
}

/// Adds the rows of an episode CSV file held in memory (`len` bytes at `data`; NULL only
/// when `len` is 0) to the set: as `utklar_episodes_read_csv_file`, with the same rows,
/// problems, lines and errors.
#[no_mangle]
pub extern "C" fn utklar_episodes_read_csv_buffer(
    episodes: *mut utklar_episodes,
    data: *const u8,
    len: usize,
) -> utklar_result {
    boundary(|| {
        let set = arg_mut(episodes, "episodes")?;
        let data = arg_slice(data, len, "data")?;
        read_into(set, EpisodeFile::from_bytes(data))
    })
}

/// Writes to `*out_line` the line of its CSV file where row `row` of the set starts (the
/// header is line 1), or 0 for a row that was not read from a file.
/// `UTKLAR_RESULT_OUT_OF_RANGE` past the last row.
#[no_mangle]
pub extern "C" fn utklar_episodes_line(
    episodes: *const utklar_episodes,
    row: usize,
    out_line: *mut u64,
) -> utklar_result {
    boundary(|| {
        let set = arg_ref(episodes, "episodes")?;
        let out = Out::new(out_line, "out_line")?;
        let line = set.lines.get(row).ok_or(CError::OutOfRange {
            index: row,
            len: set.len(),
        })?;
        out.write(*line);
        Ok(())
    })
}

/// The path of the caller's bytes: any bytes on Unix, UTF-8 elsewhere.
#[cfg(unix)]
#[allow(clippy::unnecessary_wraps)] // the same signature as the non-Unix one
fn path_of(bytes: &[u8]) -> Result<&std::path::Path, CError> {
    use std::os::unix::ffi::OsStrExt;
    Ok(std::path::Path::new(std::ffi::OsStr::from_bytes(bytes)))
}

/// The path of the caller's bytes: any bytes on Unix, UTF-8 elsewhere.
#[cfg(not(unix))]
fn path_of(bytes: &[u8]) -> Result<&std::path::Path, CError> {
    std::str::from_utf8(bytes)
        .map(std::path::Path::new)
        .map_err(|_| CError::Utf8("path"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{utklar_episodes_free, utklar_episodes_len, utklar_episodes_new};

    fn new_set() -> *mut utklar_episodes {
        let mut set = std::ptr::null_mut();
        assert_eq!(utklar_episodes_new(&raw mut set), utklar_result::Ok);
        set
    }

    fn problems(set: *mut utklar_episodes) -> Vec<(usize, &'static str, &'static str)> {
        // SAFETY: a live set created by `new_set`, used by this thread only.
        let set = unsafe { &*set };
        set.set
            .unreadable()
            .iter()
            .flat_map(|u| &u.problems)
            .map(|p| (p.row, p.field.as_str(), p.reason.as_str()))
            .collect()
    }

    #[test]
    fn a_buffer_gives_the_rows_problems_and_lines_of_the_file() {
        let text = b"\xEF\xBB\xBFepisode_id;municipality;care_type;ready_at\r\ne1;0880;somatic;2025-03-01\r\n\"e\r\n2\";0999;somatic;2025-03-01\r\ne1;0880;somatic;2025-03-02\r\n";
        let set = new_set();
        let r = utklar_episodes_read_csv_buffer(set, text.as_ptr(), text.len());
        assert_eq!(r, utklar_result::Ok);
        assert_eq!(utklar_episodes_len(set), 3);
        let line = |i| {
            let mut line = 0;
            let r = utklar_episodes_line(set, i, &raw mut line);
            (r == utklar_result::Ok).then_some(line)
        };
        let lines: Vec<Option<u64>> = (0..4).map(line).collect();
        assert_eq!(lines, [Some(2), Some(3), Some(5), None]);
        assert_eq!(
            problems(set),
            [
                (1, "municipality", "unknown_municipality"),
                (2, "episode_id", "duplicate_episode_id")
            ]
        );
        utklar_episodes_free(set);
    }

    #[test]
    fn a_bad_record_adds_nothing_and_forgets_the_ids_read() {
        let set = new_set();
        let good = b"episode_id,municipality,care_type,ready_at\ne0,0880,somatic,2025-03-01\n";
        assert_eq!(
            utklar_episodes_read_csv_buffer(set, good.as_ptr(), good.len()),
            utklar_result::Ok
        );
        let bad =
            b"episode_id,municipality,care_type,ready_at\ne1,0880,somatic,2025-03-01\ne2,0880\n";
        let r = utklar_episodes_read_csv_buffer(set, bad.as_ptr(), bad.len());
        assert_eq!(r, utklar_result::InvalidFile);
        assert!(crate::error::last_error().contains("line 3 has 2 fields"));
        assert_eq!(utklar_episodes_len(set), 1);
        // e1 was forgotten: read again, it is no repeat; e0 is still remembered.
        let again = b"episode_id,municipality,care_type,ready_at\ne1,0880,somatic,2025-03-01\ne0,0880,somatic,2025-03-01\n";
        assert_eq!(
            utklar_episodes_read_csv_buffer(set, again.as_ptr(), again.len()),
            utklar_result::Ok
        );
        assert_eq!(problems(set), [(2, "episode_id", "duplicate_episode_id")]);
        utklar_episodes_free(set);
    }

    #[test]
    fn files_and_their_errors() {
        let set = new_set();
        let missing = b"/nonexistent/episodes.csv";
        let r = utklar_episodes_read_csv_file(set, missing.as_ptr().cast(), missing.len());
        assert_eq!(r, utklar_result::InvalidFile);
        assert_eq!(crate::error::last_error(), "no such file");
        let r = utklar_episodes_read_csv_file(set, std::ptr::null(), 3);
        assert_eq!(r, utklar_result::NullArgument);
        let r = utklar_episodes_read_csv_buffer(set, std::ptr::null(), 0);
        assert_eq!(r, utklar_result::InvalidFile);
        assert!(crate::error::last_error().contains("empty"));
        utklar_episodes_free(set);
    }
}
