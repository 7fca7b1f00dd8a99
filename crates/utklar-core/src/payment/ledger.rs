//! A data set held compactly for payments: what invoices, comparisons and sweeps read of each
//! episode, in about 24 bytes and its ids' length, for files of tens of millions of rows.

use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use super::agreement::Agreement;
use super::amounts::Amounts;
use super::engine::{invoice_of, Facts, LineOf as LedgerLine, NotBilledReason, Source, Total};
use super::whatif::{comparison_rows, sweep_of, ComparisonRow, Sweep};
use crate::error::Error;
use crate::input::rules::{check_row, episode_problems, RowView};
use crate::input::{EpisodeFacts, NegativeDays, Unreadable};
use crate::model::episode::{CareType, Episode};
use crate::model::municipality::Municipality;
use crate::model::time::{checked_date_of_day, NoticeTime, MIN_DAY};
use crate::problem::{Field, Problem, Reason};

/// Texts (ids) one after the other: 4 bytes an entry besides the text.
#[derive(Debug, Default)]
struct Texts {
    bytes: String,
    /// The end of each entry, from the start of its block.
    ends: Vec<u32>,
    /// Where each block of [`BLOCK`] entries starts in `bytes`.
    starts: Vec<usize>,
    /// The entries whose end is past `u32::MAX` in their block (never for ids a reader read,
    /// at most 1 MiB each: a block's 2 048 of them fit), by entry: where they start and end.
    far: std::collections::BTreeMap<usize, (usize, usize)>,
}

/// Entries per block.
const BLOCK: usize = 2048;

impl Texts {
    fn push(&mut self, s: &str) {
        let i = self.ends.len();
        if i % BLOCK == 0 {
            self.starts.push(self.bytes.len());
        }
        let begin = self.bytes.len();
        self.bytes.push_str(s);
        let start = self.starts[i / BLOCK];
        match u32::try_from(self.bytes.len() - start) {
            Ok(end) if end < u32::MAX => self.ends.push(end),
            _ => {
                self.far.insert(i, (begin, self.bytes.len()));
                self.ends.push(u32::MAX);
            }
        }
    }

    fn get(&self, i: usize) -> &str {
        if self.ends[i] == u32::MAX {
            let (a, b) = self.far.get(&i).copied().unwrap_or((0, 0));
            return self.bytes.get(a..b).unwrap_or("");
        }
        let base = self.starts[i / BLOCK];
        let start = match i % BLOCK {
            0 => base,
            _ => match self.ends[i - 1] {
                u32::MAX => self.far.get(&(i - 1)).map_or(base, |&(_, b)| b),
                e => base + e as usize,
            },
        };
        self.bytes
            .get(start..base + self.ends[i] as usize)
            .unwrap_or("")
    }
}

/// One episode in 24 bytes.
#[derive(Debug, Clone, Copy)]
struct Packed {
    /// Seconds after midnight of the ready, discharge and home-ready notices (`NO_SECOND`
    /// when the notice has no time of day).
    seconds: [u32; 3],
    /// Their days, as day number − [`MIN_DAY`] + 1 (0: no such notice).
    days: [u16; 3],
    code: u16,
    /// Care type (bit 0: psychiatric), admission notice sent, SIP required, SIP called,
    /// region blocked, has a patient id (bits 1–5).
    bits: u8,
    /// The first bad-data reason: 0 for none, else its position in [`NotBilledReason::ALL`]
    /// plus one.
    bad: u8,
}

const NO_SECOND: u32 = u32::MAX;

fn pack_time(t: Option<NoticeTime>) -> Option<(u16, u32)> {
    let Some(t) = t else {
        return Some((0, NO_SECOND));
    };
    let day = u16::try_from(t.day() - MIN_DAY + 1)
        .ok()
        .filter(|&d| d > 0)?;
    let second = t.time.map_or(NO_SECOND, |tm| {
        use chrono::Timelike;
        tm.num_seconds_from_midnight()
    });
    Some((day, second))
}

