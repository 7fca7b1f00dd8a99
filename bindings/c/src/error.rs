//! Result codes, messages, the last-error slot and the panic boundary.

use std::cell::RefCell;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe, UnwindSafe};

use utklar_core::Error;

/// What a call returned. Every fallible function returns one; the numeric values are stable
/// and never reused (new codes get new numbers).
///
/// `UTKLAR_RESULT_OK` (0) is success; anything else is an error and no output was written
/// (except the required size on `UTKLAR_RESULT_BUFFER_TOO_SMALL`). `utklar_result_message`
/// describes a code; `utklar_last_error_message` gives the detailed message of the last failed
/// call on the calling thread (naming row and field where they apply).
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum utklar_result {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 2,
    /// The library panicked (a bug in utklar); the call had no effect. Please report it.
    Panic = 3,
    /// The caller's buffer is too small; the needed size was written to the length output.
    BufferTooSmall = 4,
    /// An index past the end of a result.
    OutOfRange = 5,
    /// An argument value is not valid (an unknown enum value, a period kind, an option).
    InvalidArgument = 6,
    /// Input rows failed validation (strict mode, or negative days under the `error` policy);
    /// the last error message lists the rows, fields and reasons.
    InvalidRows = 7,
    /// Not one of the 290 municipality codes.
    UnknownMunicipality = 8,
    /// Not one of the 21 county codes.
    UnknownCounty = 9,
    /// No national amount per care day for a year; set it with `utklar_amounts_set`.
    MissingAmount = 10,
    /// An agreement is not valid (a field, or TOML that cannot be read).
    InvalidAgreement = 11,
    /// No preset agreement has this name.
    UnknownPreset = 12,
    /// A CSV file or buffer cannot be read as a whole: no such file, a UTF-16 file, no header
    /// row, a required column missing or named twice, a record with more or fewer fields
    /// than the header or longer than 1 MiB, a cell that is not UTF-8. The last error
    /// message names the line.
    InvalidFile = 13,
    /// An amount in öre does not fit in 64 bits (more than 92 233 720 368 547 758.07 kr); the
    /// last error message names the municipality, care type, period and the exact figure.
    AmountOverflow = 14,
    /// A column holds values that look like Swedish personal identity numbers; the last error
    /// message names the column and how many values, never a value.
    PersonalData = 15,
    /// An error of a kind this version of the C API does not know; see the last error message.
    Other = 99,
}

impl utklar_result {
    /// All codes, in numeric order.
    ///
    /// cbindgen:ignore
    pub const ALL: [utklar_result; 17] = [
        utklar_result::Ok,
        utklar_result::NullArgument,
        utklar_result::InvalidUtf8,
        utklar_result::Panic,
        utklar_result::BufferTooSmall,
        utklar_result::OutOfRange,
        utklar_result::InvalidArgument,
        utklar_result::InvalidRows,
        utklar_result::UnknownMunicipality,
        utklar_result::UnknownCounty,
        utklar_result::MissingAmount,
        utklar_result::InvalidAgreement,
        utklar_result::UnknownPreset,
        utklar_result::InvalidFile,
        utklar_result::AmountOverflow,
        utklar_result::PersonalData,
        utklar_result::Other,
    ];

    /// The code of a raw value, if it is one.
    pub fn from_u32(v: u32) -> Option<Self> {
        Self::ALL.into_iter().find(|r| *r as u32 == v)
    }

