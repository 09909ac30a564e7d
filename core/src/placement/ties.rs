//! Sets of instance indexes that can say how many they hold and which is the nth in index
//! order without visiting them one by one: the candidates that tie on every strategy (all the
//! untouched instances of a zone, say) can be thousands, and `place` draws uniformly among them.

use std::collections::BTreeMap;

const BLOCK: usize = 64;

/// Instance indexes as 64-bit blocks: counting is O(1), finding the nth is O(len / 64).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TieSet {
    len: usize,
    blocks: BTreeMap<usize, u64>,
}

impl TieSet {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Its `nth` smallest index (from 0).
    fn nth(&self, mut nth: usize) -> Option<usize> {
        for (&block, &mask) in &self.blocks {
            let count = mask.count_ones() as usize;
            if nth < count {
                return Some(nth_in_block(block, mask, nth));
            }
            nth -= count;
        }
        None
    }

    pub fn insert(&mut self, index: usize) {
        let mask = self.blocks.entry(index / BLOCK).or_insert(0);
        let bit = 1 << (index % BLOCK);
        if *mask & bit == 0 {
            *mask |= bit;
            self.len += 1;
        }
    }

    pub fn remove(&mut self, index: usize) {
        let Some(mask) = self.blocks.get_mut(&(index / BLOCK)) else {
            return;
        };
        let bit = 1 << (index % BLOCK);
        if *mask & bit != 0 {
            *mask &= !bit;
            self.len -= 1;
            if *mask == 0 {
                self.blocks.remove(&(index / BLOCK));
            }
        }
    }

    /// Index `gone` is no more: every index after it moves down by one. The blocks from
    /// `gone`'s on are shifted as one bit string.
    pub fn close_gap(&mut self, gone: usize) {
        let first = gone / BLOCK;
        let later = self.blocks.split_off(&first);
        let Some(&last) = later.keys().next_back() else {
            return;
        };
        let mut dense = vec![0u64; last - first + 1];
        for (block, mask) in later {
            dense[block - first] = mask;
        }
        let below = (1u64 << (gone % BLOCK)) - 1;
        let head = dense[0];
        if head & (1 << (gone % BLOCK)) != 0 {
            self.len -= 1;
        }
        for i in 0..dense.len() {
            let carried = dense.get(i + 1).map_or(0, |next| next & 1);
            dense[i] = (dense[i] >> 1) | (carried << (BLOCK - 1));
        }
        // The indexes below `gone` in its block stay where they were.
        dense[0] = (dense[0] & !below) | (head & below);
        for (offset, mask) in dense.into_iter().enumerate() {
            if mask != 0 {
                self.blocks.insert(first + offset, mask);
            }
        }
    }
}

/// The `nth` smallest index (from 0) in the union of `sets`, which do not overlap.
pub fn nth_of_union(sets: &[&TieSet], mut nth: usize) -> Option<usize> {
    if let [set] = sets {
        return set.nth(nth);
    }
    let mut heads: Vec<_> = sets
        .iter()
        .map(|set| set.blocks.iter().peekable())
        .collect();
    loop {
        let block = heads
            .iter_mut()
            .filter_map(|head| head.peek().map(|(&block, _)| block))
            .min()?;
        let mut mask = 0;
        for head in &mut heads {
            if let Some((_, &bits)) = head.next_if(|(&b, _)| b == block) {
                mask |= bits;
            }
        }
        let count = mask.count_ones() as usize;
        if nth < count {
            return Some(nth_in_block(block, mask, nth));
        }
        nth -= count;
    }
}

/// The index of the `nth` bit set (from 0) of `mask`, the bits of `block`.
fn nth_in_block(block: usize, mut mask: u64, nth: usize) -> usize {
    for _ in 0..nth {
        mask &= mask - 1;
    }
    block * BLOCK + mask.trailing_zeros() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nth_of_a_union_is_the_nth_of_the_merged_indexes() {
        let (mut a, mut b) = (TieSet::default(), TieSet::default());
        let (odd, even): (Vec<usize>, Vec<usize>) = (0..500).partition(|i| i % 3 == 1);
        odd.iter().for_each(|&i| a.insert(i));
        even.iter().for_each(|&i| b.insert(i));
        a.remove(4);
        b.remove(6);
        b.remove(6);
        let mut merged: Vec<usize> = (0..500).filter(|&i| i != 4 && i != 6).collect();
        merged.sort_unstable();
        assert_eq!(a.len() + b.len(), merged.len());
        for (nth, &index) in merged.iter().enumerate() {
            assert_eq!(nth_of_union(&[&a, &b], nth), Some(index));
        }
        assert_eq!(nth_of_union(&[&a, &b], merged.len()), None);
        let alone: Vec<usize> = odd.into_iter().filter(|&i| i != 4).collect();
        for (nth, &index) in alone.iter().enumerate() {
            assert_eq!(nth_of_union(&[&a], nth), Some(index));
        }
        assert_eq!(nth_of_union(&[&a], alone.len()), None);
    }

    #[test]
    fn closing_a_gap_moves_every_later_index_down_by_one() {
        let held: Vec<usize> = (0..300)
            .filter(|i| i % 5 != 2 && !(70..140).contains(i))
            .collect();
        for gone in [0, 1, 2, 62, 63, 64, 65, 127, 128, 140, 200, 298, 299, 400] {
            let mut set = TieSet::default();
            held.iter().for_each(|&i| set.insert(i));
            set.close_gap(gone);
            let mut expected = TieSet::default();
            held.iter()
                .filter(|&&i| i != gone)
                .for_each(|&i| expected.insert(if i > gone { i - 1 } else { i }));
            assert_eq!(set, expected, "gap at {gone}");
        }
    }
}
