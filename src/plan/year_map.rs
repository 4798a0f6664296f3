//! [`YearMap`]: the per-year figures of a result, as one sorted list.
//!
//! This module exists because an indicator's results are a handful of short maps by year (yearly
//! targets, actuals, realizations, progress, status, the draft), made for every indicator of a
//! plan of up to 100,000 rows. A `BTreeMap` per map costs a node allocation, a tree build and a
//! tree walk for five entries; a vector sorted by year costs one allocation, a binary search,
//! and iterates as a slice. The API follows `BTreeMap`'s where the results use it, and the map
//! serialises as a `BTreeMap<Year, V>` does (a JSON object keyed by year, in year order).

use super::model::Year;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::ops::{Bound, Index, RangeBounds};

/// Values by year, sorted by year, each year once.
///
/// ```
/// use zhibiao::plan::YearMap;
/// let mut m: YearMap<f64> = [(2022, 2.0), (2021, 1.0)].into_iter().collect();
/// m.insert(2023, 3.0);
/// assert_eq!(m.keys().copied().collect::<Vec<_>>(), vec![2021, 2022, 2023]);
/// assert_eq!(m.get(&2022), Some(&2.0));
/// assert_eq!(m.range(..2023).next_back(), Some((&2022, &2.0)));
/// assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"2021":1.0,"2022":2.0,"2023":3.0}"#);
/// ```
#[derive(Clone, PartialEq)]
pub struct YearMap<V> {
    /// Sorted by year, each year once.
    entries: Vec<(Year, V)>,
}

/// An iterator over `(&year, &value)`, in year order.
pub type Iter<'a, V> =
    std::iter::Map<std::slice::Iter<'a, (Year, V)>, fn(&(Year, V)) -> (&Year, &V)>;

fn pair<V>(e: &(Year, V)) -> (&Year, &V) {
    (&e.0, &e.1)
}

impl<V> Default for YearMap<V> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<V> YearMap<V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty map with room for `n` years.
    pub fn with_capacity(n: usize) -> Self {
        Self {
            entries: Vec::with_capacity(n),
        }
    }

    /// The number of years.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` when the map has no year.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Where `year` is, or would be inserted.
    fn find(&self, year: Year) -> Result<usize, usize> {
        self.entries.binary_search_by_key(&year, |e| e.0)
    }

    /// The value of `year`.
    pub fn get(&self, year: &Year) -> Option<&V> {
        let i = self.find(*year).ok()?;
        self.entries.get(i).map(|e| &e.1)
    }

    /// The value of `year`, to change it.
    pub fn get_mut(&mut self, year: &Year) -> Option<&mut V> {
        let i = self.find(*year).ok()?;
        self.entries.get_mut(i).map(|e| &mut e.1)
    }

    /// `true` when `year` has a value.
    pub fn contains_key(&self, year: &Year) -> bool {
        self.find(*year).is_ok()
    }

    /// Sets the value of `year`, returning the one it replaces. Years inserted in ascending
    /// order (the usual case) are appended.
    pub fn insert(&mut self, year: Year, value: V) -> Option<V> {
        if self.entries.last().is_none_or(|e| e.0 < year) {
            self.entries.push((year, value));
            return None;
        }
        match self.find(year) {
            Ok(i) => self
                .entries
                .get_mut(i)
                .map(|e| std::mem::replace(&mut e.1, value)),
            Err(i) => {
                self.entries.insert(i, (year, value));
                None
            }
        }
    }

    /// Removes every year, keeping the room.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Removes `year`, returning its value.
    pub fn remove(&mut self, year: &Year) -> Option<V> {
        let i = self.find(*year).ok()?;
        Some(self.entries.remove(i).1)
    }

    /// `(&year, &value)` in year order.
    pub fn iter(&self) -> Iter<'_, V> {
        self.entries
            .iter()
            .map(pair as fn(&(Year, V)) -> (&Year, &V))
    }

    /// The years, ascending.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Year> + ExactSizeIterator + Clone {
        self.entries.iter().map(|e| &e.0)
    }

    /// The values, in year order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.entries.iter().map(|e| &e.1)
    }

    /// The first year and its value.
    pub fn first_key_value(&self) -> Option<(&Year, &V)> {
        self.entries.first().map(pair)
    }

    /// The last year and its value.
    pub fn last_key_value(&self) -> Option<(&Year, &V)> {
        self.entries.last().map(pair)
    }

    /// The years within `range` and their values, in year order.
    pub fn range<R: RangeBounds<Year>>(&self, range: R) -> Iter<'_, V> {
        let start = match range.start_bound() {
            Bound::Included(&y) => self.entries.partition_point(|e| e.0 < y),
            Bound::Excluded(&y) => self.entries.partition_point(|e| e.0 <= y),
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(&y) => self.entries.partition_point(|e| e.0 <= y),
            Bound::Excluded(&y) => self.entries.partition_point(|e| e.0 < y),
            Bound::Unbounded => self.entries.len(),
        };
        self.entries
            .get(start..end.max(start))
            .unwrap_or(&[])
            .iter()
            .map(pair as fn(&(Year, V)) -> (&Year, &V))
    }

    /// The entries as a slice, sorted by year.
    pub fn as_slice(&self) -> &[(Year, V)] {
        &self.entries
    }
}

