//! The date and time parsers, and the small parsers of cells: any text gives a value or an
//! error, and a value read is within the range and reads back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use utklar_core::model::time::{check_range, day_number, parse_date, parse_notice, NoticeTime};
use utklar_core::validate::{parse_age, parse_bool};
use utklar_core::{Period, PeriodKind};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(d) = parse_date(s) {
        assert!(check_range(d).is_ok(), "{d}");
        assert_eq!(parse_date(&d.to_string()), Ok(d));
    }
    if let Ok(t) = parse_notice(s) {
        assert!(check_range(t.date).is_ok());
        assert_eq!(t.day(), day_number(t.date));
        // What a notice displays (to the second) reads back as the same.
        let again: NoticeTime = t.to_string().parse().expect("a notice reads back");
        assert_eq!(again.to_string(), t.to_string());
        assert_eq!(again.date, t.date);
        let _ = (t.is_after_noon(), t.is_after_noon_or(true));
    }
    if let Ok(p) = s.parse::<Period>() {
        assert!(p.first_day() <= p.last_day());
        assert_eq!(p.to_string().parse::<Period>().ok(), Some(p));
        let _ = (p.next(), p.prev(), p.days());
    }
    let _ = s.parse::<PeriodKind>();
    let _ = parse_bool(s);
    let _ = parse_age(s);
    let _ = utklar_core::personal_id::is_personal_id(s);
});
