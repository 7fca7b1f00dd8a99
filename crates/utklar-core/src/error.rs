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
    /// An amount in öre that cannot be represented exactly in 64 bits (more than
    /// 92 233 720 368 547 758.07 kr): utklar refuses to print a wrong figure. The error names
    /// the sum, the group where it left the range and the exact figure.
    AmountOverflow {
        /// What was being summed: `line`, `total`, `invoice total`, `comparison row`,
        /// `municipality total`, `sum of lines`.
        what: String,
        /// The municipality code (`0880`) of the line or total, or of the group at which a sum
        /// over several groups left the range.
        municipality: String,
        /// The care type (`somatic`, `psychiatric`).
        care_type: String,
        /// The period (`2024-03`, `2024-Q1`, `2024`).
        period: String,
        /// The exact amount in öre.
        ore: i128,
    },
    /// Values that look like Swedish personal identity numbers (*personnummer* or
    /// *samordningsnummer*) in a column. The message names the column and how many values,
    /// never a value. Replace them with pseudonymous ids, or allow them explicitly
    /// (`allow_personal_ids`).
    PersonalData {
        /// The column.
        field: String,
        /// How many values of the column look like personal identity numbers.
        count: u64,
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
            Error::AmountOverflow {
                what,
                municipality,
                care_type,
                period,
                ore,
            } => write!(
                f,
                "the {what} of municipality {municipality}, {care_type} care, period {period} would be {} kr ({ore} öre): more than the {} kr an amount can be exactly; check the amounts per day and the agreement's tiers, or bill fewer episodes or periods at once",
                crate::text::kronor_i128(*ore),
                crate::text::kronor_i128(i128::from(i64::MAX)),
            ),
            Error::PersonalData { field, count } => write!(
                f,
                "column `{field}`: {count} value(s) look like Swedish personal identity numbers (personnummer or samordningsnummer); they are refused so that no identity leaves the source system: replace them with pseudonymous ids, or allow them explicitly (allow_personal_ids) if you must go on"
            ),
        }
    }
}

impl std::error::Error for Error {}
