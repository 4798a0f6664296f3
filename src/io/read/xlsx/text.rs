//! The text of an `.xlsx` string: a shared string (`<si>`) or an inline one (`<is>`), plain
//! (`<t>`) or rich (`<r><t>…</t></r>…`), without its phonetic guide (`<rPh>`), as calamine reads
//! it (the differential test holds us to it): each `<t>` trimmed of ASCII whitespace unless it
//! says `xml:space="preserve"`, and Excel's `_xHHHH_` escapes decoded.

use crate::error::ImportError;
use crate::io::limits::MAX_CELL_CHARS;
use std::borrow::Cow;

/// A string being read from the events between its `<si>` (or `<is>`) and the matching end.
#[derive(Debug, Default)]
pub struct Rich {
    /// The text so far.
    pub out: String,
    /// The text of the `<t>` being read.
    t: String,
    in_t: bool,
    preserve: bool,
    /// Inside a `<rPh>` phonetic run (its `<t>` is not the cell's text).
    phonetic: bool,
}

/// A string that has more UTF-8 bytes than this has more than [`MAX_CELL_CHARS`] characters.
const MAX_TEXT_BYTES: usize = 4 * MAX_CELL_CHARS;

impl Rich {
    /// Starts a new string, keeping the buffers.
    pub fn clear(&mut self) {
        self.out.clear();
        self.t.clear();
        self.in_t = false;
        self.preserve = false;
        self.phonetic = false;
    }

    /// An element named `local` opened inside the string; `preserve`: a `<t>` that keeps its
    /// spaces.
    pub fn start_raw(&mut self, local: &str, preserve: bool) {
        match local {
            "rPh" => self.phonetic = true,
            "t" if !self.phonetic => {
                self.in_t = true;
                self.t.clear();
                self.preserve = preserve;
            }
            _ => {}
        }
    }

    /// An element named `local` closed inside the string.
    pub fn end_raw(&mut self, local: &str) {
        match local {
            "rPh" => self.phonetic = false,
            "t" if self.in_t => {
                self.in_t = false;
                let t = if self.preserve {
                    self.t.as_str()
                } else {
                    self.t.trim_matches([' ', '\t', '\r', '\n'])
                };
                self.out.push_str(&unescape(t));
            }
            _ => {}
        }
    }

    /// Text (or a resolved reference) inside the string: kept when inside a `<t>`.
    ///
    /// # Errors
    /// [`ImportError::TextTooLong`] as soon as the string cannot fit in a cell, so that a hostile
    /// part's one huge string is refused before it is all in memory.
    pub fn text(&mut self, text: &str, part: &str) -> Result<(), ImportError> {
        if self.in_t {
            self.t.push_str(text);
            let bytes = self.t.len() + self.out.len();
            if bytes > MAX_TEXT_BYTES {
                return Err(ImportError::TextTooLong {
                    sheet: part.to_string(),
                    chars: bytes / 4,
                    limit: MAX_CELL_CHARS,
                });
            }
        }
        Ok(())
    }
}

/// Whether a `<t>` tag's attribute text (as written) says it keeps its spaces
/// (`xml:space="preserve"`).
pub fn preserved(attrs: &[u8]) -> bool {
    super::look::raw_attrs(attrs).any(|(k, v)| k == b"xml:space" && v == b"preserve")
}

/// Excel's escapes of characters XML cannot hold (`_x000D_` for a carriage return, a UTF-16
/// unit each, `_x005F_` for the `_` of a literal `_x…_`) decoded; a lone surrogate becomes U+FFFD.
pub fn unescape(s: &str) -> Cow<'_, str> {
    let Some(first) = escape_at(s, 0) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    let mut at = Some(first);
    while let Some((index, unit)) = at {
        out.push_str(s.get(copied..index).unwrap_or_default());
        let mut next = index + ESCAPE_LEN;
        let c = match unit {
            0xD800..=0xDBFF => match escape_at(s, next).filter(|&(i, _)| i == next) {
                Some((_, low @ 0xDC00..=0xDFFF)) => {
                    next += ESCAPE_LEN;
                    let code =
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    char::from_u32(code)
                }
                _ => None,
            },
            _ => char::from_u32(u32::from(unit)),
        };
        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
        copied = next;
        at = escape_at(s, next);
    }
    out.push_str(s.get(copied..).unwrap_or_default());
    Cow::Owned(out)
}

/// `_xHHHH_`.
const ESCAPE_LEN: usize = 7;

/// The first `_xHHHH_` at or after byte `from`, with its UTF-16 unit.
fn escape_at(s: &str, from: usize) -> Option<(usize, u16)> {
    let bytes = s.as_bytes();
    let mut from = from;
    while let Some(found) = bytes
        .get(from..)
        .and_then(|b| memchr::memmem::find(b, b"_x"))
    {
        let index = from + found;
        let hex = bytes.get(index + 2..index + 6);
        let closed = bytes.get(index + 6) == Some(&b'_');
        if let (Some(hex), true) = (hex, closed) {
            if hex.iter().all(u8::is_ascii_hexdigit) {
                let unit = std::str::from_utf8(hex)
                    .ok()
                    .and_then(|h| u16::from_str_radix(h, 16).ok());
                if let Some(unit) = unit {
                    return Some((index, unit));
                }
            }
        }
        from = index + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_escapes_decode_as_excel_writes_them() {
        assert_eq!(unescape("a_x000D_b"), "a\rb");
        assert_eq!(unescape("_x005F_x000D_"), "_x000D_");
        assert_eq!(unescape("_xD83D__xDCF7_"), "\u{1F4F7}");
        assert_eq!(unescape("_xD83D_x"), "\u{FFFD}x");
        assert_eq!(unescape("_xDC00_"), "\u{FFFD}");
        assert_eq!(unescape("_x00_ _xZZZZ_ 指标_x"), "_x00_ _xZZZZ_ 指标_x");
        assert!(matches!(unescape("人均GDP"), Cow::Borrowed(_)));
    }
}
