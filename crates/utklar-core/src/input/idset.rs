//! The set of episode-id hashes behind the duplicate check of
//! [`EpisodeReader`](crate::input::EpisodeReader).
//!
//! The hashes are split by their top [`SHARD_BITS`] bits into [`SHARDS`] shards, each an
//! open-addressing table with linear probing over one `Vec<u64>` (8 bytes a slot, at most
//! three quarters full): a lookup touches one cache line, where a general hash set touches two
//! (its control bytes and its slots). Inserting hashes one at a time works as with one table;
//! the shards let a batch of ids be checked shard by shard ([`IdSet::shards_mut`]), each
//! shard's table small enough to stay in the cache while its hashes go in, and shards on
//! different threads. A hash's home slot in its shard is its next bits, so when a table
//! doubles, reading the old one in order writes the new one almost in order too. The hash 0
//! marks an empty slot, so it is remembered apart.

/// Bits of a hash that choose its shard.
pub(crate) const SHARD_BITS: u32 = 8;

/// Shards of an [`IdSet`].
pub(crate) const SHARDS: usize = 1 << SHARD_BITS;

/// Slots of a shard's first table (2⁴).
const MIN_BITS: u32 = 4;

/// The shard of hash `h`.
#[inline]
pub(crate) fn shard_of(h: u64) -> usize {
    (h >> (64 - SHARD_BITS)) as usize
}

/// Room enough in one shard for its share of `n` uniform hashes: the mean, and a few
/// standard deviations (√mean) for the spread.
pub(crate) fn shard_share(n: usize) -> usize {
    let mean = n / SHARDS;
    // Rounding does not matter: the room grows when it is short.
    let spread = (mean as f64).sqrt() as usize;
    mean + 4 * spread + 4
}

/// A set of 64-bit hashes.
#[derive(Debug, Default)]
pub(crate) struct IdSet {
    /// [`SHARDS`] tables once anything was inserted or reserved, else none.
    shards: Vec<Shard>,
}

/// The hashes of one shard.
#[derive(Debug, Default)]
pub(crate) struct Shard {
    /// `0` is an empty slot; the length is zero or a power of two.
    slots: Vec<u64>,
    /// Hashes held in `slots`.
    len: usize,
    /// Whether the hash 0 was inserted (only ever in shard 0).
    zero: bool,
    /// `64 − log2(slots.len())`: a hash's home slot is `(hash << SHARD_BITS) >> shift`.
    shift: u32,
}

impl IdSet {
    /// Inserts `h`; `false` when it was there already.
    #[inline]
    pub(crate) fn insert(&mut self, h: u64) -> bool {
        if self.shards.is_empty() {
            self.shards.resize_with(SHARDS, Shard::default);
        }
        self.shards[shard_of(h)].insert(h)
    }

    /// Makes room for `additional` more hashes at once, so that inserting them does not grow
    /// the tables step by step.
    pub(crate) fn reserve(&mut self, additional: usize) {
        if self.shards.is_empty() {
            self.shards.resize_with(SHARDS, Shard::default);
        }
        let share = shard_share(additional);
        for s in &mut self.shards {
            s.reserve(share);
        }
    }

    /// The content of `h`'s home slot: reading it brings the slot into the cache, so a later
    /// [`insert`](Self::insert) of `h` does not wait for memory.
    #[inline]
    pub(crate) fn touch(&self, h: u64) -> u64 {
        match self.shards.get(shard_of(h)) {
            Some(s) if !s.slots.is_empty() => s.slots[s.home(h)],
            _ => 0,
        }
    }

    /// Inserts hashes of ids known to be all different and not in the set (two that are equal
    /// are two ids that share a hash: one is kept), shard by shard, each shard's table in the
    /// cache while its hashes go in.
    pub(crate) fn insert_distinct(&mut self, hashes: &[u64]) {
        if hashes.is_empty() {
            return;
        }
        self.reserve(hashes.len());
        // Counting sort by shard: where each shard's hashes start, then the hashes in place.
        let mut start = vec![0usize; SHARDS + 1];
        for &h in hashes {
            start[shard_of(h) + 1] += 1;
        }
        for s in 0..SHARDS {
            start[s + 1] += start[s];
        }
        let mut at = start.clone();
        let mut sorted = vec![0u64; hashes.len()];
        for &h in hashes {
            let s = shard_of(h);
            sorted[at[s]] = h;
            at[s] += 1;
        }
        for (s, shard) in self.shards.iter_mut().enumerate() {
            shard.warm();
            for &h in &sorted[start[s]..start[s + 1]] {
                shard.insert(h);
            }
        }
    }

    /// The [`SHARDS`] shards, shard `s` holding the hashes `h` with [`shard_of(h)`](shard_of)
    /// `== s`: [`Shard::insert`] on them is [`insert`](Self::insert).
    pub(crate) fn shards_mut(&mut self) -> &mut [Shard] {
        if self.shards.is_empty() {
            self.shards.resize_with(SHARDS, Shard::default);
        }
        &mut self.shards
    }
}

impl Shard {
    /// The home slot of `h` (the table is not empty).
    #[inline]
    fn home(&self, h: u64) -> usize {
        ((h << SHARD_BITS) >> self.shift) as usize
    }

