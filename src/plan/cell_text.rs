//! [`CellText`]: the text of a cell, kept inside the cell when it is short.
//!
//! This module exists because a sheet keeps a text for most of its cells, and most of those
//! texts are short (`经济发展`, `亿元`, `正向`, `预期性`, `完成`, `—`): as a `String` each one was
//! an allocation of its own beside the cell, with the allocator's overhead, ≈ 110,000 of them in
//! a 20,000-row plan (issue 19). A text of up to [`INLINE`] bytes is stored in the cell itself,
//! in the room a cell has anyway (a [`RawCell`](super::RawCell) stays 24 bytes in wasm32, 32
//! natively); a longer one in a `Box<str>` of its exact length.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::Deref;

/// The longest text, in UTF-8 bytes, kept inline (six CJK characters).
pub const INLINE: usize = 18;

/// A cell's text: a `str` (it dereferences to one), stored inline when it has at most
/// [`INLINE`] bytes. Serialised as a plain string.
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
pub struct CellText(Repr);

#[derive(Clone)]
enum Repr {
    /// The first `len` bytes of `bytes` (valid UTF-8: they are copied from a `str`).
    Inline {
        len: u8,
        bytes: [u8; INLINE],
    },
    Heap(Box<str>),
}

impl Default for Repr {
    fn default() -> Self {
        Repr::Inline {
            len: 0,
            bytes: [0; INLINE],
        }
    }
}

impl CellText {
    /// The text inline when it is short enough, else `None`.
    fn inline(s: &str) -> Option<Self> {
        let mut bytes = [0; INLINE];
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

impl Deref for CellText {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for CellText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for CellText {
    fn from(s: &str) -> Self {
        Self::inline(s).unwrap_or_else(|| Self(Repr::Heap(s.into())))
    }
}

impl From<String> for CellText {
    fn from(s: String) -> Self {
        Self::inline(&s).unwrap_or_else(|| Self(Repr::Heap(s.into_boxed_str())))
    }
}

impl From<Box<str>> for CellText {
    fn from(s: Box<str>) -> Self {
        Self::inline(&s).unwrap_or(Self(Repr::Heap(s)))
    }
}

impl From<&String> for CellText {
    fn from(s: &String) -> Self {
        Self::from(s.as_str())
    }
}

impl From<CellText> for String {
    fn from(t: CellText) -> Self {
        match t.0 {
            Repr::Heap(s) => s.into_string(),
            Repr::Inline { .. } => t.as_str().to_string(),
        }
    }
}

impl PartialEq for CellText {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for CellText {}

impl PartialEq<str> for CellText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for CellText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for CellText {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Debug for CellText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for CellText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl Serialize for CellText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CellText {
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
    }

    /// A cell keeps its size with the text inline (issue 19): 32 bytes on 64-bit, 24 in wasm32.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_cell_with_an_inline_text_is_no_larger() {
        assert!(std::mem::size_of::<CellText>() <= 24);
        assert!(std::mem::size_of::<super::super::RawCell>() <= 32);
    }
}