impl<V> FromIterator<(Year, V)> for YearMap<V> {
    /// In any order; a year given twice keeps its last value (as `BTreeMap`'s `collect`).
    fn from_iter<I: IntoIterator<Item = (Year, V)>>(iter: I) -> Self {
        let mut entries: Vec<(Year, V)> = iter.into_iter().collect();
        if !entries.windows(2).all(|w| w[0].0 < w[1].0) {
            // Stable: of equal years, the last one given comes last and is kept.
            entries.sort_by_key(|e| e.0);
            let mut unique: Vec<(Year, V)> = Vec::with_capacity(entries.len());
            for e in entries {
                match unique.last_mut() {
                    Some(last) if last.0 == e.0 => *last = e,
                    _ => unique.push(e),
                }
            }
            entries = unique;
        }
        Self { entries }
    }
}

impl<V> Extend<(Year, V)> for YearMap<V> {
    fn extend<I: IntoIterator<Item = (Year, V)>>(&mut self, iter: I) {
        for (y, v) in iter {
            self.insert(y, v);
        }
    }
}

impl<'a, V> IntoIterator for &'a YearMap<V> {
    type Item = (&'a Year, &'a V);
    type IntoIter = Iter<'a, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<V> IntoIterator for YearMap<V> {
    type Item = (Year, V);
    type IntoIter = std::vec::IntoIter<(Year, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<V> Index<&Year> for YearMap<V> {
    type Output = V;

    /// The value of `year`.
    ///
    /// # Panics
    /// When `year` has no value, as `BTreeMap`'s index does; use [`YearMap::get`] where it may
    /// be missing.
    fn index(&self, year: &Year) -> &V {
        let i = self.find(*year).unwrap_or(self.entries.len());
        &self.entries[i].1
    }
}

impl<V: fmt::Debug> fmt::Debug for YearMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<V: Serialize> Serialize for YearMap<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.entries.len()))?;
        for (y, v) in &self.entries {
            m.serialize_entry(y, v)?;
        }
        m.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for YearMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(BTreeMap::<Year, V>::deserialize(d)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_as_a_btreemap() {
        let given = [
            (2023, 'c'),
            (2021, 'a'),
            (2025, 'e'),
            (2021, 'A'),
            (2024, 'd'),
        ];
        let m: YearMap<char> = given.into_iter().collect();
        let b: BTreeMap<Year, char> = given.into_iter().collect();
        assert!(m.iter().eq(b.iter()));
        assert_eq!(m.len(), 4);
        for y in 2019..=2027 {
            assert_eq!(m.get(&y), b.get(&y), "{y}");
            assert_eq!(m.contains_key(&y), b.contains_key(&y));
            assert!(m.range(..y).eq(b.range(..y)));
            assert!(m.range(y..).eq(b.range(y..)));
            assert!(m.range(y..=y + 1).eq(b.range(y..=y + 1)));
            assert!(m
                .range((Bound::Excluded(y), Bound::Unbounded))
                .eq(b.range((Bound::Excluded(y), Bound::Unbounded))));
        }
        let (hi, lo) = (2025, 2021);
        assert!(m.range(hi..lo).next().is_none());
        assert_eq!(m[&2021], 'A');
        assert_eq!(m.first_key_value(), Some((&2021, &'A')));
        assert_eq!(m.last_key_value(), Some((&2025, &'e')));
        assert_eq!(format!("{m:?}"), format!("{b:?}"));

        let mut m2 = YearMap::new();
        let mut b2 = BTreeMap::new();
        for (y, c) in given {
            assert_eq!(m2.insert(y, c), b2.insert(y, c));
        }
        assert!(m2.iter().eq(b2.iter()));
        assert_eq!(m2.remove(&2023), b2.remove(&2023));
        assert_eq!(m2.remove(&2023), None);
        assert!(m2.into_iter().eq(b2.into_iter()));
    }

    #[test]
    fn serialises_as_a_btreemap() {
        let b: BTreeMap<Year, f64> = [(2021, 1.5), (2020, -2.0), (999, 3.0)]
            .into_iter()
            .collect();
        let m: YearMap<f64> = b.clone().into_iter().collect();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, serde_json::to_string(&b).unwrap());
        assert_eq!(serde_json::from_str::<YearMap<f64>>(&json).unwrap(), m);
    }
}
