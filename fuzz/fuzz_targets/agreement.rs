//! The agreement TOML: any text is an agreement or an error naming a field; an accepted
//! agreement round-trips through TOML and prices a few synthetic episodes exactly or with an
//! error (a missing amount, an amount that does not fit in 64 bits), never a panic; its
//! comparison and sweep agree with its invoices.
#![no_main]

use libfuzzer_sys::fuzz_target;
use utklar_core::payment::{compare, invoice, sweep, Agreement, Amounts};
use utklar_core::{CareType, Episode, Error, NoticeTime};

fn notice(s: &str) -> NoticeTime {
    s.parse().expect("a fixed notice")
}

/// A dozen stays of both care types over a year boundary, a holiday week, the noon edge, a
/// long stay, a negative one, an open one and a repeated id.
fn episodes() -> Vec<Episode> {
    let rows: [(&str, &str, bool, &str, Option<&str>, Option<&str>); 12] = [
        (
            "a",
            "0880",
            false,
            "2024-12-20T09:00",
            Some("2025-01-07"),
            Some("p1"),
        ),
        (
            "b",
            "0880",
            false,
            "2024-12-30T12:00:01",
            Some("2025-01-02"),
            Some("p1"),
        ),
        ("c", "0881", true, "2025-03-01", Some("2025-03-01"), None),
        (
            "d",
            "0881",
            false,
            "2025-06-18T11:59",
            Some("2025-06-27"),
            Some("p2"),
        ),
        (
            "e",
            "0180",
            true,
            "2025-02-10T13:00",
            Some("2025-05-10"),
            Some("p3"),
        ),
        (
            "f",
            "0180",
            false,
            "2023-05-01",
            Some("2025-05-01"),
            Some("p4"),
        ),
        ("g", "1480", false, "2025-04-10", Some("2025-04-08"), None),
        ("h", "1480", false, "2025-04-10", None, None),
        ("a", "0880", false, "2025-01-01", Some("2025-01-09"), None),
        (
            "i",
            "0880",
            false,
            "2025-01-31T23:59",
            Some("2025-02-03"),
            Some("p1"),
        ),
        (
            "j",
            "0882",
            true,
            "2025-07-01",
            Some("2025-07-20"),
            Some("p5"),
        ),
        (
            "k",
            "0882",
            false,
            "2025-12-31T12:00",
            Some("2026-01-05"),
            Some("p6"),
        ),
    ];
    rows.iter()
        .map(|&(id, m, psy, ready, dis, pid)| {
            let care = if psy {
                CareType::Psychiatric
            } else {
                CareType::Somatic
            };
            let mut e = Episode::new(id, m.parse().expect("a code"), care, notice(ready));
            if let Some(d) = dis {
                e = e.discharged(notice(d));
            }
            if let Some(p) = pid {
                e = e.patient(p);
            }
            e.home_ready_at = e.discharged_at;
            e
        })
        .collect()
}

fn amounts(ore: i64) -> Amounts {
    let mut a = Amounts::empty();
    for y in 1990..=2100 {
        a.set(y, ore).expect("an amount in range");
    }
    a
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let agreement = match Agreement::from_toml(text) {
        Ok(a) => a,
        Err(Error::Agreement { field, .. }) => {
            assert!(!field.is_empty());
            return;
        }
        Err(e) => panic!("an agreement error was expected: {e}"),
    };
    let again = Agreement::from_toml(&agreement.to_toml().expect("writes")).expect("reads back");
    assert_eq!(again, agreement);
    let eps = episodes();
    for ore in [1_160_000, 10_000_000_000] {
        let amounts = amounts(ore);
        let inv = match invoice(&eps, &agreement, &amounts) {
            Ok(inv) => inv,
            Err(Error::AmountOverflow { .. }) => continue,
            Err(e) => panic!("{e}"),
        };
        assert!(inv.balances());
        assert!(inv.checked_amount_ore().is_some());
        let by_totals: i128 = inv.totals.iter().map(|t| i128::from(t.amount_ore)).sum();
        assert_eq!(by_totals, i128::from(inv.amount_ore()));
        let c = compare(
            &eps,
            &[
                ("fuzzed", agreement.clone()),
                ("law", Agreement::statutory()),
            ],
            &amounts,
        )
        .expect("the same invoice compares");
        assert_eq!(c.total_ore(0), inv.amount_ore());
        match sweep(&eps, &agreement, &amounts, &[0.0, 2.5], &[0, 3]) {
            Ok(s) => {
                for row in &s.rows {
                    let mut v = agreement.clone();
                    for care in [CareType::Somatic, CareType::Psychiatric] {
                        let r = v.rule_mut(care);
                        if let (Some(t), Some(avg)) = (row.threshold_days, r.average.as_mut()) {
                            avg.threshold_days = t;
                        }
                        if let (Some(g), Some(old)) = (row.grace_days, r.grace_days.as_mut()) {
                            *old = g;
                        }
                    }
                    let want = invoice(&eps, &v, &amounts).expect("the variant invoices");
                    assert_eq!(row.amount_ore, want.amount_ore(), "{row:?}");
                }
            }
            Err(Error::AmountOverflow { .. } | Error::Agreement { .. }) => {}
            Err(e) => panic!("{e}"),
        }
    }
});