    /// A short, constant description of the code.
    pub fn description(self) -> &'static str {
        match self {
            utklar_result::Ok => "success",
            utklar_result::NullArgument => "a required pointer argument was NULL",
            utklar_result::InvalidUtf8 => "a string argument is not valid UTF-8",
            utklar_result::Panic => "internal error: utklar panicked (please report this bug)",
            utklar_result::BufferTooSmall => {
                "the buffer is too small; the needed length was written to the length output"
            }
            utklar_result::OutOfRange => "index out of range",
            utklar_result::InvalidArgument => "an argument value is not valid",
            utklar_result::InvalidRows => {
                "input rows failed validation; utklar_last_error_message lists row, field and reason"
            }
            utklar_result::UnknownMunicipality => {
                "unknown municipality code: use one of the 290 SCB codes, e.g. 880 for Kalmar"
            }
            utklar_result::UnknownCounty => "unknown county code: use one of the 21 län codes",
            utklar_result::MissingAmount => {
                "no national amount per care day for a year: set it with utklar_amounts_set"
            }
            utklar_result::InvalidAgreement => "the agreement is not valid",
            utklar_result::UnknownPreset => "no preset agreement has this name",
            utklar_result::InvalidFile => {
                "the CSV file cannot be read; utklar_last_error_message names the line"
            }
            utklar_result::AmountOverflow => {
                "an amount does not fit in 64 bits of öre; utklar_last_error_message names where"
            }
            utklar_result::PersonalData => {
                "values look like personal identity numbers; utklar_last_error_message names the column"
            }
            utklar_result::Other => "an error of a kind this version does not know",
        }
    }
}

