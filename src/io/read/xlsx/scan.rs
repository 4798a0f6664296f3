//! A tokenizer of a worksheet's XML (and of the shared strings'), as it is inflated: tags, text
//! and CDATA, with comments, processing instructions and declarations skipped. A sheet's XML is
//! millions of small, regular tags (`<c r="B2" s="3" t="s"><v>12</v></c>`); a general XML
//! reader's events, attribute iterators and one event per character reference (`&#25351;`) were
//! most of the time of reading it. Text is decoded by [`decode`]: the five entities and character
//! references resolved, line ends made `\n` as XML 1.0 says.

use std::io::Read;

/// A token of the XML, borrowing the tokenizer's buffer.
#[derive(Debug, PartialEq)]
pub enum Token<'a> {
    /// `<name attrs>` or `<name attrs/>` (`empty`).
    Start {
        name: &'a [u8],
        attrs: &'a [u8],
        empty: bool,
    },
    /// `</name>`.
    End { name: &'a [u8] },
    /// Text between tags, as written (entities not resolved).
    Text(&'a [u8]),
    /// The content of `<![CDATA[…]]>`.
    CData(&'a [u8]),
    /// The end of the XML.
    Eof,
}

/// Why the XML could not be read.
#[derive(Debug, PartialEq)]
pub enum ScanError {
    /// The bytes could not be read (a damaged zip entry).
    Io(String),
    /// The XML ends inside a tag, a comment or a CDATA section.
    Cut,
    /// A token is longer than any sheet or string needs (a tag or a text without its end).
    TooLong,
}

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(e) => write!(f, "{e}"),
            Self::Cut => write!(f, "the XML ends inside a tag"),
            Self::TooLong => write!(f, "a tag or text longer than any cell or string has"),
        }
    }
}

/// The longest token kept whole: a cell's text is at most 32,767 characters (≈ 400 kB as
/// character references); anything longer is not a sheet.
const MAX_TOKEN: usize = 8 << 20;

/// The tokenizer over `R`, reading it a buffer at a time.
pub struct Scan<R> {
    inner: R,
    buf: Vec<u8>,
    /// The bytes of `buf` not yet tokenized: `start..end`.
    start: usize,
    end: usize,
    /// Bytes dropped from the front of `buf` so far.
    dropped: u64,
    eof: bool,
}

impl<R: Read> Scan<R> {
    pub fn new(inner: R, capacity: usize) -> Self {
        Self {
            inner,
            buf: vec![0; capacity.max(1)],
            start: 0,
            end: 0,
            dropped: 0,
            eof: false,
        }
    }

    /// How many bytes of the XML were tokenized.
    pub fn position(&self) -> u64 {
        self.dropped + self.start as u64
    }

    /// The bytes read but not tokenized, and the reader of the rest.
    pub fn rest(&mut self) -> (&[u8], &mut R) {
        (
            self.buf.get(self.start..self.end).unwrap_or_default(),
            &mut self.inner,
        )
    }

    /// Reads more bytes after those not yet tokenized (moving them to the front first, or
    /// growing the buffer when they fill it); false at the end of the input.
    fn more(&mut self) -> Result<bool, ScanError> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.dropped += self.start as u64;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            if self.buf.len() >= MAX_TOKEN {
                return Err(ScanError::TooLong);
            }
            self.buf.resize(self.buf.len() * 2, 0);
        }
        let room = self.buf.get_mut(self.end..).unwrap_or_default();
        let n = loop {
            match self.inner.read(room) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(ScanError::Io(e.to_string())),
            }
        };
        if n == 0 {
            self.eof = true;
            return Ok(false);
        }
        self.end += n;
        Ok(true)
    }

    /// The next token and the bytes it was written as.
    pub fn next(&mut self) -> Result<(Token<'_>, &[u8]), ScanError> {
        loop {
            let pending = self.buf.get(self.start..self.end).unwrap_or_default();
            match find_token(pending, self.eof) {
                Found::Token(kind, len) => {
                    let begin = self.start;
                    self.start += len;
                    let raw = self.buf.get(begin..begin + len).unwrap_or_default();
                    return Ok((kind.token(raw), raw));
                }
                Found::Skip(len) => self.start += len,
                Found::Eof => return Ok((Token::Eof, &[])),
                Found::NeedMore => {
                    if !self.more()? {
                        let left = self.buf.get(self.start..self.end).unwrap_or_default();
                        if left.is_empty() {
                            return Ok((Token::Eof, &[]));
                        }
                        if left.first() == Some(&b'<') {
                            return Err(ScanError::Cut);
                        }
                        // Text to the end of the input.
                        let begin = self.start;
                        self.start = self.end;
                        let raw = self.buf.get(begin..self.end).unwrap_or_default();
                        return Ok((Token::Text(raw), raw));
                    }
                }
            }
        }
    }
}

