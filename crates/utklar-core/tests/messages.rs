//! The core's hints state its limits in words; each sentence must say the limit the rules
//! apply (the constants they are written with), so that changing a limit without its sentence
//! fails here.

use utklar_core::input::value::MAX_AGE;
use utklar_core::time::{MAX_DATE, MIN_DATE};
use utklar_core::{Municipality, Reason};

#[test]
fn the_date_range_hint_names_the_range_the_rules_apply() {
    let hint = Reason::DateOutOfRange.hint();
    assert!(
        hint.contains(&format!("{MIN_DATE} … {MAX_DATE}")),
        "{hint:?} does not name {MIN_DATE} … {MAX_DATE}"
    );
}

#[test]
fn the_age_hint_names_the_oldest_age_the_rules_accept() {
    let hint = Reason::UnparseableInteger.hint();
    assert!(hint.contains(&format!("0–{MAX_AGE}")), "{hint:?}");
}

#[test]
fn the_municipality_hint_names_how_many_codes_there_are() {
    let hint = Reason::UnknownMunicipality.hint();
    let n = Municipality::all().count();
    assert!(hint.contains(&format!("the {n} 4-digit")), "{hint:?}");
}