/// An error of the C layer: a core error, or a problem with the arguments themselves.
#[derive(Debug)]
pub(crate) enum CError {
    /// A NULL pointer for the named argument.
    Null(&'static str),
    /// Bad UTF-8 in the named argument.
    Utf8(&'static str),
    /// Buffer too small: this many bytes (with the NUL) are needed.
    BufferTooSmall(usize),
    /// Index past the end.
    OutOfRange { index: usize, len: usize },
    /// A bad argument value.
    Argument { name: &'static str, message: String },
    /// An error of the core.
    Core(Error),
    /// A CSV file that cannot be read (its message names the file's line).
    File(String),
}

impl From<Error> for CError {
    fn from(e: Error) -> Self {
        CError::Core(e)
    }
}

/// Item `index` of a result's items; [`CError::OutOfRange`] past the end.
pub(crate) fn item<T>(items: &[T], index: usize) -> Result<&T, CError> {
    items.get(index).ok_or(CError::OutOfRange {
        index,
        len: items.len(),
    })
}

impl CError {
    pub(crate) fn code(&self) -> utklar_result {
        match self {
            CError::Null(_) => utklar_result::NullArgument,
            CError::Utf8(_) => utklar_result::InvalidUtf8,
            CError::BufferTooSmall(_) => utklar_result::BufferTooSmall,
            CError::OutOfRange { .. } => utklar_result::OutOfRange,
            CError::Argument { .. } => utklar_result::InvalidArgument,
            CError::Core(e) => core_code(e),
            CError::File(_) => utklar_result::InvalidFile,
        }
    }
}

/// The stable code of each core error kind.
pub(crate) fn core_code(e: &Error) -> utklar_result {
    match e {
        Error::Invalid(_) => utklar_result::InvalidRows,
        Error::UnknownMunicipality(_) => utklar_result::UnknownMunicipality,
        Error::UnknownCounty(_) => utklar_result::UnknownCounty,
        Error::MissingAmount { .. } => utklar_result::MissingAmount,
        Error::Agreement { .. } => utklar_result::InvalidAgreement,
        Error::UnknownPreset(_) => utklar_result::UnknownPreset,
        Error::InvalidArgument { .. } => utklar_result::InvalidArgument,
        Error::AmountOverflow { .. } => utklar_result::AmountOverflow,
        Error::PersonalData { .. } => utklar_result::PersonalData,
        _ => utklar_result::Other,
    }
}

impl fmt::Display for CError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CError::Null(name) => write!(f, "argument `{name}` is NULL"),
            CError::Utf8(name) => write!(f, "argument `{name}` is not valid UTF-8"),
            CError::BufferTooSmall(n) => {
                write!(f, "buffer too small: {n} bytes needed (with the NUL)")
            }
            CError::OutOfRange { index, len } => {
                write!(f, "index {index} out of range: the result has {len} items")
            }
            CError::Argument { name, message } => write!(f, "{name}: {message}"),
            CError::Core(e) => write!(f, "{e}"),
            CError::File(m) => f.write_str(m),
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

fn set_last_error(message: String) {
    // `try_with` so that a call during thread teardown cannot panic.
    let _ = LAST_ERROR.try_with(|m| *m.borrow_mut() = message);
}

/// Puts back a message (used by `utklar_last_error_message`, which must not replace the
/// message it was asked for with its own error).
pub(crate) fn restore_last_error(message: String) {
    set_last_error(message);
}

pub(crate) fn last_error() -> String {
    LAST_ERROR
        .try_with(|m| m.borrow().clone())
        .unwrap_or_default()
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    format!("internal error: utklar panicked ({what}); please report this bug")
}

/// Runs the body of a fallible entry point inside the panic boundary: `Ok` becomes
/// `UTKLAR_RESULT_OK`, an error its code (its message stored as the thread's last error), and
/// a panic `UTKLAR_RESULT_PANIC`.
pub(crate) fn boundary(f: impl FnOnce() -> Result<(), CError>) -> utklar_result {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => utklar_result::Ok,
        Ok(Err(e)) => {
            let code = e.code();
            set_last_error(e.to_string());
            code
        }
        Err(payload) => {
            set_last_error(panic_message(payload.as_ref()));
            utklar_result::Panic
        }
    }
}

/// The panic boundary for infallible entry points (counts, `_free`): a panic yields `default`.
pub(crate) fn boundary_or<T>(default: T, f: impl FnOnce() -> T + UnwindSafe) -> T {
    match catch_unwind(f) {
        Ok(v) => v,
        Err(payload) => {
            set_last_error(panic_message(payload.as_ref()));
            default
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        let values: Vec<u32> = utklar_result::ALL.iter().map(|r| *r as u32).collect();
        assert_eq!(
            values,
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 99]
        );
        assert_eq!(
            utklar_result::from_u32(10),
            Some(utklar_result::MissingAmount)
        );
        assert_eq!(utklar_result::from_u32(16), None);
    }

    #[test]
    fn each_core_error_kind_has_its_code() {
        let cases = [
            (Error::Invalid(vec![]), utklar_result::InvalidRows),
            (
                Error::UnknownMunicipality("0999".into()),
                utklar_result::UnknownMunicipality,
            ),
            (
                Error::UnknownCounty("99".into()),
                utklar_result::UnknownCounty,
            ),
            (
                Error::MissingAmount { year: 2031 },
                utklar_result::MissingAmount,
            ),
            (
                Error::Agreement {
                    field: "x".into(),
                    message: "y".into(),
                },
                utklar_result::InvalidAgreement,
            ),
            (
                Error::UnknownPreset("x".into()),
                utklar_result::UnknownPreset,
            ),
            (
                Error::InvalidArgument {
                    name: "x".into(),
                    message: "y".into(),
                },
                utklar_result::InvalidArgument,
            ),
            (
                Error::AmountOverflow {
                    what: "total".into(),
                    municipality: "0880".into(),
                    care_type: "somatic".into(),
                    period: "2024-03".into(),
                    ore: i128::from(i64::MAX) + 1,
                },
                utklar_result::AmountOverflow,
            ),
            (
                Error::PersonalData {
                    field: "patient_id".into(),
                    count: 3,
                },
                utklar_result::PersonalData,
            ),
        ];
        for (e, code) in cases {
            assert_eq!(core_code(&e), code, "{e}");
        }
    }

    #[test]
    fn panic_becomes_a_code_and_a_message() {
        let r = boundary(|| panic!("boom"));
        assert_eq!(r, utklar_result::Panic);
        assert!(last_error().contains("boom"), "{}", last_error());
        assert_eq!(boundary_or(7usize, || panic!("again")), 7);
    }

    #[test]
    fn error_sets_the_last_message() {
        let r = boundary(|| Err(CError::Core(Error::MissingAmount { year: 2031 })));
        assert_eq!(r, utklar_result::MissingAmount);
        assert!(last_error().contains("2031"));
        assert_eq!(boundary(|| Ok(())), utklar_result::Ok);
    }
}