fn unpack_time(day: u16, second: u32) -> Option<NoticeTime> {
    if day == 0 {
        return None;
    }
    let date = checked_date_of_day(i32::from(day) + MIN_DAY - 1)?;
    Some(NoticeTime {
        date,
        time: chrono::NaiveTime::from_num_seconds_from_midnight_opt(second, 0),
    })
}

/// The rows of a data set held for payments in about 24 bytes an episode besides its ids
/// (an [`EpisodeSet`](crate::input::EpisodeSet) holds a whole [`Episode`], about 200): the
/// municipality, care type, the ready, discharge and home-ready notices, the law's
/// preconditions, the ids as text, and each episode's first bad-data reason, decided as it is
/// pushed by the checks [`invoice`](super::invoice) makes of episode values. Invoices,
/// comparisons and sweeps over a ledger are those over the same rows in an `EpisodeSet`
/// (the tests compare them), lines and not-billed counts included; an invoice's lines carry
/// the row of their episode and take its id from the ledger when they are written
/// ([`LedgerInvoice`]).
///
/// Rows are pushed as a reader read them ([`push`](Self::push)): the reader checked each
/// row's id against the earlier rows (so no pushed episode repeats an earlier id) and, at the
/// end, refused ids that look like personal identity numbers. Times of day are held to the
/// second, as every reader gives them; a notice given with a fraction of a second (an episode
/// built in code) is kept as given, apart.
///
/// ```
/// use utklar_core::payment::{Agreement, Amounts, Ledger, NotBilledReason};
/// use utklar_core::{CareType, Episode};
///
/// let mut ledger = Ledger::new();
/// let kalmar = "0880".parse()?;
/// ledger.push(Ok(Episode::new("a", kalmar, CareType::Somatic, "2024-12-02T09:30".parse()?)
///     .discharged("2024-12-10".parse()?)));
/// ledger.push(Ok(Episode::new("b", kalmar, CareType::Somatic, "2024-12-20".parse()?)));
/// let inv = ledger.invoice(&Agreement::preset("statutory")?, &Amounts::national())?;
/// assert_eq!(inv.lines().len(), 1);
/// assert_eq!(inv.episode_id(&inv.lines()[0]), Some("a"));
/// assert_eq!(inv.amount_ore(), 5 * 1_160_000);
/// assert_eq!(inv.not_billed_count(NotBilledReason::Open), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct Ledger {
    episodes: Vec<Packed>,
    ids: Texts,
    /// One entry per episode (empty without a patient id: bit 5 of `bits` says which).
    patients: Texts,
    /// The rows that could not be read, each with the number of episodes before it.
    unreadable: Vec<(usize, Unreadable)>,
    /// The notices (episode, 0 ready / 1 discharge / 2 home-ready) with a fraction of a second,
    /// as given (never from a reader, which keeps whole seconds); bit 6 of `bits` marks their
    /// episodes.
    fractions: std::collections::BTreeMap<(usize, u8), NoticeTime>,
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Ledger::default()
    }

    /// Adds the next input row (rows are numbered from 0 in the order pushed): an episode as
    /// the reader read it, or the row it could not read.
    pub fn push(&mut self, read: Result<Episode, Unreadable>) {
        let e = match read {
            Ok(e) => e,
            Err(u) => {
                self.unreadable.push((self.episodes.len(), u));
                return;
            }
        };
        let mut problems = Vec::new();
        episode_problems(
            self.episodes.len(),
            &e,
            NegativeDays::Exclude,
            &mut problems,
        );
        self.push_checked(
            &Facts::of(&e),
            &problems,
            &e.episode_id,
            e.patient_id.as_deref(),
        );
    }

    /// Adds the next input row as [`push`](Self::push) does, an episode given by the values a
    /// reader found ([`EpisodeReader::read_facts`](crate::input::EpisodeReader::read_facts),
    /// its id checked against the earlier rows') and its ids: the same as pushing
    /// `facts.into_episode(episode_id, patient_id)`, without making the episode.
    pub fn push_facts(&mut self, facts: &EpisodeFacts, episode_id: &str, patient_id: Option<&str>) {
        let mut problems = Vec::new();
        let row = self.episodes.len();
        if crate::text::is_blank(episode_id) {
            problems.push(Problem {
                row,
                field: Field::EpisodeId,
                reason: Reason::MissingField,
            });
        }
        check_row(
            row,
            &RowView::of_facts(facts),
            NegativeDays::Exclude,
            &mut problems,
        );
        let e = Facts {
            municipality: facts.municipality,
            care_type: facts.care_type,
            ready_at: facts.ready_at,
            discharged_at: facts.discharged_at,
            home_ready_at: facts.home_ready_at,
            admission_notice_sent: facts.admission_notice_sent,
            sip_required: facts.sip_required,
            sip_called: facts.sip_called,
            region_blocked: facts.region_blocked,
        };
        self.push_checked(&e, &problems, episode_id, patient_id);
    }

    /// Adds an episode with the problems the rules found in it.
    fn push_checked(
        &mut self,
        e: &Facts,
        problems: &[Problem],
        episode_id: &str,
        patient_id: Option<&str>,
    ) {
        let mut bad = problems
            .first()
            .map(|p| NotBilledReason::of_problem(p.reason));
        let packed = [
            pack_time(Some(e.ready_at)),
            pack_time(e.discharged_at),
            pack_time(e.home_ready_at),
        ];
        let mut days = [0u16; 3];
        let mut seconds = [NO_SECOND; 3];
        for (k, p) in packed.iter().enumerate() {
            match p {
                Some((d, s)) => {
                    days[k] = *d;
                    seconds[k] = *s;
                }
                // Outside the day numbers held: bad data for the rules already (a date out
                // of range), so never read.
                None => bad = bad.or(Some(NotBilledReason::InvalidDates)),
            }
        }
        let index = self.episodes.len();
        let mut fraction = false;
        for (k, t) in [Some(e.ready_at), e.discharged_at, e.home_ready_at]
            .into_iter()
            .enumerate()
        {
            if let Some(t) = t.filter(|t| {
                t.time
                    .is_some_and(|tm| chrono::Timelike::nanosecond(&tm) != 0)
            }) {
                self.fractions.insert((index, k as u8), t);
                fraction = true;
            }
        }
        let bits = u8::from(e.care_type == CareType::Psychiatric)
            | u8::from(e.admission_notice_sent) << 1
            | u8::from(e.sip_required) << 2
            | u8::from(e.sip_called) << 3
            | u8::from(e.region_blocked) << 4
            | u8::from(patient_id.is_some()) << 5
            | u8::from(fraction) << 6;
        self.episodes.push(Packed {
            seconds,
            days,
            code: e.municipality.code(),
            bits,
            // 0 is no reason; a reason is its index in `NotBilledReason::ALL`, plus one.
            bad: bad.map_or(0, |r| reason_index(r) as u8 + 1),
        });
        self.ids.push(episode_id);
        self.patients.push(patient_id.unwrap_or(""));
    }

    /// Rows pushed.
    pub fn rows_in(&self) -> u64 {
        (self.episodes.len() + self.unreadable.len()) as u64
    }

    /// Episodes held (rows that could be read).
    pub fn episodes(&self) -> usize {
        self.episodes.len()
    }

    /// The rows that could not be read, in input order.
    pub fn unreadable(&self) -> impl Iterator<Item = &Unreadable> + '_ {
        self.unreadable.iter().map(|(_, u)| u)
    }

    /// Whether rows were pushed and none could be read as an episode.
    pub fn none_usable(&self) -> bool {
        self.episodes.is_empty() && !self.unreadable.is_empty()
    }

    /// The input row of episode `index`: its position plus the unreadable rows before it.
    pub fn row_of(&self, index: usize) -> usize {
        index
            + self
                .unreadable
                .partition_point(|(before, _)| *before <= index)
    }

    /// The invoice under `agreement`: exactly [`EpisodeSet::invoice`](crate::input::EpisodeSet::invoice)
    /// over the same rows, its not-billed episodes counted by reason.
    pub fn invoice(
        &self,
        agreement: &Agreement,
        amounts: &Amounts,
    ) -> Result<LedgerInvoice<'_>, Error> {
        let mut counts = [0u64; 11];
        let parts = invoice_of(self, agreement, amounts, &mut |_, reason| {
            counts[reason_index(reason)] += 1;
        })?;
        for (_, u) in &self.unreadable {
            let reason = u.problems.first().map_or(NotBilledReason::InvalidRow, |p| {
                NotBilledReason::of_problem(p.reason)
            });
            counts[reason_index(reason)] += 1;
        }
        Ok(LedgerInvoice {
            ledger: self,
            agreement: parts.agreement,
            lines: parts.lines,
            totals: parts.totals,
            counts,
            episodes_in: parts.episodes_in + self.unreadable.len() as u64,
        })
    }

    /// Several agreements side by side: the rows of
    /// [`EpisodeSet::compare`](crate::input::EpisodeSet::compare) over the same rows, with each
    /// agreement's invoice, each made on a thread of its own (they only read the ledger).
    pub fn compare<N: AsRef<str> + Sync>(
        &self,
        agreements: &[(N, Agreement)],
        amounts: &Amounts,
    ) -> Result<(Vec<ComparisonRow>, Vec<LedgerInvoice<'_>>), Error> {
        let invoices = std::thread::scope(|scope| {
            let handles: Vec<_> = agreements
                .iter()
                .map(|(_, a)| scope.spawn(move || self.invoice(a, amounts)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect::<Result<Vec<_>, _>>()
        })?;
        let only: Vec<&Agreement> = agreements.iter().map(|(_, a)| a).collect();
        let totals: Vec<&[Total]> = invoices.iter().map(|i| i.totals.as_slice()).collect();
        Ok((comparison_rows(&only, &totals)?, invoices))
    }

    /// A sweep of thresholds × grace days: [`EpisodeSet::sweep`](crate::input::EpisodeSet::sweep)
    /// over the same rows.
    pub fn sweep(
        &self,
        agreement: &Agreement,
        amounts: &Amounts,
        thresholds: &[f64],
        grace_days: &[u32],
    ) -> Result<Sweep, Error> {
        sweep_of(self, agreement, amounts, thresholds, grace_days)
    }
}

fn reason_index(r: NotBilledReason) -> usize {
    NotBilledReason::ALL
        .iter()
        .position(|&x| x == r)
        .unwrap_or(0)
}

impl Source for Ledger {
    fn len(&self) -> usize {
        self.episodes.len()
    }

    fn facts(&self, i: usize) -> Facts {
        let p = &self.episodes[i];
        let ready = unpack_time(p.days[0], p.seconds[0]);
        let mut facts = Facts {
            municipality: Municipality::from_code(p.code)
                .unwrap_or_else(|_| Municipality::all().next().expect("municipalities")),
            care_type: if p.bits & 1 != 0 {
                CareType::Psychiatric
            } else {
                CareType::Somatic
            },
            // Every episode has a ready notice; an unpacked one is bad data, never read.
            ready_at: ready.unwrap_or_else(|| NoticeTime::from_day_seconds(MIN_DAY, -1)),
            discharged_at: unpack_time(p.days[1], p.seconds[1]),
            home_ready_at: unpack_time(p.days[2], p.seconds[2]),
            admission_notice_sent: p.bits & 2 != 0,
            sip_required: p.bits & 4 != 0,
            sip_called: p.bits & 8 != 0,
            region_blocked: p.bits & 16 != 0,
        };
        if p.bits & 64 != 0 {
            let exact = |k: u8| self.fractions.get(&(i, k)).copied();
            facts.ready_at = exact(0).unwrap_or(facts.ready_at);
            facts.discharged_at = exact(1).or(facts.discharged_at);
            facts.home_ready_at = exact(2).or(facts.home_ready_at);
        }
        facts
    }

    fn episode_id(&self, i: usize) -> &str {
        self.ids.get(i)
    }

    fn patient_id(&self, i: usize) -> Option<&str> {
        (self.episodes[i].bits & 32 != 0).then(|| self.patients.get(i))
    }

    fn bad(&self, i: usize) -> Option<NotBilledReason> {
        match self.episodes[i].bad {
            0 => None,
            b => NotBilledReason::ALL.get(usize::from(b) - 1).copied(),
        }
    }
}

/// The invoice of a [`Ledger`]: the lines, the totals and the not-billed episodes counted by
/// reason. Its JSON ([`Serialize`]) is an [`Invoice`](super::Invoice)'s, byte for byte.
#[derive(Debug)]
pub struct LedgerInvoice<'a> {
    ledger: &'a Ledger,
    /// The agreement's name.
    pub agreement: String,
    lines: Vec<LedgerLine>,
    /// The totals per municipality, care type and period, in that order.
    pub totals: Vec<Total>,
    counts: [u64; 11],
    /// Rows in.
    pub episodes_in: u64,
}

