//! The one error type of utklar.

use std::fmt;

use crate::problem::Problem;

/// Everything that can go wrong in utklar. Each variant says what to fix.
///
/// The Python binding maps each variant to its own exception class under `utklar.UtklarError`;
/// the C API maps each to a stable `utklar_result` code.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// Input rows failed validation in strict mode (or negative days under the `error`
    /// policy). Every offending row is listed with its field and reason; fix the rows, or run
    /// in lenient mode to exclude them and get an exclusion report.
    Invalid(Vec<Problem>),
    /// Not one of the 290 municipality codes of `data/kommuner.csv`. Use the 4-digit SCB code
    /// (`"0880"` for Kalmar).
    UnknownMunicipality(String),
    /// Not one of the 21 county codes (`"08"` for Kalmar län).
    UnknownCounty(String),
    /// A national amount per care day was needed for a year utklar has no sourced amount for.
    /// Pass the amount for that year (for example `--amount 2025=10900`).
    MissingAmount {
        /// The year without an amount.
        year: i32,
    },
    /// An agreement is not valid: an unknown or contradictory field. `field` names it.
    Agreement {
        /// The field (dotted path) at fault.
        field: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// No preset agreement has this name; the message lists the ones that exist.
    UnknownPreset(String),
    /// An option or argument value is not valid (for example a period name).
    InvalidArgument {
        /// The option.
        name: String,
        /// What is wrong and what is allowed.
        message: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(problems) => {
                write!(f, "{} row problem(s):", problems.len())?;
                for p in problems.iter().take(20) {
                    write!(f, "\n  {p}")?;
                }
                if problems.len() > 20 {
                    write!(f, "\n  … and {} more", problems.len() - 20)?;
                }
                Ok(())
            }
            Error::UnknownMunicipality(s) => write!(
                f,
                "unknown municipality code {s:?}: use one of the 290 4-digit SCB codes, e.g. \"0880\" for Kalmar"
            ),
            Error::UnknownCounty(s) => {
                write!(f, "unknown county code {s:?}: use a 2-digit län code, e.g. \"08\"")
            }
            Error::MissingAmount { year } => write!(
                f,
                "no national amount per care day for {year}: sourced amounts exist for 2019, 2020, 2022 and 2024; give the amount per care day for {year} with the call's amounts"
            ),
            Error::Agreement { field, message } => write!(f, "agreement field `{field}`: {message}"),
            Error::UnknownPreset(name) => write!(
                f,
                "no preset agreement named {name:?}; the presets are {}",
                crate::payment::preset_names().join(", ")
            ),
            Error::InvalidArgument { name, message } => write!(f, "{name}: {message}"),
        }
    }
}

impl std::error::Error for Error {}
