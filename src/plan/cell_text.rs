//! [`CellText`] and [`FigureText`]: the text of a cell or of a figure, kept inline when short.
//!
//! This module exists because a sheet keeps a text for most of its cells, and most of those
//! texts are short (`经济发展`, `亿元`, `正向`, `预期性`, `完成`, `—`): as a `String` each one was
//! an allocation of its own beside the cell, with the allocator's overhead, ≈ 110,000 of them in
//! a 20,000-row plan (issue 19). A text of up to [`INLINE`] bytes is stored in the cell itself,
//! in the room a cell has anyway (a [`RawCell`](super::RawCell) stays 24 bytes in wasm32, 32
//! natively); a longer one in a `Box<str>` of its exact length. The text of a figure
//! ([`Given::text`](super::Given::text), ≈ 140,000 of them in the same plan, mostly numbers such
//! as `66.30`) is kept inline up to [`FIGURE_INLINE`] bytes, in the 12 bytes a `Box<str>` and its
//! tag take in wasm32.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::Deref;

/// The longest text of a cell, in UTF-8 bytes, kept inline (six CJK characters).
pub const INLINE: usize = 18;

/// The longest text of a figure, in UTF-8 bytes, kept inline (`12345.6789`, `≥95%`, `完成`).
pub const FIGURE_INLINE: usize = 10;

/// A cell's text ([`SmallText`] of up to [`INLINE`] bytes inline).
pub type CellText = SmallText<INLINE>;

/// A figure's text ([`SmallText`] of up to [`FIGURE_INLINE`] bytes inline).
pub type FigureText = SmallText<FIGURE_INLINE>;

/// A text: a `str` (it dereferences to one), stored inline when it has at most `N` bytes, else
/// in a `Box<str>`. Serialised as a plain string.
///
/// ```
/// use zhibiao::plan::CellText;
/// let short = CellText::from("预期性");
/// let long = CellText::from("县人力资源社会保障局、县财政局".to_string());
/// assert_eq!((short.as_str(), short.len()), ("预期性", 9));
/// assert_eq!(long, "县人力资源社会保障局、县财政局");
/// assert_eq!(serde_json::to_string(&short).unwrap(), "\"预期性\"");
/// ```
#[derive(Clone, Default)]
pub struct SmallText<const N: usize>(Repr<N>);

#[derive(Clone)]
enum Repr<const N: usize> {
    /// The first `len` bytes of `bytes` (valid UTF-8: they are copied from a `str`).
    Inline {
        len: u8,
        bytes: [u8; N],
    },
    Heap(Box<str>),
}

impl<const N: usize> Default for Repr<N> {
    fn default() -> Self {
        Repr::Inline {
            len: 0,
            bytes: [0; N],
        }
    }
}

impl<const N: usize> SmallText<N> {
    /// The text inline when it is short enough, else `None`.
    fn inline(s: &str) -> Option<Self> {
        let mut bytes = [0; N];
        bytes.get_mut(..s.len())?.copy_from_slice(s.as_bytes());
        let len = u8::try_from(s.len()).ok()?;
        Some(Self(Repr::Inline { len, bytes }))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Always valid: the bytes were copied from a `str`.
            Repr::Inline { len, bytes } => bytes
                .get(..usize::from(*len))
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default(),
            Repr::Heap(s) => s,
        }
    }
}

impl<const N: usize> Deref for SmallText<N> {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl<const N: usize> AsRef<str> for SmallText<N> {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl<const N: usize> From<&str> for SmallText<N> {
    fn from(s: &str) -> Self {
        Self::inline(s).unwrap_or_else(|| Self(Repr::Heap(s.into())))
    }
}

impl<const N: usize> From<String> for SmallText<N> {
    fn from(s: String) -> Self {
        Self::inline(&s).unwrap_or_else(|| Self(Repr::Heap(s.into_boxed_str())))
    }
}

impl<const N: usize> From<Box<str>> for SmallText<N> {
    fn from(s: Box<str>) -> Self {
        Self::inline(&s).unwrap_or(Self(Repr::Heap(s)))
    }
}

impl<const N: usize> From<&String> for SmallText<N> {
    fn from(s: &String) -> Self {
        Self::from(s.as_str())
    }
}

impl<const N: usize> From<SmallText<N>> for String {
    fn from(t: SmallText<N>) -> Self {
        match t.0 {
            Repr::Heap(s) => s.into_string(),
            Repr::Inline { .. } => t.as_str().to_string(),
        }
    }
}

impl<const N: usize> PartialEq for SmallText<N> {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl<const N: usize> Eq for SmallText<N> {}

impl<const N: usize> PartialEq<str> for SmallText<N> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl<const N: usize> PartialEq<&str> for SmallText<N> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl<const N: usize> PartialEq<String> for SmallText<N> {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl<const N: usize> fmt::Debug for SmallText<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl<const N: usize> fmt::Display for SmallText<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl<const N: usize> Serialize for SmallText<N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de, const N: usize> Deserialize<'de> for SmallText<N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_are_inline_and_long_ones_boxed_the_same_text() {
        for s in [
            "",
            "—",
            "完成",
            "县发展改革局",
            "累计降低12.5%",
            "县工业和信息化局",
            "x".repeat(300).as_str(),
        ] {
            let t = CellText::from(s);
            assert_eq!(t.as_str(), s);
            assert_eq!(matches!(t.0, Repr::Inline { .. }), s.len() <= INLINE, "{s}");
            assert_eq!(CellText::from(s.to_string()), t);
            assert_eq!(String::from(t.clone()), s);
            assert_eq!(format!("{t}|{t:?}"), format!("{s}|{s:?}"));
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, serde_json::to_string(s).unwrap());
            assert_eq!(serde_json::from_str::<CellText>(&json).unwrap(), t);
        }
        assert_eq!(CellText::default().as_str(), "");
        for s in [
            "",
            "66.30",
            "≥95%",
            "完成",
            "12345.6789",
            "1,234,567.5",
            "年均增长7%",
        ] {
            let t = FigureText::from(s);
            assert_eq!(
                (t.as_str(), t.clone()),
                (s, FigureText::from(s.to_string()))
            );
            assert_eq!(
                matches!(t.0, Repr::Inline { .. }),
                s.len() <= FIGURE_INLINE,
                "{s}"
            );
        }
    }

    /// A cell keeps its size with the text inline (issue 19): 32 bytes on 64-bit, 24 in wasm32.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_cell_with_an_inline_text_is_no_larger() {
        assert!(std::mem::size_of::<CellText>() <= 24);
        assert!(std::mem::size_of::<FigureText>() <= 24);
        assert!(std::mem::size_of::<super::super::RawCell>() <= 32);
    }
}