/// What kind of token was found, to be cut from its bytes.
#[derive(Clone, Copy)]
enum Kind {
    Start,
    End,
    Text,
    CData,
}

impl Kind {
    fn token(self, raw: &[u8]) -> Token<'_> {
        match self {
            Kind::Text => Token::Text(raw),
            Kind::CData => {
                Token::CData(raw.get(9..raw.len().saturating_sub(3)).unwrap_or_default())
            }
            Kind::End => {
                let inner = raw.get(2..raw.len().saturating_sub(1)).unwrap_or_default();
                Token::End {
                    name: inner.trim_ascii(),
                }
            }
            Kind::Start => {
                let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default();
                let (inner, empty) = match inner.strip_suffix(b"/") {
                    Some(i) => (i, true),
                    None => (inner, false),
                };
                let name_len = inner
                    .iter()
                    .position(|b| b.is_ascii_whitespace())
                    .unwrap_or(inner.len());
                let (name, attrs) = inner.split_at(name_len);
                Token::Start { name, attrs, empty }
            }
        }
    }
}

enum Found {
    Token(Kind, usize),
    Skip(usize),
    Eof,
    NeedMore,
}

/// The first token of `pending` (its kind and length), or what is needed to find it.
fn find_token(pending: &[u8], eof: bool) -> Found {
    let Some(&first) = pending.first() else {
        return if eof { Found::Eof } else { Found::NeedMore };
    };
    if first != b'<' {
        return match memchr::memchr(b'<', pending) {
            Some(at) => Found::Token(Kind::Text, at),
            None => Found::NeedMore,
        };
    }
    let after = |needle: &[u8], from: usize| {
        pending
            .get(from..)
            .and_then(|p| memchr::memmem::find(p, needle))
            .map(|at| from + at + needle.len())
    };
    let skip_or_more = |end: Option<usize>| end.map_or(Found::NeedMore, Found::Skip);
    match pending.get(1) {
        None => Found::NeedMore,
        Some(b'?') => skip_or_more(after(b"?>", 2)),
        Some(b'!') => {
            if pending.len() < 9 {
                return Found::NeedMore;
            }
            if pending.starts_with(b"<!--") {
                skip_or_more(after(b"-->", 4))
            } else if pending.starts_with(b"<![CDATA[") {
                after(b"]]>", 9).map_or(Found::NeedMore, |end| Found::Token(Kind::CData, end))
            } else {
                skip_or_more(after(b">", 2))
            }
        }
        Some(b'/') => memchr::memchr(b'>', pending)
            .map_or(Found::NeedMore, |at| Found::Token(Kind::End, at + 1)),
        Some(_) => {
            // The tag's end: the first `>` outside a quoted attribute value.
            let mut quote = None;
            for (i, &b) in pending.iter().enumerate().skip(1) {
                match (quote, b) {
                    (None, b'"' | b'\'') => quote = Some(b),
                    (Some(q), b) if b == q => quote = None,
                    (None, b'>') => return Found::Token(Kind::Start, i + 1),
                    _ => {}
                }
            }
            Found::NeedMore
        }
    }
}

/// The local part of a name (`x:c` → `c`).
pub fn local(name: &[u8]) -> &[u8] {
    match memchr::memrchr(b':', name) {
        Some(at) => name.get(at + 1..).unwrap_or_default(),
        None => name,
    }
}

