//! The episode (*vårdtillfälle*): one inpatient stay, with the ready notice and what the law's
//! preconditions need (`docs/episodes.md`).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::municipality::Municipality;
use crate::model::time::NoticeTime;

/// Somatic or psychiatric care (*somatisk / psykiatrisk vård*), always followed separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CareType {
    /// Somatic care (*somatisk vård*).
    Somatic = 0,
    /// Psychiatric care (*psykiatrisk vård*).
    Psychiatric = 1,
}

impl CareType {
    /// Both care types, somatic first.
    pub const ALL: [CareType; 2] = [CareType::Somatic, CareType::Psychiatric];

    /// `"somatic"` or `"psychiatric"`.
    pub fn as_str(self) -> &'static str {
        match self {
            CareType::Somatic => "somatic",
            CareType::Psychiatric => "psychiatric",
        }
    }

    /// From the columnar code: 0 somatic, 1 psychiatric.
    pub fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(CareType::Somatic),
            1 => Some(CareType::Psychiatric),
            _ => None,
        }
    }
}

impl fmt::Display for CareType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CareType {
    type Err = Error;

    /// `somatic` / `psychiatric` in any case; the Swedish `somatisk` / `psykiatrisk` (and
    /// `psykiatri`) are accepted too.
    fn from_str(s: &str) -> Result<Self, Error> {
        let t = crate::text::trim(s);
        let is = |words: &[&str]| words.iter().any(|w| t.eq_ignore_ascii_case(w));
        if is(&["somatic", "somatisk", "somatik"]) {
            Ok(CareType::Somatic)
        } else if is(&["psychiatric", "psykiatrisk", "psykiatri"]) {
            Ok(CareType::Psychiatric)
        } else {
            Err(Error::InvalidArgument {
                name: "care_type".into(),
                message: format!("{s:?} is not a care type: use somatic or psychiatric"),
            })
        }
    }
}

/// One inpatient stay (*vårdtillfälle*) of a patient judged ready for discharge.
///
/// Only `episode_id`, `municipality`, `care_type` and `ready_at` are required. The patient is
/// known by a pseudonymous id at most; utklar never needs more.
///
/// ```
/// use utklar_core::{Episode, CareType};
///
/// let e = Episode::new("e1", "0880".parse()?, CareType::Somatic, "2025-03-03T10:00".parse()?)
///     .discharged("2025-03-07".parse()?);
/// assert_eq!(e.ready_days(), Some(4));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Episode {
    /// Unique within a data set.
    pub episode_id: String,
    /// Pseudonymous patient id; needed only for per-person counts and readmissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_id: Option<String>,
    /// Municipality of registered residence (*folkbokföringskommun*): it pays and it is the group.
    pub municipality: Municipality,
    /// Somatic or psychiatric.
    pub care_type: CareType,
    /// Admission (*inskrivning*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admitted_at: Option<NoticeTime>,
    /// The ready notice (*underrättelse om utskrivningsklar*).
    pub ready_at: NoticeTime,
    /// Discharge; `None` while the patient is still in hospital (an open episode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discharged_at: Option<NoticeTime>,
    /// Home-ready (*hemgångsklar*): ready and the practical conditions met.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_ready_at: Option<NoticeTime>,
    /// The last planned discharge date sent (*beräknad tidpunkt för utskrivning*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planned_discharge_date: Option<NaiveDate>,
    /// Age at discharge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u16>,
    /// The admission notice (*inskrivningsmeddelande*) was sent (law 5 kap. 3 § 1).
    #[serde(default = "yes")]
    pub admission_notice_sent: bool,
    /// A coordinated individual plan (*SIP*) is required.
    #[serde(default)]
    pub sip_required: bool,
    /// The SIP was called within the time (law 5 kap. 3 § second paragraph).
    #[serde(default)]
    pub sip_called: bool,
    /// Discharge was blocked by the region-financed open care's own inputs (law 5 kap. 5 §).
    #[serde(default)]
    pub region_blocked: bool,
}

fn yes() -> bool {
    true
}

impl Episode {
    /// An episode with its required fields; the optional ones absent, the flags at their
    /// defaults (admission notice sent, no SIP required, not region-blocked).
    pub fn new(
        episode_id: impl Into<String>,
        municipality: Municipality,
        care_type: CareType,
        ready_at: NoticeTime,
    ) -> Self {
        Episode {
            episode_id: episode_id.into(),
            patient_id: None,
            municipality,
            care_type,
            admitted_at: None,
            ready_at,
            discharged_at: None,
            home_ready_at: None,
            planned_discharge_date: None,
            age: None,
            admission_notice_sent: true,
            sip_required: false,
            sip_called: false,
            region_blocked: false,
        }
    }

    /// The same episode, discharged at `at`.
    #[must_use]
    pub fn discharged(mut self, at: NoticeTime) -> Self {
        self.discharged_at = Some(at);
        self
    }

    /// The same episode with a patient id.
    #[must_use]
    pub fn patient(mut self, id: impl Into<String>) -> Self {
        self.patient_id = Some(id.into());
        self
    }

    /// The same episode with an age.
    #[must_use]
    pub fn aged(mut self, age: u16) -> Self {
        self.age = Some(age);
        self
    }

    /// Ready days (*utskrivningsklara dagar*): discharge date − ready date in calendar days.
    /// The time of day never changes it. `None` for an open episode; negative for
    /// *minusdagar*.
    pub fn ready_days(&self) -> Option<i32> {
        self.discharged_at.map(|d| d.day() - self.ready_at.day())
    }

    /// Whether the law's preconditions for payment liability hold: the admission notice was
    /// sent, a required SIP was called, and the region did not block discharge
    /// (law 5 kap. 3 § and 5 §).
    pub fn liability_preconditions_hold(&self) -> bool {
        self.admission_notice_sent
            && (!self.sip_required || self.sip_called)
            && !self.region_blocked
    }
}
