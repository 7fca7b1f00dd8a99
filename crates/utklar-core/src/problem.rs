//! The vocabulary of bad input: which field, why, which row.
//!
//! At the bottom of the crate (it depends on nothing else in it), so every layer can name a
//! problem: the model's parsers, the input layer's rule set, the measures and the payments.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The episode columns (`docs/episodes.md`), in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Field {
    /// `episode_id`
    EpisodeId,
    /// `patient_id`
    PatientId,
    /// `municipality`
    Municipality,
    /// `care_type`
    CareType,
    /// `admitted_at`
    AdmittedAt,
    /// `ready_at`
    ReadyAt,
    /// `discharged_at`
    DischargedAt,
    /// `home_ready_at`
    HomeReadyAt,
    /// `planned_discharge_date`
    PlannedDischargeDate,
    /// `age`
    Age,
    /// `admission_notice_sent`
    AdmissionNoticeSent,
    /// `sip_required`
    SipRequired,
    /// `sip_called`
    SipCalled,
    /// `region_blocked`
    RegionBlocked,
}

impl Field {
    /// All columns in the order of `docs/episodes.md`.
    pub const ALL: [Field; 14] = [
        Field::EpisodeId,
        Field::PatientId,
        Field::Municipality,
        Field::CareType,
        Field::AdmittedAt,
        Field::ReadyAt,
        Field::DischargedAt,
        Field::HomeReadyAt,
        Field::PlannedDischargeDate,
        Field::Age,
        Field::AdmissionNoticeSent,
        Field::SipRequired,
        Field::SipCalled,
        Field::RegionBlocked,
    ];

    /// The columns that must be present: `episode_id`, `municipality`, `care_type`, `ready_at`.
    pub const REQUIRED: [Field; 4] = [
        Field::EpisodeId,
        Field::Municipality,
        Field::CareType,
        Field::ReadyAt,
    ];

    /// The column name.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::EpisodeId => "episode_id",
            Field::PatientId => "patient_id",
            Field::Municipality => "municipality",
            Field::CareType => "care_type",
            Field::AdmittedAt => "admitted_at",
            Field::ReadyAt => "ready_at",
            Field::DischargedAt => "discharged_at",
            Field::HomeReadyAt => "home_ready_at",
            Field::PlannedDischargeDate => "planned_discharge_date",
            Field::Age => "age",
            Field::AdmissionNoticeSent => "admission_notice_sent",
            Field::SipRequired => "sip_required",
            Field::SipCalled => "sip_called",
            Field::RegionBlocked => "region_blocked",
        }
    }

    /// The field of a column name (exact, case-insensitive, surrounding spaces and a leading
    /// byte-order mark ignored).
    pub fn from_column(name: &str) -> Option<Field> {
        let n = name.trim_start_matches('\u{feff}').trim();
        Field::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(n))
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a row was excluded or rejected (`docs/bad-input.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// A required field is empty or its column is missing.
    MissingField,
    /// A date or datetime that cannot be read.
    UnparseableDate,
    /// A date outside 1990-01-01 … 2100-12-31.
    DateOutOfRange,
    /// Not one of the 290 municipality codes.
    UnknownMunicipality,
    /// Not `somatic` or `psychiatric`.
    UnknownCareType,
    /// A boolean that is not `true`/`false`/`1`/`0`.
    UnparseableBoolean,
    /// An age that is not a whole number 0–150.
    UnparseableInteger,
    /// Discharge date before the ready date (*minusdagar*), under the `exclude` or `error`
    /// policy.
    NegativeDays,
    /// Discharge before admission.
    DischargeBeforeAdmission,
    /// Ready notice before admission.
    ReadyBeforeAdmission,
    /// An `episode_id` seen on an earlier row.
    DuplicateEpisodeId,
}

impl Reason {
    /// All reasons, in order.
    pub const ALL: [Reason; 11] = [
        Reason::MissingField,
        Reason::UnparseableDate,
        Reason::DateOutOfRange,
        Reason::UnknownMunicipality,
        Reason::UnknownCareType,
        Reason::UnparseableBoolean,
        Reason::UnparseableInteger,
        Reason::NegativeDays,
        Reason::DischargeBeforeAdmission,
        Reason::ReadyBeforeAdmission,
        Reason::DuplicateEpisodeId,
    ];

    /// The snake_case name used in reports and JSON (`"negative_days"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::MissingField => "missing_field",
            Reason::UnparseableDate => "unparseable_date",
            Reason::DateOutOfRange => "date_out_of_range",
            Reason::UnknownMunicipality => "unknown_municipality",
            Reason::UnknownCareType => "unknown_care_type",
            Reason::UnparseableBoolean => "unparseable_boolean",
            Reason::UnparseableInteger => "unparseable_integer",
            Reason::NegativeDays => "negative_days",
            Reason::DischargeBeforeAdmission => "discharge_before_admission",
            Reason::ReadyBeforeAdmission => "ready_before_admission",
            Reason::DuplicateEpisodeId => "duplicate_episode_id",
        }
    }

    /// A sentence saying how to fix it.
    pub fn hint(self) -> &'static str {
        match self {
            Reason::MissingField => "fill in the field; it is required",
            Reason::UnparseableDate => {
                "write dates as YYYY-MM-DD and times as YYYY-MM-DDTHH:MM[:SS]"
            }
            Reason::DateOutOfRange => "dates must lie in 1990-01-01 … 2100-12-31",
            Reason::UnknownMunicipality => "use one of the 290 4-digit SCB codes, e.g. 0880",
            Reason::UnknownCareType => "use somatic or psychiatric",
            Reason::UnparseableBoolean => "use true/false/1/0 or leave empty",
            Reason::UnparseableInteger => "use a whole number of years 0–150 or leave empty",
            Reason::NegativeDays => {
                "discharge is before the ready date; correct it, or count such rows as day 0 with the day0 negative-days policy"
            }
            Reason::DischargeBeforeAdmission => {
                "discharge is before admission; correct either date"
            }
            Reason::ReadyBeforeAdmission => {
                "the ready notice is before admission; correct either date"
            }
            Reason::DuplicateEpisodeId => "episode ids must be unique; remove the repeated row",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem with one input row: which row (0-based, data rows only), which field, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// 0-based index of the data row (the header is not a row; CSV line = row + 2).
    pub row: usize,
    /// The field at fault.
    pub field: Field,
    /// Why.
    pub reason: Reason,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "row {}: {}: {} ({})",
            self.row,
            self.field,
            self.reason,
            self.reason.hint()
        )
    }
}