/// `text` as written in XML, appended to `out` with its references resolved (an unknown one kept
/// as written) and its line ends made `\n`.
///
/// # Errors
/// When the bytes are not UTF-8.
pub fn decode(text: &[u8], out: &mut String) -> Result<(), std::str::Utf8Error> {
    let text = std::str::from_utf8(text)?;
    let mut rest = text;
    while let Some(at) = rest.find(['&', '\r']) {
        out.push_str(rest.get(..at).unwrap_or_default());
        let tail = rest.get(at..).unwrap_or_default();
        if let Some(after_cr) = tail.strip_prefix('\r') {
            out.push('\n');
            rest = after_cr.strip_prefix('\n').unwrap_or(after_cr);
            continue;
        }
        let reference = tail
            .get(1..)
            .and_then(|t| t.find(';').filter(|&semi| semi <= 12).map(|semi| (t, semi)));
        match reference.and_then(|(t, semi)| Some((resolve(t.get(..semi)?)?, semi))) {
            Some((c, semi)) => {
                out.push(c);
                rest = tail.get(semi + 2..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = tail.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    Ok(())
}

/// The text of a CDATA section into `out`, its line ends made `\n` as XML 1.0 says.
///
/// # Errors
/// When the bytes are not UTF-8.
pub fn decode_cdata(text: &[u8], out: &mut String) -> Result<(), std::str::Utf8Error> {
    let mut rest = std::str::from_utf8(text)?;
    while let Some(at) = rest.find('\r') {
        out.push_str(rest.get(..at).unwrap_or_default());
        out.push('\n');
        let after = rest.get(at + 1..).unwrap_or_default();
        rest = after.strip_prefix('\n').unwrap_or(after);
    }
    out.push_str(rest);
    Ok(())
}

/// The character of an entity or character reference's name (`amp`, `#26576`, `#x41`).
pub fn resolve(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let code = name.strip_prefix('#')?;
            let n = match code.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => code.parse().ok()?,
            };
            char::from_u32(n).filter(|&c| c != '\0')
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdata_keeps_its_text_and_makes_line_ends_newlines() {
        let mut out = String::new();
        decode_cdata("a\r\nb\rc\n&amp;<指>".as_bytes(), &mut out).unwrap();
        assert_eq!(out, "a\nb\nc\n&amp;<指>");
        assert!(decode_cdata(&[0xFF], &mut out).is_err());
    }

    fn tokens(xml: &[u8], capacity: usize) -> Vec<String> {
        let mut scan = Scan::new(xml, capacity);
        let mut out = Vec::new();
        loop {
            match scan.next() {
                Ok((Token::Eof, _)) => return out,
                Ok((t, _)) => out.push(format!("{t:?}")),
                Err(e) => {
                    out.push(format!("error {e:?}"));
                    return out;
                }
            }
        }
    }

    #[test]
    fn tokens_are_the_same_whatever_the_buffer() {
        let xml = br#"<?xml version="1.0"?><!-- a > comment --><x:row r="1" ht='9>'><c r="A1" t="inlineStr"><is><t xml:space="preserve"> a&amp;b </t></is></c><c/><v><![CDATA[<x>]]></v></x:row>tail"#;
        let whole = tokens(xml, xml.len() + 10);
        assert_eq!(whole.len(), 14, "{whole:#?}");
        assert!(
            whole[0].contains(r#"name: [120, 58, 114, 111, 119]"#),
            "{}",
            whole[0]
        );
        for capacity in [1, 2, 3, 7, 16, 64] {
            assert_eq!(tokens(xml, capacity), whole, "capacity {capacity}");
        }
        assert_eq!(tokens(b"<c r=\"A1\"", 4), vec!["error Cut".to_string()]);
    }

    #[test]
    fn text_decodes_references_and_line_ends() {
        let mut out = String::new();
        assert!(decode(b"a&amp;b&#26576;&#x41;\r\nc\rd&unknown;&;&#0;", &mut out).is_ok());
        assert_eq!(out, "a&b某A\nc\nd&unknown;&;&#0;");
        assert!(decode(&[0xff, 0xfe], &mut String::new()).is_err());
        assert_eq!(local(b"x:c"), b"c");
        assert_eq!(local(b"row"), b"row");
    }
}