    /// Reads the whole table in order, when it is small enough to stay in the cache: the
    /// inserts that follow then find their slots there, where each would otherwise wait for
    /// memory the first time it meets a cache line (a table is read in order many times
    /// faster than at random).
    pub(crate) fn warm(&self) {
        const CACHED: usize = (1 << 20) / 8;
        if self.slots.len() <= CACHED {
            std::hint::black_box(self.slots.iter().fold(0, |a, &s| a | s));
        }
    }

    /// Inserts `h`, a hash of this shard; `false` when it was there already.
    #[inline]
    pub(crate) fn insert(&mut self, h: u64) -> bool {
        if h == 0 {
            return !std::mem::replace(&mut self.zero, true);
        }
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let inserted = self.place(h);
        self.len += usize::from(inserted);
        inserted
    }

    /// Puts `h` (not 0) in its slot unless it is there; the table has a free slot.
    #[inline]
    fn place(&mut self, h: u64) -> bool {
        let mask = self.slots.len() - 1;
        let mut i = self.home(h);
        loop {
            let s = self.slots[i];
            if s == 0 {
                self.slots[i] = h;
                return true;
            }
            if s == h {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    /// Makes room for `additional` more hashes.
    fn reserve(&mut self, additional: usize) {
        let need = self.len.saturating_add(additional).saturating_add(1);
        let mut bits = if self.slots.is_empty() {
            MIN_BITS
        } else {
            64 - self.shift
        };
        while bits < 52 && need.saturating_mul(4) > (1usize << bits) * 3 {
            bits += 1;
        }
        if self.slots.is_empty() || bits > 64 - self.shift {
            self.rebuild(bits);
        }
    }

    /// Doubles the table (or makes the first one).
    fn grow(&mut self) {
        let bits = if self.slots.is_empty() {
            MIN_BITS
        } else {
            64 - self.shift + 1
        };
        self.rebuild(bits);
    }

    /// Moves the hashes into a table of 2^`bits` slots.
    fn rebuild(&mut self, bits: u32) {
        let old = std::mem::replace(&mut self.slots, vec![0; 1 << bits]);
        self.shift = 64 - bits;
        for h in old {
            if h != 0 {
                self.place(h);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{shard_of, IdSet, SHARDS, SHARD_BITS};
    use std::collections::HashSet;

    impl IdSet {
        /// Hashes held, 0 included.
        fn count(&self) -> usize {
            self.shards
                .iter()
                .map(|s| s.len + usize::from(s.zero))
                .sum()
        }

        /// Slots of all tables.
        fn slots(&self) -> usize {
            self.shards.iter().map(|s| s.slots.len()).sum()
        }
    }

    #[test]
    fn agrees_with_a_hash_set_through_growth() {
        let mut set = IdSet::default();
        let mut reference = HashSet::new();
        // A cheap generator with repeats: most values appear about twice; 0, values in one
        // shard, and values that share their home slot at a shard's end (their run wraps
        // around) are among them.
        let mut x = 0x9E37_79B9_7F4A_7C15_u64;
        for i in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let h = match i % 7 {
                0 => 0,
                1 => u64::MAX - x % 64,
                2 => (7 << (64 - SHARD_BITS)) | (x % 5_000),
                _ => (x % 150_000).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            };
            assert_eq!(set.insert(h), reference.insert(h), "row {i}, hash {h:#x}");
            assert_eq!(set.count(), reference.len());
        }
        for s in &set.shards {
            assert!(s.len * 4 <= s.slots.len() * 3);
        }
        assert!(set.shards[7].slots.len() >= 1 << 13);
        // Reserving room keeps every hash and makes room at once.
        let slots = set.slots();
        set.reserve(3 * slots);
        assert!(set.slots() >= 3 * slots);
        let grown = set.slots();
        for h in reference.iter().copied() {
            assert!(!set.insert(h));
        }
        for h in 1..=(2 * slots as u64) {
            let h = h.wrapping_mul(0xD6E8_FEB8_6659_FD93);
            assert_eq!(set.insert(h), reference.insert(h));
        }
        assert_eq!(set.slots(), grown);
    }

    #[test]
    fn a_shard_holds_the_hashes_of_its_top_bits() {
        let mut one = IdSet::default();
        let mut by_shard = IdSet::default();
        let hashes: Vec<u64> = (0..20_000u64)
            .map(|i| (i % 13_000).wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .chain([0, 0, u64::MAX, u64::MAX])
            .collect();
        let expected: Vec<bool> = hashes.iter().map(|&h| one.insert(h)).collect();
        // The same hashes shard by shard (each shard's in their order) give the same answers.
        let shards = by_shard.shards_mut();
        assert_eq!(shards.len(), SHARDS);
        let mut got = vec![false; hashes.len()];
        for (s, shard) in shards.iter_mut().enumerate() {
            for (i, &h) in hashes.iter().enumerate() {
                if shard_of(h) == s {
                    got[i] = shard.insert(h);
                }
            }
        }
        assert_eq!(got, expected);
        assert_eq!(by_shard.count(), one.count());
        assert_eq!(shard_of(u64::MAX), SHARDS - 1);
        assert_eq!(shard_of(0), 0);
    }
}
