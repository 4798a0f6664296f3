//! The shared strings of an `.xlsx` (`sharedStrings.xml`), read as the cells need them and
//! checked against the limits as they are read: the count (and the declared `uniqueCount`), each string's length,
//! all text together, and the nesting of the XML. The part is cut into tokens by [`Scan`], as the
//! worksheets are.

use super::look;
use super::scan::{self, local, Scan, Token};
use super::text::{preserved, Rich};
use crate::error::ImportError;
use crate::io::limits::{self, Budget, MAX_PART_BYTES, MAX_SHARED_STRINGS, MAX_XML_DEPTH};
#[cfg(test)]
use crate::pace::STEP;
use crate::pace::{Pace, Stage, XML_STEP};
use crate::plan::CellText;
use std::io::{Read, Take};

/// The shared strings of a workbook, read as far as the cells need them: most writers number
/// the strings in the order the cells first use them, so the first rows of a sheet need only the
/// first strings, and a first screen is not held back by the whole part (11 MB of rich strings
/// in LibreOffice's 20,000-row file). Each `<si>` is one string, in order (an empty `<si/>` is an
/// empty string: the cells count the strings by position).
pub struct Strings<R: Read> {
    /// The part being read; `None` once it is read to its end (or when there is none).
    xml: Option<Scan<Take<R>>>,
    part: String,
    size: u64,
    strings: Vec<CellText>,
    budget: Budget,
    depth: usize,
    /// Inside an `<si>`: the string being read, and the depth of its `<si>`.
    rich: Rich,
    si_depth: Option<usize>,
    /// The end of an element written empty (`<si/>`), taken before the next token: its name as
    /// [`Rich`] knows it.
    pending_end: Option<&'static str>,
    scratch: String,
    since_step: usize,
}

impl<R: Read> Strings<R> {
    /// The strings of `file` (the part `part` of uncompressed `size` bytes as its zip directory
    /// states it), or none. Its `<sst>` tag is read at once: a declared count the part cannot
    /// hold is refused before any cell is read.
    ///
    /// # Errors
    /// As [`Strings::ensure`].
    pub fn open(file: Option<(R, String, u64)>) -> Result<Self, ImportError> {
        Self::open_with(file, super::BUFFER)
    }

    /// [`Strings::open`], tokenizing through a buffer of `capacity` bytes to start with.
    fn open_with(file: Option<(R, String, u64)>, capacity: usize) -> Result<Self, ImportError> {
        let (xml, part, size) = match file {
            Some((file, part, size)) => (
                Some(Scan::new(file.take(MAX_PART_BYTES), capacity)),
                part,
                size,
            ),
            None => (None, String::new(), 0),
        };
        let mut strings = Self {
            xml,
            part,
            size,
            strings: Vec::new(),
            budget: Budget::default(),
            depth: 0,
            rich: Rich::default(),
            si_depth: None,
            pending_end: None,
            scratch: String::new(),
            since_step: 0,
        };
        strings.read_until(|s| s.depth > 0)?;
        Ok(strings)
    }

    /// String `index`, once [`Strings::ensure`] read it (`None` when the part has no such
    /// string).
    #[cfg(test)]
    pub fn get(&self, index: usize) -> Option<&CellText> {
        self.strings.get(index)
    }

    /// The strings read so far.
    pub fn read_so_far(&self) -> &[CellText] {
        &self.strings
    }

    /// Reads on until string `index` is read or the part ends, pausing for `pace` every
    /// [`XML_STEP`] tokens and reporting `fraction` then.
    ///
    /// # Errors
    /// [`ImportError::TooManyStrings`], [`ImportError::TextTooLong`],
    /// [`ImportError::TooMuchText`], [`ImportError::TooDeep`] when a limit is exceeded;
    /// [`ImportError::Damaged`] when the XML cannot be read.
    pub async fn ensure<P: Pace>(
        &mut self,
        index: usize,
        pace: &mut P,
        fraction: f64,
    ) -> Result<(), ImportError> {
        while self.strings.len() <= index && self.xml.is_some() {
            self.read_until(|s| s.strings.len() > index || s.since_step >= XML_STEP)?;
            if self.since_step >= XML_STEP {
                self.since_step = 0;
                pace.step(Stage::Read, fraction).await;
            }
        }
        Ok(())
    }

