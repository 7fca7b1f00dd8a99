//! Property tests of `explain`: one row per input row, in order; the counted rows are the
//! measures; the rows' amounts and reasons are the invoice's, under every preset and policy.

use proptest::prelude::*;
use utklar_core::explain::{Billing, Counting};
use utklar_core::input::EpisodeSet;
use utklar_core::payment::{preset_names, Agreement, Amounts};
use utklar_core::synth::{generate, SynthOptions};
use utklar_core::{IndicatorOptions, Measures, NegativeDays};

fn amounts() -> Amounts {
    let mut a = Amounts::national();
    for (year, ore) in [(2023, 1_050_000), (2025, 1_090_000), (2026, 1_120_000)] {
        a = a.with(year, ore).unwrap();
    }
    a
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn explain_adds_up(
        seed in 0u64..1_000,
        n in 1usize..400,
        preset in 0usize..5,
        day0 in any::<bool>(),
        min_age in prop_oneof![Just(None), Just(Some(65u16))],
        flags in prop::collection::vec((any::<bool>(), any::<bool>(), any::<bool>()), 0..40),
        repeats in prop::collection::vec(0usize..400, 0..5),
    ) {
        let mut episodes = generate(&SynthOptions {
            seed,
            episodes: n,
            year: 2024,
            open_share: 0.05,
            negative_share: 0.05,
            ..SynthOptions::default()
        });
        // Failed preconditions on some rows, and repeated ids.
        for (e, (notice, sip, blocked)) in episodes.iter_mut().zip(&flags) {
            e.admission_notice_sent = *notice || !*sip;
            e.sip_required = *sip;
            e.region_blocked = *blocked && !*notice;
        }
        for &r in &repeats {
            if r < episodes.len() && r > 0 {
                episodes[r].episode_id = episodes[r - 1].episode_id.clone();
            }
        }
        let mut set = EpisodeSet::new();
        for (i, e) in episodes.into_iter().enumerate() {
            set.push_episode(i, e);
        }
        let names = preset_names();
        let agreement = Agreement::preset(names[preset % names.len()]).unwrap();
        let amounts = amounts();
        let opts = IndicatorOptions::default()
            .negative_days(if day0 { NegativeDays::Day0 } else { NegativeDays::Exclude })
            .min_age(min_age);
        let x = set.explain(&opts, Some((&agreement, &amounts))).unwrap();
        prop_assert_eq!(x.rows.len() as u64, set.rows_in());
        prop_assert!(x.rows.iter().enumerate().all(|(i, r)| r.row == i));

        let m = set.measure(&opts).unwrap();
        let mut counted = Measures::default();
        for r in x.rows.iter().filter(|r| r.counting == Counting::Counted) {
            counted.add_episode(u32::try_from(r.ready_days.unwrap()).unwrap());
        }
        prop_assert_eq!(counted, m.total());
        let count = |c: Counting| x.rows.iter().filter(|r| r.counting == c).count() as u64;
        prop_assert_eq!(count(Counting::Open), m.report().open);
        prop_assert_eq!(count(Counting::OutsideAge), m.report().outside_age);
        prop_assert_eq!(count(Counting::Excluded), m.report().excluded());

        let inv = set.invoice(&agreement, &amounts).unwrap();
        prop_assert_eq!(x.amount_ore(), i128::from(inv.amount_ore()));
        for (reason, n) in inv.not_billed_counts() {
            let got = x.rows.iter().filter(|r| r.not_billed == Some(reason)).count() as u64;
            prop_assert_eq!(got, n);
        }
        let billed = x.rows.iter().filter(|r| r.billing == Some(Billing::Billed)).count();
        prop_assert_eq!(billed, inv.lines.iter().filter(|l| l.index.is_some()).count());
        let covered: u64 = inv.lines.iter().filter(|l| l.index.is_none()).map(|l| l.episodes).sum();
        let period = x.rows.iter().filter(|r| r.billing == Some(Billing::PeriodLine)).count();
        prop_assert_eq!(period as u64, covered);
        // Without an agreement, the same counting and no billing.
        let plain = set.explain(&opts, None).unwrap();
        prop_assert!(plain.rows.iter().zip(&x.rows).all(|(a, b)| a.counting == b.counting
            && a.ready_days == b.ready_days && a.billing.is_none()));
    }
}
