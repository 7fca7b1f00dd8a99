//! Ids met in ascending order: a proof, without a table, that none of them repeats.
//!
//! Exports are often sorted by their episode id. Ids that come in strictly ascending order —
//! shorter before longer, ids of one length by their bytes (so `9` comes before `10`, and
//! zero-padded ids by their digits) — are all different, which a comparison with the id
//! before shows in a few nanoseconds a row, where looking each id up in a table of millions
//! waits for memory. The duplicate detector ([`EpisodeReader`](super::EpisodeReader)) holds
//! the hashes of such ids apart, in row order, and puts them in its table only when an id
//! comes out of order (or is checked on its own): the rows it names are the same either
//! way, and so are the ids it remembers.
//!
//! An [`IdOrder`] follows the ids of a slice or a run of rows as a reader reads them
//! ([`IdOrder::begin`], then [`Follow::next`] for each id in row order), and
//! [`EpisodeReader::check_in_order`](super::EpisodeReader::check_in_order) takes them at once
//! when they follow every id it met.
//!
//! ```
//! use utklar_core::input::{value, EpisodeReader, IdHash, IdOrder, Value};
//!
//! let mut reader = EpisodeReader::new();
//! let mut order = IdOrder::default();
//! let ids = ["E0001", "E0002", "E0010"];
//! {
//!     let mut follow = order.begin();
//!     for id in ids {
//!         follow.next(&value::id(Value::Text(id)).unwrap());
//!     }
//! }
//! assert!(order.ascending());
//! assert!(reader.check_in_order(&order, ids.iter().map(|id| IdHash::of(id))));
//! // Not after "E0010": checked one at a time, and found a repeat.
//! order.clear();
//! order.begin().next(&value::id(Value::Text("E0002")).unwrap());
//! assert!(!reader.check_in_order(&order, [IdHash::of("E0002")]));
//! let mut problems = Vec::new();
//! assert!(reader.check_duplicate(3, IdHash::of("E0002"), &mut problems));
//! ```

use super::value::IdText;
use crate::text::bytes_at;

/// Whether `a` comes strictly before `b`: the shorter first, ids of one length by their bytes.
///
/// Ids of one length up to 16 bytes (nearly all) are compared as two big-endian words read
/// from their two ends, which overlap: where the first words are equal, so are the bytes the
/// second shares with them, and the second words order the rest. No call to `memcmp`, which
/// took more time than the rest of a row's id step.
#[inline]
pub(crate) fn before(a: &[u8], b: &[u8]) -> bool {
    #[inline]
    fn word8(b: &[u8], at: usize) -> u64 {
        u64::from_be_bytes(bytes_at(b, at))
    }
    #[inline]
    fn word4(b: &[u8], at: usize) -> u64 {
        u64::from(u32::from_be_bytes(bytes_at(b, at)))
    }
    let n = a.len();
    if n != b.len() {
        return n < b.len();
    }
    match n {
        4..=8 => (word4(a, 0) << 32 | word4(a, n - 4)) < (word4(b, 0) << 32 | word4(b, n - 4)),
        9..=16 => (word8(a, 0), word8(a, n - 8)) < (word8(b, 0), word8(b, n - 8)),
        _ => a < b,
    }
}

/// The order of the ids of consecutive rows, as far as they were followed: whether each came
/// strictly after the one before (shorter first, ids of one length by their bytes), how many
/// there were, the first and the last.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdOrder {
    /// Two ids came out of order, or the ids could not be followed.
    out_of_order: bool,
    /// Ids followed.
    count: usize,
    first: Vec<u8>,
    last: Vec<u8>,
}

impl IdOrder {
    /// Forgets every id followed.
    pub fn clear(&mut self) {
        self.out_of_order = false;
        self.count = 0;
        self.first.clear();
        self.last.clear();
    }

    /// Gives up following: the ids are then taken to be in no order.
    pub fn give_up(&mut self) {
        self.out_of_order = true;
    }

    /// Ids followed.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Whether every id followed came strictly after the one before.
    pub fn ascending(&self) -> bool {
        !self.out_of_order
    }

    /// The first and the last id followed, when there was one.
    pub(crate) fn ends(&self) -> Option<(&[u8], &[u8])> {
        (self.count > 0).then_some((&self.first[..], &self.last[..]))
    }

    /// Follows more ids, after those followed already: give them to the [`Follow`] in row
    /// order.
    pub fn begin<'v>(&mut self) -> Follow<'_, 'v> {
        Follow {
            order: self,
            prev: Prev::None,
            written: Vec::new(),
            count: 0,
            out_of_order: false,
        }
    }
}

/// Ids given in row order to an [`IdOrder`] (see [`IdOrder::begin`]); the order takes them in
/// when this is dropped. In a column's loop: it keeps the last id as the text cell gave it
/// (an id written out for a number, in a buffer of its own), and copies it once, at the end.
pub struct Follow<'o, 'v> {
    order: &'o mut IdOrder,
    prev: Prev<'v>,
    /// The last id, when it was written out.
    written: Vec<u8>,
    count: usize,
    out_of_order: bool,
}

/// The id before, for [`Follow`].
#[derive(Clone, Copy)]
enum Prev<'v> {
    /// None yet: the one before is the order's last, if any.
    None,
    Cell(&'v [u8]),
    /// In [`Follow::written`].
    Written,
}