impl LedgerInvoice<'_> {
    /// The lines, by municipality, care type, period and input order (positions in the
    /// ledger's episodes; [`LedgerInvoice::line`] gives each as an invoice line).
    pub fn lines(&self) -> &[LedgerLine] {
        &self.lines
    }

    /// A line with its episode's id and input row, as an [`Invoice`](super::Invoice) holds it.
    pub fn line(&self, l: &LedgerLine) -> super::Line {
        let mut line = l.with_id(self.ledger);
        line.index = l.index.map(|i| self.ledger.row_of(i));
        line
    }

    /// The id of a line's episode (`None` for a municipality-period line).
    pub fn episode_id(&self, l: &LedgerLine) -> Option<&str> {
        l.index.map(|i| self.ledger.episode_id(i))
    }

    /// The total amount in öre (exact: the invoice refused one out of range).
    pub fn amount_ore(&self) -> i64 {
        let sum: i128 = self.lines.iter().map(|l| i128::from(l.amount_ore)).sum();
        i64::try_from(sum).unwrap_or(if sum < 0 { i64::MIN } else { i64::MAX })
    }

    /// Total billed days.
    pub fn billed_days(&self) -> f64 {
        self.lines.iter().map(|l| l.billed_days).sum()
    }

    /// Episodes covered by a line (as [`Invoice::billed_episodes`](super::Invoice::billed_episodes)).
    pub fn billed_episodes(&self) -> u64 {
        self.lines.iter().map(|l| l.episodes).sum()
    }

    /// The not-billed count per reason, every reason present, in [`NotBilledReason::ALL`]
    /// order.
    pub fn not_billed_counts(&self) -> Vec<(NotBilledReason, u64)> {
        NotBilledReason::ALL
            .iter()
            .zip(self.counts)
            .map(|(&r, n)| (r, n))
            .collect()
    }

    /// The not-billed count of one reason.
    pub fn not_billed_count(&self, reason: NotBilledReason) -> u64 {
        self.counts[reason_index(reason)]
    }
}