    /// Reads tokens until `done` holds after one, or the part ends.
    fn read_until(&mut self, done: impl Fn(&Self) -> bool) -> Result<(), ImportError> {
        while let Some(xml) = self.xml.as_mut() {
            let ended = match self.pending_end.take() {
                Some(name) => Some(name),
                None => {
                    self.since_step += 1;
                    let part = &self.part;
                    let damaged =
                        |e: &dyn std::fmt::Display| super::damaged(format!("{part}: {e}"));
                    let (token, _) = xml.next().map_err(|e| damaged(&e))?;
                    match token {
                        Token::Start { name, attrs, empty } => {
                            self.depth += 1;
                            if self.depth > MAX_XML_DEPTH {
                                return Err(ImportError::TooDeep {
                                    part: part.clone(),
                                    limit: MAX_XML_DEPTH,
                                });
                            }
                            let name = local(name);
                            match name {
                                b"sst" => check_unique_count(attrs, self.size)?,
                                b"si" if self.si_depth.is_none() => {
                                    if self.strings.len() >= MAX_SHARED_STRINGS {
                                        return Err(ImportError::TooManyStrings {
                                            strings: self.strings.len() + 1,
                                            limit: MAX_SHARED_STRINGS,
                                        });
                                    }
                                    self.rich.clear();
                                    self.si_depth = Some(self.depth);
                                }
                                _ if self.si_depth.is_some() => self
                                    .rich
                                    .start_raw(rich_name(name), name == b"t" && preserved(attrs)),
                                _ => {}
                            }
                            // Written empty (`<si/>`), it ends where it starts.
                            if empty {
                                self.pending_end = Some(rich_name(name));
                            }
                            None
                        }
                        Token::End { name } => Some(rich_name(local(name))),
                        Token::Text(t) if self.si_depth.is_some() => {
                            self.scratch.clear();
                            scan::decode(t, &mut self.scratch).map_err(|e| damaged(&e))?;
                            self.rich.text(&self.scratch, part)?;
                            None
                        }
                        Token::CData(t) if self.si_depth.is_some() => {
                            self.scratch.clear();
                            scan::decode_cdata(t, &mut self.scratch).map_err(|e| damaged(&e))?;
                            self.rich.text(&self.scratch, part)?;
                            None
                        }
                        // Cut short inside a string: the cells after it would lose their text
                        // quietly.
                        Token::Eof if self.depth > 0 => {
                            return Err(super::damaged(format!(
                                "{part}: the XML ends inside the shared strings"
                            )));
                        }
                        Token::Eof => {
                            self.xml = None;
                            self.strings.shrink_to_fit();
                            return Ok(());
                        }
                        _ => None,
                    }
                }
            };
            if let Some(name) = ended {
                self.end(name)?;
            }
            if done(self) {
                return Ok(());
            }
        }
        Ok(())
    }

    /// An element (`name` as [`Rich`] knows it) ends.
    fn end(&mut self, name: &str) -> Result<(), ImportError> {
        if self.si_depth == Some(self.depth) {
            self.si_depth = None;
            self.budget.add_text(&self.part, &self.rich.out, 1)?;
            self.strings.push(CellText::from(self.rich.out.as_str()));
        } else if self.si_depth.is_some() {
            self.rich.end_raw(name);
        }
        self.depth = self.depth.saturating_sub(1);
        Ok(())
    }
}

/// An element's local name as [`Rich`] tells them apart: `t`, `rPh`, and "" for any other.
fn rich_name(local: &[u8]) -> &'static str {
    match local {
        b"t" => "t",
        b"rPh" => "rPh",
        _ => "",
    }
}