impl<'v> Follow<'_, 'v> {
    /// The next id.
    #[inline]
    pub fn next(&mut self, id: &IdText<'v>) {
        match id.borrowed() {
            Some(s) => {
                let s = s.as_bytes();
                self.after(s);
                self.prev = Prev::Cell(s);
            }
            None => self.next_written(id.as_str().as_bytes()),
        }
        self.count += 1;
    }

    /// Notes whether `id` comes after the id before.
    #[inline]
    fn after(&mut self, id: &[u8]) {
        match self.prev {
            Prev::Cell(p) => self.out_of_order |= !before(p, id),
            Prev::Written => self.out_of_order |= !before(&self.written, id),
            Prev::None => self.open(id),
        }
    }

    /// [`next`](Self::next) of an id written out for a number.
    #[cold]
    fn next_written(&mut self, id: &[u8]) {
        self.after(id);
        self.written.clear();
        self.written.extend_from_slice(id);
        self.prev = Prev::Written;
    }

    /// The first id given here: after the order's last, or its first.
    #[cold]
    fn open(&mut self, id: &[u8]) {
        if self.order.count == 0 {
            self.order.first.extend_from_slice(id);
        } else {
            self.out_of_order |= !before(&self.order.last, id);
        }
    }
}

impl Drop for Follow<'_, '_> {
    fn drop(&mut self) {
        let last = match self.prev {
            Prev::None => None,
            Prev::Cell(p) => Some(p),
            Prev::Written => Some(&self.written[..]),
        };
        if let Some(last) = last {
            self.order.last.clear();
            self.order.last.extend_from_slice(last);
        }
        self.order.count += self.count;
        self.order.out_of_order |= self.out_of_order;
    }
}

/// Whether orders, one after the other and after `last` (the last id of those before them,
/// when there was one), are ascending as one: each ascending, and each one's first id after
/// the last id before it.
pub(crate) fn chains<'a>(
    mut last: Option<&'a [u8]>,
    orders: impl IntoIterator<Item = &'a IdOrder>,
) -> bool {
    for o in orders {
        if !o.ascending() {
            return false;
        }
        if let Some((first, end)) = o.ends() {
            if last.is_some_and(|l| !before(l, first)) {
                return false;
            }
            last = Some(end);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::{before, chains, IdOrder};
    use crate::input::value::{id, Value};

    fn follow(order: &mut IdOrder, ids: &[&str]) {
        let mut f = order.begin();
        for s in ids {
            f.next(&id(Value::Text(s)).unwrap());
        }
    }

    proptest::proptest! {
        /// The words read from the two ends order ids as their bytes do.
        #[test]
        fn words_order_ids_as_their_bytes(
            a in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..20),
            b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..20),
            same in 0usize..20,
        ) {
            // Often of one length and alike up to a point.
            let mut b2 = a.clone();
            for (x, y) in b2.iter_mut().skip(same).zip(&b) {
                *x = *y;
            }
            for (a, b) in [(&a, &b), (&a, &b2), (&b2, &a)] {
                let want = a.len() < b.len() || (a.len() == b.len() && a < b);
                proptest::prop_assert_eq!(before(a, b), want, "{:?} {:?}", a, b);
            }
        }
    }

    #[test]
    fn shorter_first_then_by_bytes() {
        assert!(before(b"9", b"10"));
        assert!(before(b"E0001", b"E0002"));
        assert!(!before(b"E0002", b"E0002"));
        assert!(!before(b"10", b"9"));
        assert!(before(b"", b"a"));
        // A strict order: never both ways.
        for (a, b) in [("a", "b"), ("ab", "b"), ("b", "ab"), ("x", "x")] {
            assert!(!(before(a.as_bytes(), b.as_bytes()) && before(b.as_bytes(), a.as_bytes())));
        }
    }

    #[test]
    fn follows_across_calls() {
        let mut o = IdOrder::default();
        follow(&mut o, &["1", "2", " 3 "]);
        follow(&mut o, &[]);
        follow(&mut o, &["9", "10"]);
        assert!(o.ascending());
        assert_eq!(o.count(), 5);
        assert_eq!(o.ends(), Some((&b"1"[..], &b"10"[..])));
        // Not after the last of the call before.
        follow(&mut o, &["10"]);
        assert!(!o.ascending());
        // Ids written out for numbers, among ids of text cells.
        let mut o = IdOrder::default();
        {
            let mut f = o.begin();
            for v in [
                Value::Int(8),
                Value::Text("9"),
                Value::Int(10),
                Value::Float(11.0),
            ] {
                f.next(&id(v).unwrap());
            }
        }
        follow(&mut o, &["12"]);
        assert!(o.ascending());
        assert_eq!(o.ends(), Some((&b"8"[..], &b"12"[..])));
        {
            let mut f = o.begin();
            f.next(&id(Value::Int(13)).unwrap());
            f.next(&id(Value::Int(13)).unwrap());
        }
        assert!(!o.ascending());
        let mut o = IdOrder::default();
        follow(&mut o, &["a", "c", "b"]);
        assert!(!o.ascending());
        o.clear();
        assert!(o.ascending() && o.ends().is_none());
    }

    #[test]
    fn orders_chain_when_each_follows_the_last() {
        let (mut a, mut b, empty) = (IdOrder::default(), IdOrder::default(), IdOrder::default());
        follow(&mut a, &["a1", "a2"]);
        follow(&mut b, &["a3"]);
        assert!(chains(None, [&a, &empty, &b]));
        assert!(chains(Some(b"a0"), [&a, &b]));
        assert!(!chains(Some(b"a1"), [&a, &b]));
        assert!(!chains(None, [&b, &a]));
        let mut spoiled = IdOrder::default();
        spoiled.give_up();
        assert!(!chains(None, [&spoiled]));
    }
}
