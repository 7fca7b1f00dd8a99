//! The page's language: Swedish (default) or English, numbers written the way each reads them
//! (`1 234,5` with a narrow no-break space in Swedish, `1,234.5` in English), month names and
//! the words of every label.

use std::fmt;
use std::str::FromStr;

use utklar_core::payment::NotBilledReason;
use utklar_core::{CareType, Period, Reason};

/// The page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    /// Swedish (the default: the counties' reports are in Swedish).
    #[default]
    Sv,
    /// English.
    En,
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sv" | "swedish" | "svenska" => Ok(Lang::Sv),
            "en" | "english" | "engelska" => Ok(Lang::En),
            _ => Err(format!(
                "{s:?} is not a language of the report: use sv or en"
            )),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        })
    }
}

/// The narrow no-break space that groups thousands in Swedish (`1 234`).
pub const GROUP_SV: char = '\u{202F}';

const MONTHS_SV: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Lang {
    /// A number with `decimals` decimals, thousands grouped: `1 234,5` (sv), `1,234.5` (en).
    ///
    /// ```
    /// use utklar_report::Lang;
    /// assert_eq!(Lang::Sv.number(1234.54, 1), "1\u{202F}234,5");
    /// assert_eq!(Lang::En.number(1234.54, 1), "1,234.5");
    /// assert_eq!(Lang::Sv.number(-0.04, 1), "0,0");
    /// ```
    pub fn number(self, x: f64, decimals: usize) -> String {
        if !x.is_finite() {
            return "–".into();
        }
        let text = format!("{:.*}", decimals, x.abs());
        let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
        let negative = x < 0.0 && text.bytes().any(|b| matches!(b, b'1'..=b'9'));
        let (group, point) = match self {
            Lang::Sv => (GROUP_SV, ','),
            Lang::En => (',', '.'),
        };
        let mut out = String::with_capacity(text.len() + 4);
        if negative {
            out.push('−');
        }
        let n = int.len();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (n - i) % 3 == 0 {
                out.push(group);
            }
            out.push(c);
        }
        if !frac.is_empty() {
            out.push(point);
            out.push_str(frac);
        }
        out
    }

    /// A count, grouped: `12 345`.
    pub fn count(self, n: u64) -> String {
        self.number(n as f64, 0)
    }

    /// An optional value, `–` when absent.
    pub fn opt(self, x: Option<f64>, decimals: usize) -> String {
        x.map_or_else(|| "–".into(), |x| self.number(x, decimals))
    }

    /// A share 0–1 as a percentage: `85,0 %`.
    pub fn percent(self, x: Option<f64>) -> String {
        x.map_or_else(
            || "–".into(),
            |x| format!("{}\u{a0}%", self.number(x * 100.0, 1)),
        )
    }

    /// Öre as kronor, whole and grouped: `1 234 567 kr`.
    pub fn kronor(self, ore: i64) -> String {
        format!("{}\u{a0}kr", self.number(ore as f64 / 100.0, 0))
    }

    /// A month's name: `november 2024`, `November 2024`.
    pub fn month(self, p: Period) -> String {
        let m = p.first_day();
        let i = chrono::Datelike::month0(&m) as usize;
        let names = match self {
            Lang::Sv => MONTHS_SV,
            Lang::En => MONTHS_EN,
        };
        format!("{} {}", names[i % 12], p.year())
    }

    /// A month's short name for an axis: `nov`, `Nov`.
    pub fn month_short(self, p: Period) -> String {
        let i = chrono::Datelike::month0(&p.first_day()) as usize;
        let name = match self {
            Lang::Sv => MONTHS_SV[i % 12],
            Lang::En => MONTHS_EN[i % 12],
        };
        name.chars().take(3).collect()
    }

    /// A period of an invoice: a month by name, a quarter `kvartal 4 2024` / `Q4 2024`, a year.
    pub fn period(self, p: Period) -> String {
        match p.kind() {
            utklar_core::PeriodKind::Month => self.month(p),
            utklar_core::PeriodKind::Quarter => {
                let q = chrono::Datelike::month0(&p.first_day()) / 3 + 1;
                match self {
                    Lang::Sv => format!("kvartal {q} {}", p.year()),
                    Lang::En => format!("Q{q} {}", p.year()),
                }
            }
            utklar_core::PeriodKind::Year => p.year().to_string(),
        }
    }

    /// The care type: `Somatisk vård`, `Somatic care`.
    pub fn care(self, c: CareType) -> &'static str {
        match (self, c) {
            (Lang::Sv, CareType::Somatic) => "Somatisk vård",
            (Lang::Sv, CareType::Psychiatric) => "Psykiatrisk vård",
            (Lang::En, CareType::Somatic) => "Somatic care",
            (Lang::En, CareType::Psychiatric) => "Psychiatric care",
        }
    }

    /// Swedish or English text.
    pub fn t(self, sv: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Sv => sv,
            Lang::En => en,
        }
    }

    /// Why rows were excluded from the indicators.
    pub fn reason(self, r: Reason) -> &'static str {
        match r {
            Reason::MissingField => self.t("obligatoriskt fält saknas", "a required field missing"),
            Reason::UnparseableDate => self.t("oläsligt datum", "an unreadable date"),
            Reason::DateOutOfRange => self.t("datum utanför 1990–2100", "a date outside 1990–2100"),
            Reason::UnknownMunicipality => {
                self.t("okänd kommunkod", "an unknown municipality code")
            }
            Reason::UnknownCareType => self.t("okänd vårdform", "an unknown care type"),
            Reason::UnparseableBoolean => {
                self.t("oläsligt ja/nej-värde", "an unreadable true/false value")
            }
            Reason::UnparseableInteger => self.t("oläslig ålder", "an unreadable age"),
            Reason::NegativeDays => self.t(
                "utskriven före utskrivningsklar dag (minusdagar)",
                "discharged before the ready date (negative days)",
            ),
            Reason::DischargeBeforeAdmission => {
                self.t("utskriven före inskrivning", "discharged before admission")
            }
            Reason::ReadyBeforeAdmission => self.t(
                "utskrivningsklar före inskrivning",
                "ready before admission",
            ),
            Reason::DuplicateEpisodeId => self.t("upprepat episode_id", "a repeated episode_id"),
            _ => self.t("annat fel", "another problem"),
        }
    }

    /// Why episodes were not billed.
    pub fn not_billed(self, r: NotBilledReason) -> &'static str {
        match r {
            NotBilledReason::Open => self.t("fortfarande inskriven", "still in hospital"),
            NotBilledReason::DuplicateEpisodeId => self.t(
                "upprepat episode_id (felaktiga data)",
                "repeated episode_id (bad data)",
            ),
            NotBilledReason::NegativeDays => {
                self.t("minusdagar (felaktiga data)", "negative days (bad data)")
            }
            NotBilledReason::InvalidDates => self.t(
                "datum före inskrivning (felaktiga data)",
                "dates before admission (bad data)",
            ),
            NotBilledReason::MissingAdmissionNotice => self.t(
                "inget inskrivningsmeddelande (5 kap. 3 §)",
                "no admission notice (5 kap. 3 §)",
            ),
            NotBilledReason::SipNotCalled => self.t(
                "SIP krävdes men kallades inte (5 kap. 3 §)",
                "SIP required, not called (5 kap. 3 §)",
            ),
            NotBilledReason::RegionBlocked => self.t(
                "hindrat av regionens öppenvård (5 kap. 5 §)",
                "blocked by the region (5 kap. 5 §)",
            ),
            NotBilledReason::WithinGrace => {
                self.t("utskriven inom fristdagarna", "within the grace days")
            }
            NotBilledReason::AverageNotExceeded => {
                self.t("genomsnittet överskreds inte", "average not exceeded")
            }
            NotBilledReason::InvalidRow => self.t(
                "oläslig rad (felaktiga data)",
                "row cannot be read (bad data)",
            ),
            NotBilledReason::BeforeLaw => self.t(
                "före lagens (avtalets) ikraftträdande",
                "before the law (or the agreement) applied",
            ),
            _ => self.t("annat", "other"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn swedish_and_english_numbers_months_and_money() {
        assert_eq!(
            Lang::Sv.number(1_234_567.891, 2),
            "1\u{202F}234\u{202F}567,89"
        );
        assert_eq!(Lang::En.number(1_234_567.891, 2), "1,234,567.89");
        assert_eq!(Lang::Sv.number(999.96, 1), "1\u{202F}000,0");
        assert_eq!(Lang::Sv.number(-1234.0, 0), "−1\u{202F}234");
        assert_eq!(Lang::Sv.number(f64::NAN, 1), "–");
        assert_eq!(Lang::Sv.percent(Some(0.85)), "85,0\u{a0}%");
        assert_eq!(
            Lang::Sv.kronor(123_456_789),
            "1\u{202F}234\u{202F}568\u{a0}kr"
        );
        let nov = Period::month(2024, 11).unwrap();
        assert_eq!(Lang::Sv.month(nov), "november 2024");
        assert_eq!(Lang::En.month(nov), "November 2024");
        assert_eq!(Lang::Sv.month_short(nov), "nov");
        let q = "2024-Q4".parse().unwrap();
        assert_eq!(Lang::Sv.period(q), "kvartal 4 2024");
        assert_eq!(Lang::En.period(q), "Q4 2024");
        assert_eq!("EN".parse::<Lang>(), Ok(Lang::En));
        assert!("de".parse::<Lang>().is_err());
    }

    proptest! {
        /// Ungrouped and with a decimal point, the text is Rust's own rounding of the value;
        /// the groups are of three digits.
        #[test]
        fn grouping_changes_no_digit(x in -1.0e12f64..1.0e12, d in 0usize..4) {
            for lang in [Lang::Sv, Lang::En] {
                let text = lang.number(x, d);
                let group = if lang == Lang::Sv { GROUP_SV } else { ',' };
                let point = if lang == Lang::Sv { ',' } else { '.' };
                let plain: String = text
                    .chars()
                    .filter(|c| *c != group)
                    .map(|c| if c == point { '.' } else if c == '−' { '-' } else { c })
                    .collect();
                let mut want = format!("{x:.d$}");
                if want.trim_start_matches('-').bytes().all(|b| b == b'0' || b == b'.') {
                    want = want.trim_start_matches('-').to_string();
                }
                prop_assert_eq!(&plain, &want);
                let int = text.trim_start_matches('−').split(point).next().unwrap_or("").to_string();
                let groups: Vec<&str> = int.split(group).collect();
                prop_assert!(groups[0].len() <= 3 && !groups[0].is_empty());
                prop_assert!(groups[1..].iter().all(|g| g.len() == 3));
            }
        }
    }
}
