//! The 21 counties and what is known of their agreements: model family, preset, source.
//!
//! SKR's report *Fakta om utskrivningsklara patienter* (April 2024) collected the agreements of
//! all 21 counties and counts **5 counties on an individual model, 9 on an average model and 7
//! on a mixed one**; which county uses which is shown only on a map. A county's family is given
//! here only where a text names it; everywhere else it is unknown (`None`), and the county has
//! no preset until its agreement is found with a source (`docs/presets.md`).
//!
//! ```
//! use utklar_core::payment::{counties, Model};
//!
//! let all = counties();
//! assert_eq!(all.len(), 21);
//! let stockholm = &all[0];
//! assert_eq!(stockholm.county.to_string(), "01");
//! assert_eq!(stockholm.model, Some(Model::Average));
//! assert_eq!(stockholm.preset, Some("stockholm"));
//! let gotland = all.iter().find(|c| c.county.code() == 9).unwrap();
//! assert_eq!((gotland.model, gotland.preset), (None, None));
//! assert_eq!(gotland.source, "no public source found");
//! ```

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::agreement::Model;
use crate::model::municipality::County;

/// What is known of one county's agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountyAgreement {
    /// The county (*län*).
    pub county: County,
    /// The model family, when a source names it; `None` is unknown.
    pub model: Option<Model>,
    /// The preset that implements the agreement, if there is one.
    pub preset: Option<&'static str>,
    /// Where the model family and the preset come from, or `"no public source found"`.
    pub source: &'static str,
}

impl CountyAgreement {
    /// The model family as text: `individual`, `average`, `mixed` or `unknown`.
    pub fn model_text(&self) -> String {
        self.model_str().to_string()
    }

    /// The model family as a static string: `individual`, `average`, `mixed` or `unknown`
    /// (what [`CountyAgreement::model_text`] gives, for surfaces that lend strings out).
    pub fn model_str(&self) -> &'static str {
        self.model.map_or("unknown", Model::as_str)
    }
}

impl Serialize for CountyAgreement {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("CountyAgreement", 5)?;
        st.serialize_field("county", &self.county)?;
        st.serialize_field("name", self.county.name())?;
        st.serialize_field("model", &self.model_text())?;
        st.serialize_field("preset", &self.preset)?;
        st.serialize_field("source", self.source)?;
        st.end()
    }
}

/// The source text for a county without a found agreement.
pub const NO_SOURCE: &str = "no public source found";

/// The counties whose agreement has a source: code, family, preset, source.
const KNOWN: [(u8, Model, Option<&str>, &str); 4] = [
    (
        1,
        Model::Average,
        Some("stockholm"),
        "Region Stockholm, vårdgivarguiden.se, Principer för fakturering inom somatiken and Ny överenskommelse 2020 (average model from 1 January 2020, day 0 in the mean, calendar days, Socialstyrelsen's amount); psykiatristod.se, Det kommunala betalningsansvaret",
    ),
    (
        4,
        Model::Average,
        Some("sormland"),
        "SKR, Fakta om utskrivningsklara patienter (2024), the Eskilstuna case: a mean-value model, liability when the mean exceeds three calendar days three months in a row",
    ),
    (
        8,
        Model::Average,
        Some("kalmar"),
        "SKR, Fakta om utskrivningsklara patienter (2024), the Kalmar case: an average model billing patients past 3 days when the municipality's mean exceeds 0.8 days; Region Kalmar län's follow-up slides (2025)",
    ),
    (
        14,
        Model::Mixed,
        Some("vgr"),
        "Västra Götalandsregionen and VästKom: a mean of 3.0 days including day 0 with an individual ceiling of 7 days, billing what exceeds the mean (the vgr preset's source)",
    ),
];

/// The 21 counties in code order, each with what is known of its agreement.
pub fn counties() -> Vec<CountyAgreement> {
    County::all()
        .map(|county| match KNOWN.iter().find(|k| k.0 == county.code()) {
            Some(&(_, model, preset, source)) => CountyAgreement {
                county,
                model: Some(model),
                preset,
                source,
            },
            None => CountyAgreement {
                county,
                model: None,
                preset: None,
                source: NO_SOURCE,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payment::{preset_names, Agreement};

    #[test]
    fn every_county_once_and_every_county_preset_exists() {
        let all = counties();
        assert_eq!(all.len(), 21);
        let mut codes: Vec<u8> = all.iter().map(|c| c.county.code()).collect();
        codes.dedup();
        assert_eq!(codes.len(), 21);
        let with_preset: Vec<&str> = all.iter().filter_map(|c| c.preset).collect();
        assert_eq!(with_preset, ["stockholm", "sormland", "kalmar", "vgr"]);
        for c in &all {
            if let Some(p) = c.preset {
                assert!(preset_names().contains(&p), "{p}");
                let a = Agreement::preset(p).unwrap();
                // The registry's family is the preset's somatic model.
                assert_eq!(c.model, Some(a.somatic.model), "{p}");
                assert_ne!(c.source, NO_SOURCE);
            } else {
                assert_eq!((c.model, c.source), (None, NO_SOURCE));
            }
        }
        // The seed's totals (5 individual, 9 average, 7 mixed) are not exceeded by what is known.
        let n = |m| all.iter().filter(|c| c.model == Some(m)).count();
        assert!(n(Model::Individual) <= 5 && n(Model::Average) <= 9 && n(Model::Mixed) <= 7);
    }

    #[test]
    fn json_fields() {
        let v = serde_json::to_value(&counties()[0]).unwrap();
        assert_eq!(v["county"], "01");
        assert_eq!(v["name"], "Stockholms län");
        assert_eq!(v["model"], "average");
        assert_eq!(v["preset"], "stockholm");
        let gotland = counties()
            .into_iter()
            .find(|c| c.county.code() == 9)
            .unwrap();
        let g = serde_json::to_value(&gotland).unwrap();
        assert_eq!(g["county"], "09");
        assert_eq!(g["model"], "unknown");
        assert!(g["preset"].is_null());
        assert_eq!(g["source"], NO_SOURCE);
    }
}
