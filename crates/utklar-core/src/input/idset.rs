//! The set of episode-id hashes behind the duplicate check of
//! [`EpisodeReader`](crate::input::EpisodeReader).
//!
//! Open addressing with linear probing over one `Vec<u64>` (8 bytes a slot, at most three
//! quarters full): a lookup touches one cache line, where a general hash set touches two (its
//! control bytes and its slots). A hash's home slot is its top bits, so when the table doubles,
//! reading the old table in order writes the new one almost in order too. The hash 0 marks an
//! empty slot, so it is remembered apart.

/// Slots of the first table (2¹⁰).
const MIN_BITS: u32 = 10;

/// A set of 64-bit hashes.
#[derive(Debug, Default)]
pub(crate) struct IdSet {
    /// `0` is an empty slot; the length is zero or a power of two.
    slots: Vec<u64>,
    /// Hashes held in `slots`.
    len: usize,
    /// Whether the hash 0 was inserted.
    zero: bool,
    /// `64 − log2(slots.len())`: a hash's home slot is `hash >> shift`.
    shift: u32,
}

impl IdSet {
    /// Inserts `h`; `false` when it was there already.
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
        let mut i = (h >> self.shift) as usize;
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

    /// Makes room for `additional` more hashes at once, so that inserting them does not grow
    /// the table step by step.
    pub(crate) fn reserve(&mut self, additional: usize) {
        let need = self.len.saturating_add(additional).saturating_add(1);
        let mut bits = if self.slots.is_empty() {
            MIN_BITS
        } else {
            64 - self.shift
        };
        while bits < 60 && need.saturating_mul(4) > (1usize << bits) * 3 {
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

    /// The content of `h`'s home slot: reading it brings the slot into the cache, so a later
    /// [`insert`](Self::insert) of `h` does not wait for memory.
    #[inline]
    pub(crate) fn touch(&self, h: u64) -> u64 {
        if self.slots.is_empty() {
            0
        } else {
            self.slots[(h >> self.shift) as usize]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::IdSet;
    use std::collections::HashSet;

    #[test]
    fn agrees_with_a_hash_set_through_growth() {
        let mut set = IdSet::default();
        let mut reference = HashSet::new();
        // A cheap generator with repeats: most values appear about twice; 0, and values that
        // share their home slot, the last one included (their run wraps around), are among
        // them.
        let mut x = 0x9E37_79B9_7F4A_7C15_u64;
        for i in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let h = match i % 7 {
                0 => 0,
                1 => u64::MAX - x % 64,
                _ => (x % 150_000).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            };
            assert_eq!(set.insert(h), reference.insert(h), "row {i}, hash {h:#x}");
            assert_eq!(set.len + usize::from(set.zero), reference.len());
        }
        assert!(set.len * 4 <= set.slots.len() * 3);
        assert!(set.slots.len() > 1 << 10);
        // Reserving room keeps every hash and makes room at once.
        let slots = set.slots.len();
        set.reserve(3 * slots);
        assert!(set.slots.len() >= 4 * slots);
        let grown = set.slots.len();
        for h in reference.iter().copied() {
            assert!(!set.insert(h));
        }
        for h in 1..=(2 * slots as u64) {
            let h = h.wrapping_mul(0xD6E8_FEB8_6659_FD93);
            assert_eq!(set.insert(h), reference.insert(h));
        }
        assert_eq!(set.slots.len(), grown);
    }
}