struct Lines<'a, 'b>(&'b LedgerInvoice<'a>);

impl Serialize for Lines<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.lines.len()))?;
        for l in &self.0.lines {
            seq.serialize_element(&self.0.line(l))?;
        }
        seq.end()
    }
}

struct Counts<'a, 'b>(&'b LedgerInvoice<'a>);

impl Serialize for Counts<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let counts = self.0.not_billed_counts();
        let mut m = s.serialize_map(Some(counts.len()))?;
        for (r, n) in counts {
            m.serialize_entry(r.as_str(), &n)?;
        }
        m.end()
    }
}

impl Serialize for LedgerInvoice<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Invoice", 4)?;
        st.serialize_field("lines", &Lines(self))?;
        st.serialize_field("totals", &self.totals)?;
        st.serialize_field("not_billed", &Counts(self))?;
        st.serialize_field("episodes_in", &self.episodes_in)?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::EpisodeSet;
    use crate::payment::preset_names;
    use crate::problem::{Field, Problem, Reason};
    use crate::synth::{generate, SynthOptions};

    /// The same rows in an `EpisodeSet` and a `Ledger`: synthetic episodes (some open, some
    /// with negative days, a few with home-ready notices and no patient id), unreadable rows
    /// between them.
    fn both() -> (EpisodeSet, Ledger) {
        let mut episodes = generate(&SynthOptions {
            episodes: 4_000,
            year: 2024,
            months: 14,
            ..SynthOptions::default()
        });
        for (i, e) in episodes.iter_mut().enumerate() {
            if i % 7 == 0 {
                e.home_ready_at = Some(e.ready_at);
            }
            if i % 11 == 0 {
                e.patient_id = None;
            }
            if i % 13 == 0 {
                e.admission_notice_sent = false;
            }
        }
        let mut set = EpisodeSet::new();
        let mut ledger = Ledger::new();
        let mut row = 0;
        for (i, e) in episodes.into_iter().enumerate() {
            if i % 500 == 3 {
                let u = Unreadable {
                    row,
                    episode_id: Some(format!("bad{i}")),
                    problems: vec![Problem {
                        row,
                        field: Field::Municipality,
                        reason: Reason::UnknownMunicipality,
                    }],
                };
                set.push_read(row, Err(u.clone()));
                ledger.push(Err(u));
                row += 1;
            }
            set.push_read(row, Ok(e.clone()));
            ledger.push(Ok(e));
            row += 1;
        }
        (set, ledger)
    }

    #[test]
    fn invoices_compare_and_sweep_as_the_episode_set() {
        let (set, ledger) = both();
        assert_eq!(ledger.rows_in(), set.rows_in());
        let amounts = Amounts::national()
            .with(2023, 1_050_000)
            .and_then(|a| a.with(2025, 1_090_000))
            .unwrap();
        let mut all = Vec::new();
        let mut billing = 0;
        for name in preset_names() {
            let a = Agreement::preset(name).unwrap();
            let want = set.invoice(&a, &amounts).unwrap();
            let got = ledger.invoice(&a, &amounts).unwrap();
            assert_eq!(
                serde_json::to_string(&got).unwrap(),
                serde_json::to_string(&want).unwrap(),
                "{name}"
            );
            let lines: Vec<_> = got.lines().iter().map(|l| got.line(l)).collect();
            assert_eq!(lines, want.lines, "{name}");
            assert_eq!(got.not_billed_counts(), want.not_billed_counts(), "{name}");
            assert_eq!(got.amount_ore(), want.amount_ore(), "{name}");
            assert_eq!(got.billed_episodes(), want.billed_episodes(), "{name}");
            billing += usize::from(!want.lines.is_empty());
            let swept = ledger.sweep(&a, &amounts, &[0.5, 2.0], &[0, 3]);
            let want_sweep = set.sweep(&a, &amounts, &[0.5, 2.0], &[0, 3]);
            assert_eq!(swept.ok(), want_sweep.ok(), "{name}");
            all.push((name.to_string(), a));
        }
        // Lines to compare under most presets.
        assert!(billing >= 3, "{billing}");
        let (rows, invoices) = ledger.compare(&all, &amounts).unwrap();
        let want = set.compare(&all, &amounts).unwrap();
        assert_eq!(rows, want.rows);
        for (got, want) in invoices.iter().zip(&want.invoices) {
            assert_eq!(got.amount_ore(), want.amount_ore());
            assert_eq!(got.billed_days(), want.billed_days());
        }
    }

    #[test]
    fn persons_are_counted_as_the_episode_set_counts_them() {
        let (set, ledger) = both();
        let mut a = Agreement::preset("kalmar").unwrap();
        for care in [&mut a.somatic, &mut a.psychiatric] {
            if let Some(avg) = care.average.as_mut() {
                avg.unit = crate::payment::Unit::Persons;
            }
        }
        let amounts = Amounts::national()
            .with(2023, 1_050_000)
            .and_then(|a| a.with(2025, 1_090_000))
            .unwrap();
        let want = set.invoice(&a, &amounts).unwrap();
        let got = ledger.invoice(&a, &amounts).unwrap();
        assert_eq!(
            serde_json::to_string(&got).unwrap(),
            serde_json::to_string(&want).unwrap()
        );
    }

    #[test]
    fn facts_push_as_their_episode() {
        let (set, _) = both();
        let mut by_episode = Ledger::new();
        let mut by_facts = Ledger::new();
        let mut raw_problems = Vec::new();
        for e in set.episodes() {
            let mut row = crate::input::Row::default();
            let text = |t: Option<NoticeTime>| t.map(|t| t.to_string());
            let (ready, discharged, home) = (
                e.ready_at.to_string(),
                text(e.discharged_at),
                text(e.home_ready_at),
            );
            let admitted = text(e.admitted_at);
            let code = e.municipality.to_string();
            row.set(Field::EpisodeId, e.episode_id.as_str());
            row.set(Field::PatientId, e.patient_id.as_deref());
            row.set(Field::Municipality, code.as_str());
            row.set(Field::CareType, e.care_type.as_str());
            row.set(Field::ReadyAt, ready.as_str());
            row.set(Field::DischargedAt, discharged.as_deref());
            row.set(Field::HomeReadyAt, home.as_deref());
            row.set(Field::AdmittedAt, admitted.as_deref());
            row.set(Field::AdmissionNoticeSent, e.admission_notice_sent);
            row.set(Field::SipRequired, e.sip_required);
            row.set(Field::SipCalled, e.sip_called);
            row.set(Field::RegionBlocked, e.region_blocked);
            raw_problems.clear();
            let (_, facts) = crate::input::EpisodeReader::read_facts(0, &row, &mut raw_problems);
            let facts = facts.expect("a read episode reads again");
            by_facts.push_facts(&facts, &e.episode_id, e.patient_id.as_deref());
            by_episode.push(Ok(
                facts.into_episode(e.episode_id.clone(), e.patient_id.clone())
            ));
        }
        let amounts = Amounts::national()
            .with(2023, 1_050_000)
            .and_then(|a| a.with(2025, 1_090_000))
            .unwrap();
        for name in preset_names() {
            let a = Agreement::preset(name).unwrap();
            assert_eq!(
                serde_json::to_string(&by_facts.invoice(&a, &amounts).unwrap()).unwrap(),
                serde_json::to_string(&by_episode.invoice(&a, &amounts).unwrap()).unwrap(),
                "{name}"
            );
        }
    }

    #[test]
    fn texts_read_back_across_blocks() {
        let mut t = Texts::default();
        let texts: Vec<String> = (0..5_000)
            .map(|i| "é".repeat(i % 7) + &i.to_string())
            .collect();
        for s in &texts {
            t.push(s);
        }
        for (i, s) in texts.iter().enumerate() {
            assert_eq!(t.get(i), s);
        }
    }

    #[test]
    fn a_fraction_of_a_second_is_kept() {
        let kalmar = "0880".parse().unwrap();
        let e = Episode::new(
            "f",
            kalmar,
            CareType::Somatic,
            "2024-12-02T12:00:00.5".parse().unwrap(),
        )
        .discharged("2024-12-10".parse().unwrap());
        let mut ledger = Ledger::new();
        ledger.push(Ok(e.clone()));
        let a = Agreement::preset("statutory").unwrap();
        let want = crate::payment::invoice(&[e], &a, &Amounts::national()).unwrap();
        let got = ledger.invoice(&a, &Amounts::national()).unwrap();
        // After noon by half a second: one grace day more, as the episode value has it.
        assert_eq!(got.amount_ore(), want.amount_ore());
        assert_eq!(got.billed_days(), 4.0);
    }

    #[test]
    fn an_episode_is_24_bytes() {
        assert_eq!(std::mem::size_of::<Packed>(), 24);
    }
}
