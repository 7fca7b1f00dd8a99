//! Exit statuses and the one-line messages that go with them.

use std::fmt;
use std::io;

/// Why a command stopped, and the exit status it maps to.
#[derive(Debug)]
pub enum Failure {
    /// Unusable arguments or files: exit status 2, one line naming the file and the problem.
    Usage(String),
    /// The data has problems (strict mode, `--negative-days error`, `validate` finding any):
    /// exit status 1; the problems were already listed.
    Data(String),
    /// Standard output was closed by the reader (`utklar synth | head`): stop quietly with the
    /// status the run had earned so far (0, or 1 when `validate` had found problems).
    Closed(u8),
}

impl Failure {
    /// A usage failure (exit status 2).
    pub fn usage(msg: impl Into<String>) -> Self {
        Failure::Usage(msg.into())
    }

    /// The process exit status.
    pub fn code(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Data(_) => 1,
            Failure::Closed(code) => *code,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(m) | Failure::Data(m) => f.write_str(m),
            Failure::Closed(_) => Ok(()),
        }
    }
}

impl From<io::Error> for Failure {
    /// Errors writing output: a closed pipe stops quietly; anything else is exit status 2.
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            Failure::Closed(0)
        } else {
            Failure::Usage(format!("cannot write the output: {e}"))
        }
    }
}

impl From<csv::Error> for Failure {
    fn from(e: csv::Error) -> Self {
        match e.into_kind() {
            csv::ErrorKind::Io(io) => io.into(),
            other => Failure::Usage(format!("cannot write the output: {other:?}")),
        }
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Self {
        match e.io_error_kind() {
            Some(io::ErrorKind::BrokenPipe) => Failure::Closed(0),
            _ => Failure::Usage(format!("cannot write the output: {e}")),
        }
    }
}

/// A core error that comes from an argument value (exit status 2).
pub fn arg(option: &str, e: &utklar_core::Error) -> Failure {
    Failure::Usage(format!("{option}: {e}"))
}

/// The core's hint for a problem's reason, with the command line's spelling of the option that
/// changes it.
pub fn hint(reason: utklar_core::Reason) -> String {
    match reason {
        utklar_core::Reason::NegativeDays => format!("{} (--negative-days day0)", reason.hint()),
        _ => reason.hint().to_string(),
    }
}

/// Rows were given and none could be used: exit status 1, not a silent success.
pub fn none_usable(label: &str, rows: u64) -> Failure {
    Failure::Data(format!(
        "{label}: none of the {rows} rows could be used; `utklar validate --episodes {label}` lists why"
    ))
}

/// `--format xlsx` on a command that has no spreadsheet output (exit status 2).
pub fn no_xlsx() -> Failure {
    Failure::usage("--format xlsx is not available for this command; use --format csv")
}
