//! The shared strings of an `.xlsx` (`sharedStrings.xml`), read as the cells need them and
//! checked against the limits as they are read: the count (and the declared `uniqueCount`), each string's length,
//! all text together, and the nesting of the XML.

use super::text::Rich;
use crate::error::ImportError;
use crate::io::limits::{self, Budget, MAX_PART_BYTES, MAX_SHARED_STRINGS, MAX_XML_DEPTH};
#[cfg(test)]
use crate::pace::STEP;
use crate::pace::{Pace, Stage};
use crate::plan::CellText;
use quick_xml::events::Event;
use std::io::{BufReader, Read, Take};

/// The shared strings of a workbook, read as far as the cells need them: most writers number
/// the strings in the order the cells first use them, so the first rows of a sheet need only the
/// first strings, and a first screen is not held back by the whole part (11 MB of rich strings
/// in LibreOffice's 20,000-row file). Each `<si>` is one string, in order (an empty `<si/>` is an
/// empty string: the cells count the strings by position).
pub struct Strings<R: Read> {
    /// The part being read; `None` once it is read to its end (or when there is none).
    xml: Option<quick_xml::Reader<BufReader<Take<R>>>>,
    part: String,
    size: u64,
    strings: Vec<CellText>,
    budget: Budget,
    depth: usize,
    /// Inside an `<si>`: the string being read, and the depth of its `<si>`.
    rich: Rich,
    si_depth: Option<usize>,
    buf: Vec<u8>,
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
        let (xml, part, size) = match file {
            Some((file, part, size)) => {
                let mut xml = quick_xml::Reader::from_reader(BufReader::with_capacity(
                    super::BUFFER,
                    file.take(MAX_PART_BYTES),
                ));
                let config = xml.config_mut();
                config.check_end_names = false;
                config.expand_empty_elements = true;
                (Some(xml), part, size)
            }
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
            buf: Vec::new(),
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
    /// [`super::EVENT_STEP`] events and reporting `fraction` then.
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
            self.read_until(|s| s.strings.len() > index || s.since_step >= super::EVENT_STEP)?;
            if self.since_step >= super::EVENT_STEP {
                self.since_step = 0;
                pace.step(Stage::Read, fraction).await;
            }
        }
        Ok(())
    }

    /// Reads events until `done` holds after one, or the part ends.
    fn read_until(&mut self, done: impl Fn(&Self) -> bool) -> Result<(), ImportError> {
        while let Some(xml) = self.xml.as_mut() {
            self.buf.clear();
            self.since_step += 1;
            let part = &self.part;
            let event = xml
                .read_event_into(&mut self.buf)
                .map_err(|e| super::damaged(format!("{part}: {e}")))?;
            match event {
                Event::Start(e) => {
                    self.depth += 1;
                    if self.depth > MAX_XML_DEPTH {
                        return Err(ImportError::TooDeep {
                            part: part.clone(),
                            limit: MAX_XML_DEPTH,
                        });
                    }
                    match e.local_name().as_ref() {
                        "sst" => limits::check_unique_count(&e, self.size)?,
                        "si" if self.si_depth.is_none() => {
                            if self.strings.len() >= MAX_SHARED_STRINGS {
                                return Err(ImportError::TooManyStrings {
                                    strings: self.strings.len() + 1,
                                    limit: MAX_SHARED_STRINGS,
                                });
                            }
                            self.rich.clear();
                            self.si_depth = Some(self.depth);
                        }
                        _ if self.si_depth.is_some() => self.rich.start(&e),
                        _ => {}
                    }
                }
                Event::End(e) => {
                    if self.si_depth == Some(self.depth) {
                        self.si_depth = None;
                        self.budget.add_text(part, &self.rich.out, 1)?;
                        self.strings.push(CellText::from(self.rich.out.as_str()));
                    } else if self.si_depth.is_some() {
                        self.rich.end(e.local_name().as_ref());
                    }
                    self.depth = self.depth.saturating_sub(1);
                }
                Event::Text(t) if self.si_depth.is_some() => {
                    self.rich.text(&t.xml10_content(), part)?;
                }
                Event::CData(t) if self.si_depth.is_some() => {
                    self.rich.text(&t.xml10_content(), part)?;
                }
                Event::GeneralRef(r) if self.si_depth.is_some() => {
                    self.scratch.clear();
                    super::push_reference(&r, &mut self.scratch);
                    self.rich.text(&self.scratch, part)?;
                }
                // Cut short inside a string: the cells after it would lose their text quietly.
                Event::Eof if self.depth > 0 => {
                    return Err(super::damaged(format!(
                        "{part}: the XML ends inside the shared strings"
                    )));
                }
                Event::Eof => {
                    self.xml = None;
                    self.strings.shrink_to_fit();
                    return Ok(());
                }
                _ => {}
            }
            if done(self) {
                return Ok(());
            }
        }
        Ok(())
    }
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
}