/// The `uniqueCount` an `<sst>` tag's attribute text (as written) declares, checked by
/// [`limits::check_unique_count`]. An attribute written twice counts the first time only, as
/// quick-xml's attributes (which this part was read with before) read it.
///
/// # Errors
/// As [`limits::check_unique_count`].
fn check_unique_count(attrs: &[u8], size: u64) -> Result<(), ImportError> {
    let mut seen: Vec<&[u8]> = Vec::new();
    for (key, value) in look::raw_attrs(attrs) {
        if local(key) != b"uniqueCount" || seen.contains(&key) {
            continue;
        }
        seen.push(key);
        limits::check_unique_count(value, size)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pace::testing::{drive, Suspending};
    use crate::pace::{finish, Straight};

    async fn all<P: Pace>(xml: &str, pace: &mut P) -> Result<Vec<String>, ImportError> {
        let file = (
            xml.as_bytes(),
            "xl/sharedStrings.xml".to_string(),
            xml.len() as u64,
        );
        let mut strings = Strings::open(Some(file))?;
        strings.ensure(usize::MAX - 1, pace, 0.0).await?;
        Ok(strings.strings.iter().map(|s| s.to_string()).collect())
    }

    fn read_all(xml: &str) -> Result<Vec<String>, ImportError> {
        finish(all(xml, &mut Straight)).unwrap_or_else(|| Err(super::super::damaged("waited")))
    }

    #[test]
    fn plain_rich_phonetic_and_escaped_strings_read_as_excel_shows_them() {
        let xml = r#"<?xml version="1.0"?><sst xmlns="x" count="6" uniqueCount="6"><si><t>人均GDP</t></si><si><r><rPr><b/></rPr><t>单位</t></r><r><t xml:space="preserve"> GDP </t></r><rPh sb="0" eb="1"><t>タン</t></rPh></si><si><t>  trimmed
</t></si><si/><si><t>a&amp;b&#26576;_x000D_</t></si><si><t><![CDATA[<x>]]></t></si></sst>"#;
        assert_eq!(
            read_all(xml).unwrap_or_default(),
            vec!["人均GDP", "单位 GDP ", "trimmed", "", "a&b某\r", "<x>"]
        );
    }

    #[test]
    fn limits_hold_while_reading() {
        let lie = r#"<sst uniqueCount="4000000000"><si><t>a</t></si></sst>"#;
        assert!(matches!(
            read_all(lie),
            Err(ImportError::TooManyStrings { .. })
        ));
        let prefixed = r#"<x:sst xmlns:x="x" uniqueCount="2"><x:si><x:t>a</x:t></x:si><x:si><x:r><x:t>b</x:t></x:r></x:si></x:sst>"#;
        assert_eq!(read_all(prefixed).unwrap_or_default(), vec!["a", "b"]);
        let long = format!("<sst><si><t>{}</t></si></sst>", "长".repeat(MAX_CELL + 1));
        assert!(matches!(
            read_all(&long),
            Err(ImportError::TextTooLong { .. })
        ));
        // Many short runs make one long string too.
        let runs = format!(
            "<sst><si>{}</si></sst>",
            "<r><t>ab</t></r>".repeat(MAX_CELL)
        );
        assert!(matches!(
            read_all(&runs),
            Err(ImportError::TextTooLong { .. })
        ));
        assert!(matches!(
            read_all("<sst><si><t>a</t></si><si><t>b"),
            Err(ImportError::Damaged { .. })
        ));
        let deep = format!("<sst>{}</sst>", "<a>".repeat(MAX_XML_DEPTH + 1));
        assert!(matches!(read_all(&deep), Err(ImportError::TooDeep { .. })));
        assert!(matches!(
            read_all("<sst><si><t>a</si></t"),
            Err(ImportError::Damaged { .. }) | Ok(_)
        ));
    }

    const MAX_CELL: usize = crate::io::limits::MAX_CELL_CHARS;

    #[test]
    fn paced_reading_suspends_and_reads_the_same() {
        let xml = format!(
            "<sst>{}</sst>",
            (0..3 * STEP)
                .map(|i| format!("<si><t>指标{i}</t></si>"))
                .collect::<String>()
        );
        let (paced, waits) = drive(all(&xml, &mut Suspending));
        assert!(waits >= 3, "{waits} waits");
        let paced = paced.unwrap_or_default();
        assert_eq!(paced.len(), 3 * STEP);
        assert_eq!(paced, read_all(&xml).unwrap_or_default());
    }

    #[test]
    fn strings_are_read_only_as_far_as_asked() {
        let xml = format!(
            r#"<sst uniqueCount="{n}">{}</sst>"#,
            (0..5000)
                .map(|i| format!("<si><t>指标{i}</t></si>"))
                .collect::<String>(),
            n = 5000
        );
        let file = (xml.as_bytes(), "p".to_string(), xml.len() as u64);
        let Ok(mut strings) = Strings::open(Some(file)) else {
            panic!("not opened");
        };
        assert_eq!(strings.strings.len(), 0);
        assert!(finish(strings.ensure(9, &mut Straight, 0.0)).is_some_and(|r| r.is_ok()));
        assert_eq!(strings.get(9).map(|s| s.as_str()), Some("指标9"));
        assert!(
            strings.strings.len() < 300,
            "{} read",
            strings.strings.len()
        );
        assert!(finish(strings.ensure(4999, &mut Straight, 0.0)).is_some_and(|r| r.is_ok()));
        assert_eq!(strings.get(4999).map(|s| s.as_str()), Some("指标4999"));
        // Past the end: the part is read to its end, and there is no such string.
        assert!(finish(strings.ensure(6000, &mut Straight, 0.0)).is_some_and(|r| r.is_ok()));
        assert_eq!(strings.get(6000), None);
        assert!(strings.xml.is_none());
        // A count the part cannot hold is refused as soon as it is opened.
        let lie = r#"<sst uniqueCount="4000000000"><si><t>a</t></si></sst>"#;
        let file = (lie.as_bytes(), "p".to_string(), lie.len() as u64);
        assert!(matches!(
            Strings::open(Some(file)),
            Err(ImportError::TooManyStrings { .. })
        ));
    }

    /// A reader that hands out at most `n` bytes per read.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            let (now, rest) = self.0.split_at(n);
            buf.get_mut(..n).unwrap_or_default().copy_from_slice(now);
            self.0 = rest;
            Ok(n)
        }
    }

    /// Every string of `file`, tokenized through a buffer of `capacity` bytes to start with.
    fn read_with<R: Read>(
        file: R,
        size: usize,
        capacity: usize,
    ) -> Result<Vec<String>, ImportError> {
        let file = (file, "xl/sharedStrings.xml".to_string(), size as u64);
        let mut strings = Strings::open_with(Some(file), capacity)?;
        finish(strings.ensure(usize::MAX - 1, &mut Straight, 0.0))
            .unwrap_or_else(|| Err(super::super::damaged("waited")))?;
        Ok(strings.strings.iter().map(|s| s.to_string()).collect())
    }

    /// Each string's text as Excel shows it, for the part below.
    const EVERY_FORM: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n\
        <!-- a > comment --><sst xmlns=\"x\" count=\"9\" uniqueCount=\"9\">\
        <si><t>人均GDP</t></si><si/>\
        <si><r><rPr><b/><sz val=\"11\"/></rPr><t xml:space=\"preserve\"> 单位 </t></r>\
        <r><t>  亿元\r\n</t></r><rPh sb=\"0\" eb=\"1\"><t>タン</t></rPh><phoneticPr fontId=\"1\"/></si>\
        <si></si><si><t>a&amp;b&lt;&gt;&quot;&apos;&#26576;&#x41;&unknown;_x000D_</t></si>\
        <si><t><![CDATA[<b>&amp;</b>\r\n]]>x</t></si><si><t/></si>\
        <si><t xml:space='preserve'>a&#13;&#10;b\r\nc\rd</t></si><si><rPh sb=\"0\" eb=\"0\"/><r><t>末</t></r></si></sst>";

    fn every_form() -> Vec<&'static str> {
        vec![
            "人均GDP",
            "",
            " 单位 亿元",
            "",
            "a&b<>\"'某A&unknown;\r",
            "<b>&amp;</b>\nx",
            "",
            "a\r\nb\nc\nd",
            "末",
        ]
    }

    #[test]
    fn every_form_reads_the_same_whatever_the_buffer() {
        let xml = EVERY_FORM.as_bytes();
        assert_eq!(read_all(EVERY_FORM).unwrap_or_default(), every_form());
        for n in 1..=64 {
            let small = read_with(xml, xml.len(), n);
            assert_eq!(small.unwrap_or_default(), every_form(), "capacity {n}");
            let trickled = read_with(Trickle(xml, n), xml.len(), super::super::BUFFER);
            assert_eq!(
                trickled.unwrap_or_default(),
                every_form(),
                "{n} bytes a read"
            );
        }
    }

    #[test]
    fn empty_strings_keep_their_place() {
        let xml = r#"<sst><si/><si><t>a</t></si><si/><si /><si></si><si><r/><t/></si><si><t>b</t></si><si/></sst>"#;
        assert_eq!(
            read_all(xml).unwrap_or_default(),
            vec!["", "a", "", "", "", "", "b", ""]
        );
        // Read only as far as asked, an empty string is counted too.
        let file = (xml.as_bytes(), "p".to_string(), xml.len() as u64);
        let Ok(mut strings) = Strings::open(Some(file)) else {
            panic!("not opened");
        };
        assert!(finish(strings.ensure(2, &mut Straight, 0.0)).is_some_and(|r| r.is_ok()));
        assert_eq!(strings.strings.len(), 3);
        assert_eq!(strings.get(1).map(|s| s.as_str()), Some("a"));
        assert!(finish(strings.ensure(6, &mut Straight, 0.0)).is_some_and(|r| r.is_ok()));
        assert_eq!(strings.get(6).map(|s| s.as_str()), Some("b"));
        // A part that is one empty tag has no strings.
        assert_eq!(read_all("<sst/>").unwrap_or_default(), Vec::<String>::new());
        assert_eq!(
            read_all(r#"<sst uniqueCount="0"/><!-- -->"#).unwrap_or_default(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn phonetic_runs_spaces_and_prefixes_read_as_excel_shows_them() {
        let xml = r#"<sst><si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si><si><rPh><t>ア</t></rPh><r><t>都</t></r></si><si><t> trimmed	</t></si><si><t xml:space="preserve"> kept </t></si><si><t xml:space="default"> x </t></si><si><r><t> a </t></r><r><t xml:space="preserve"> b </t></r></si></sst>"#;
        assert_eq!(
            read_all(xml).unwrap_or_default(),
            vec!["東京", "都", "trimmed", " kept ", "x", "a b "]
        );
        let prefixed = r#"<x:sst xmlns:x="x" x:uniqueCount="2"><x:si><x:t xml:space="preserve"> a </x:t></x:si><x:si><x:r><x:t>b</x:t></x:r><x:rPh sb="0" eb="1"><x:t>c</x:t></x:rPh><x:si/></x:si></x:sst>"#;
        assert_eq!(read_all(prefixed).unwrap_or_default(), vec![" a ", "b"]);
    }

    #[test]
    fn a_part_cut_short_is_damaged_wherever_it_is_cut() {
        let xml = r#"<?xml version="1.0"?><sst uniqueCount="2"><si><t>指标&amp;</t></si><si><r><t><![CDATA[x]]></t></r></si></sst>"#;
        let declaration = xml.find("?>").map_or(0, |at| at + 2);
        assert_eq!(read_all(xml).unwrap_or_default(), vec!["指标&", "x"]);
        assert_eq!(
            read_all(&xml[..declaration]).unwrap_or_default(),
            Vec::<String>::new()
        );
        for cut in declaration + 1..xml.len() {
            let Some(short) = xml.get(..cut) else {
                continue;
            };
            match read_all(short) {
                Err(ImportError::Damaged { detail }) => {
                    assert!(detail.starts_with("xl/sharedStrings.xml: "), "{detail}");
                }
                other => panic!("cut at {cut}: {other:?}"),
            }
        }
        let Err(ImportError::Damaged { detail }) = read_all(r#"<sst><si><t>a</t></si>"#) else {
            panic!("read");
        };
        assert!(
            detail.ends_with("the XML ends inside the shared strings"),
            "{detail}"
        );
        assert!(matches!(
            read_all("<sst><si><t>\u{fffd}</t></si></sst>\u{fffd}"),
            Ok(strings) if strings == ["\u{fffd}"]
        ));
    }

    #[test]
    fn a_declared_count_the_part_cannot_hold_is_refused() {
        let count = |sst: &str, size: u64| {
            let xml = format!("{sst}<si><t>a</t></si></sst>");
            let file = (xml.as_bytes(), "p".to_string(), size);
            Strings::open(Some(file)).map(|s| s.strings.len())
        };
        let too_many =
            |r: Result<usize, ImportError>| matches!(r, Err(ImportError::TooManyStrings { .. }));
        // Each string takes at least 4 bytes, and 1,024 more are allowed.
        assert!(count(r#"<sst uniqueCount="1274">"#, 1000).is_ok());
        assert!(too_many(count(r#"<sst uniqueCount="1275">"#, 1000)));
        assert!(too_many(count(r#"<x:sst x:uniqueCount = '+1275' >"#, 1000)));
        assert!(too_many(count(
            "<sst\n\tcount=\"1\"\n\tuniqueCount=\"99999999999999999999999\">",
            1000
        )));
        // However large the part, no more than the limit.
        let max = MAX_SHARED_STRINGS;
        assert!(count(&format!(r#"<sst uniqueCount="{max}">"#), u64::MAX).is_ok());
        assert!(too_many(count(
            &format!(r#"<sst uniqueCount="{}">"#, max + 1),
            u64::MAX
        )));
        // Not a count, another attribute, or written a second time: no declared count.
        for sst in [
            r#"<sst uniqueCount="many">"#,
            r#"<sst uniqueCount="">"#,
            r#"<sst count="4000000000">"#,
            r#"<sst uniqueCount="1" uniqueCount="4000000000">"#,
        ] {
            assert_eq!(count(sst, 1000).ok(), Some(0), "{sst}");
        }
    }
}
