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
//! ([`IdOrder::begin`], then [`Follow::next`] for each id in row order).

use super::value::IdText;

/// Whether `a` comes strictly before `b`: the shorter first, ids of one length by their bytes.
#[inline]
pub(crate) fn before(a: &[u8], b: &[u8]) -> bool {
    a.len() < b.len() || (a.len() == b.len() && a < b)
}

/// The order of the ids of consecutive rows, as far as they were followed: whether each came
/// strictly after the one before ([`before`]), how many there were, the first and the last.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct IdOrder {
    /// Two ids came out of order, or the ids could not be followed.
    out_of_order: bool,
    /// Ids followed.
    count: usize,
    first: Vec<u8>,
    last: Vec<u8>,
}

impl IdOrder {
    /// Forgets every id followed.
    pub(crate) fn clear(&mut self) {
        self.out_of_order = false;
        self.count = 0;
        self.first.clear();
        self.last.clear();
    }

    /// Gives up following: the ids are then taken to be in no order.
    pub(crate) fn give_up(&mut self) {
        self.out_of_order = true;
    }

    /// Ids followed.
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// Whether every id followed came strictly after the one before.
    pub(crate) fn ascending(&self) -> bool {
        !self.out_of_order
    }

    /// The first and the last id followed, when there was one.
    pub(crate) fn ends(&self) -> Option<(&[u8], &[u8])> {
        (self.count > 0).then_some((&self.first[..], &self.last[..]))
    }

    /// Follows more ids, after those followed already: give them to the [`Follow`] in row
    /// order.
    pub(crate) fn begin<'v>(&mut self) -> Follow<'_, 'v> {
        Follow {
            order: self,
            prev: None,
            count: 0,
            out_of_order: false,
        }
    }
}

/// Ids given in row order to an [`IdOrder`] (see [`IdOrder::begin`]); the order takes them in
/// when this is dropped. In a column's loop: it keeps the last id as the cell gave it, and
/// copies it once, at the end.
pub(crate) struct Follow<'o, 'v> {
    order: &'o mut IdOrder,
    prev: Option<IdText<'v>>,
    count: usize,
    out_of_order: bool,
}

impl<'v> Follow<'_, 'v> {
    /// The next id.
    #[inline]
    pub(crate) fn next(&mut self, id: IdText<'v>) {
        match &self.prev {
            Some(p) => {
                self.out_of_order |= !before(p.as_str().as_bytes(), id.as_str().as_bytes());
            }
            None => self.open(id),
        }
        self.prev = Some(id);
        self.count += 1;
    }

    /// The first id given here: after the order's last, or its first.
    #[cold]
    fn open(&mut self, id: IdText<'v>) {
        let id = id.as_str().as_bytes();
        if self.order.count == 0 {
            self.order.first.extend_from_slice(id);
        } else {
            self.out_of_order |= !before(&self.order.last, id);
        }
    }
}

impl Drop for Follow<'_, '_> {
    fn drop(&mut self) {
        if let Some(p) = &self.prev {
            self.order.last.clear();
            self.order.last.extend_from_slice(p.as_str().as_bytes());
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
            f.next(id(Value::Text(s)).unwrap());
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
