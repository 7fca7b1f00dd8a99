//! Columns of the caller's own beside the fields (`hospital`, `clinic`), carried per episode
//! so that indicators can be grouped by them too (`--also-by`, `also_by=[...]`;
//! `docs/indicators.md`).
//!
//! A header names them ([`AlsoBy::new`]); each row's cells in them are read by the id rule
//! ([`value::id`]: text trimmed, whole numbers as digits, blank is none) and, like the id
//! columns, counted when they look like personal identity numbers, so that a reading that
//! met any is refused unless allowed ([`EpisodeReader::read_also`],
//! [`EpisodeReader::finish`]).

use crate::error::Error;
use crate::problem::Field;

use super::{value, EpisodeReader, Value};

/// The caller's columns to group by, and where a header has them.
///
/// ```
/// use utklar_core::input::AlsoBy;
///
/// let header = ["episode_id", "Hospital", "municipality", "care_type", "ready_at"];
/// let also = AlsoBy::new(&["hospital".to_string()], &header)?;
/// assert_eq!((also.names(), also.columns()), (&["hospital".to_string()][..], &[1][..]));
/// assert!(AlsoBy::new(&["ward".to_string()], &header).is_err()); // no such column
/// assert!(AlsoBy::new(&["municipality".to_string()], &header).is_err()); // a field
/// # Ok::<(), utklar_core::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlsoBy {
    names: Vec<String>,
    columns: Vec<usize>,
}

fn refused(name: &str, message: &str) -> Error {
    Error::InvalidArgument {
        name: "also_by".into(),
        message: format!("{name:?}: {message}"),
    }
}

impl AlsoBy {
    /// Finds each of `names` in `header` (case-insensitively, spaces and a byte-order mark
    /// around a name ignored). A name that is one of the episode's fields, a name given twice,
    /// one the header does not have, or has twice, is [`Error::InvalidArgument`] naming it.
    pub fn new<S: AsRef<str>>(names: &[String], header: &[S]) -> Result<Self, Error> {
        let norm = |s: &str| s.trim_start_matches('\u{feff}').trim().to_lowercase();
        let mut also = AlsoBy::default();
        for name in names {
            let n = norm(name);
            if n.is_empty() {
                return Err(refused(name, "an empty column name"));
            }
            if let Some(f) = Field::from_column(&n) {
                return Err(refused(
                    name,
                    &format!("{f} is a field of the episode, not a column of your own"),
                ));
            }
            if also.names.iter().any(|m| norm(m) == n) {
                return Err(refused(name, "named twice"));
            }
            let mut found = header
                .iter()
                .enumerate()
                .filter(|(_, h)| norm(h.as_ref()) == n);
            let Some((i, _)) = found.next() else {
                return Err(refused(name, "no column of that name"));
            };
            if found.next().is_some() {
                return Err(refused(name, "two columns have that name"));
            }
            also.names.push(n);
            also.columns.push(i);
        }
        Ok(also)
    }

    /// The names, as given (lower case, trimmed), in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The header position of each name.
    pub fn columns(&self) -> &[usize] {
        &self.columns
    }

    /// Whether no column was asked for.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

impl EpisodeReader {
    /// Reads one row's cells in the [`AlsoBy`] columns (in its order) by the id rule: the
    /// text of each, `None` when blank. A value that looks like a personal identity number is
    /// counted under its column's name, and refuses the reading at
    /// [`finish`](Self::finish) unless allowed — as for `episode_id` and `patient_id`.
    pub fn read_also<'a>(
        &mut self,
        also: &AlsoBy,
        cells: impl IntoIterator<Item = Value<'a>>,
    ) -> Vec<Option<String>> {
        also.names
            .iter()
            .zip(cells)
            .map(|(name, cell)| {
                value::id(cell).map(|id| {
                    self.personal.check(name, id.as_str());
                    id.as_str().to_string()
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_ids_and_personal_numbers_refuse() {
        let also = AlsoBy::new(&["hospital".into()], &["hospital"]).unwrap();
        let mut r = EpisodeReader::new();
        assert_eq!(
            r.read_also(&also, [Value::Text(" Kalmar ")]),
            [Some("Kalmar".to_string())]
        );
        assert_eq!(r.read_also(&also, [Value::Int(7)]), [Some("7".to_string())]);
        assert_eq!(r.read_also(&also, [Value::Text("  ")]), [None]);
        assert!(r.finish().is_ok());
        r.read_also(&also, [Value::Text("19121212-1212")]);
        let e = r.finish().unwrap_err();
        assert!(
            e.to_string().contains("hospital") && !e.to_string().contains("1212"),
            "{e}"
        );
        r.allow_personal_ids(true);
        assert!(r.finish().is_ok());
    }

    #[test]
    fn names_must_be_columns_and_not_fields() {
        let h = ["episode_id", "hospital", "HOSPITAL"];
        assert!(AlsoBy::new(&["hospital".into()], &h).is_err());
        assert!(AlsoBy::new(&["episode_id".into()], &h).is_err());
        assert!(AlsoBy::new(&[" ".into()], &h).is_err());
        let h = ["episode_id", "hospital", "clinic"];
        assert!(AlsoBy::new(&["hospital".into(), "Hospital".into()], &h).is_err());
        let a = AlsoBy::new(&["Clinic".into(), "hospital".into()], &h).unwrap();
        assert_eq!(a.columns(), [2, 1]);
        assert_eq!(a.names(), ["clinic", "hospital"]);
    }
}
