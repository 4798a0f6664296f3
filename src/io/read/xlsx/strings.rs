//! The shared strings of an `.xlsx` (`sharedStrings.xml`), read in slices and checked against
//! the limits as they are read: the count (and the declared `uniqueCount`), each string's length,
//! all text together, and the nesting of the XML.

use super::text::Rich;
use crate::error::ImportError;
use crate::io::limits::{self, Budget, MAX_PART_BYTES, MAX_SHARED_STRINGS, MAX_XML_DEPTH};
#[cfg(test)]
use crate::pace::STEP;
use crate::pace::{Pace, Stage};
use crate::plan::CellText;
use quick_xml::events::Event;
use std::io::{BufReader, Read};

/// Reads every `<si>` of the part, in order (an empty `<si/>` is an empty string: the cells count
/// the strings by position). `size` is the part's uncompressed size as its zip directory states
/// it; `progress` maps the fraction of it read to the fraction reported with [`Stage::Read`].
///
/// # Errors
/// [`ImportError::TooManyStrings`], [`ImportError::TextTooLong`], [`ImportError::TooMuchText`],
/// [`ImportError::TooDeep`] when a limit is exceeded; [`ImportError::Damaged`] when the XML
/// cannot be read.
pub async fn read<P: Pace>(
    file: impl Read,
    part: &str,
    size: u64,
    pace: &mut P,
    progress: impl Fn(f64) -> f64,
) -> Result<Vec<CellText>, ImportError> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::with_capacity(
        super::BUFFER,
        file.take(MAX_PART_BYTES),
    ));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::new();
    let mut strings: Vec<CellText> = Vec::new();
    let mut budget = Budget::default();
    let mut depth = 0usize;
    // Inside an <si>: the string being read, and the depth of its <si>.
    let mut rich = Rich::default();
    let mut si_depth: Option<usize> = None;
    let mut scratch = String::new();
    let whole = size.max(1) as f64;
    let mut since_step = 0usize;
    loop {
        buf.clear();
        since_step += 1;
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| super::damaged(format!("{part}: {e}")))?;
        match event {
            Event::Start(e) => {
                depth += 1;
                if depth > MAX_XML_DEPTH {
                    return Err(ImportError::TooDeep {
                        part: part.to_string(),
                        limit: MAX_XML_DEPTH,
                    });
                }
                match e.local_name().as_ref() {
                    "sst" => limits::check_unique_count(&e, size)?,
                    "si" if si_depth.is_none() => {
                        if strings.len() >= MAX_SHARED_STRINGS {
                            return Err(ImportError::TooManyStrings {
                                strings: strings.len() + 1,
                                limit: MAX_SHARED_STRINGS,
                            });
                        }
                        rich.clear();
                        si_depth = Some(depth);
                    }
                    _ if si_depth.is_some() => rich.start(&e),
                    _ => {}
                }
            }
            Event::End(e) => {
                if si_depth == Some(depth) {
                    si_depth = None;
                    budget.add_text(part, &rich.out, 1)?;
                    strings.push(CellText::from(rich.out.as_str()));
                    if since_step >= super::EVENT_STEP {
                        since_step = 0;
                        let read = xml.buffer_position() as f64;
                        pace.step(Stage::Read, progress(read / whole)).await;
                    }
                } else if si_depth.is_some() {
                    rich.end(e.local_name().as_ref());
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(t) if si_depth.is_some() => rich.text(&t.xml10_content(), part)?,
            Event::CData(t) if si_depth.is_some() => rich.text(&t.xml10_content(), part)?,
            Event::GeneralRef(r) if si_depth.is_some() => {
                scratch.clear();
                super::push_reference(&r, &mut scratch);
                rich.text(&scratch, part)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    strings.shrink_to_fit();
    Ok(strings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pace::testing::{drive, Suspending};
    use crate::pace::{finish, Straight};

    fn read_all(xml: &str) -> Result<Vec<String>, ImportError> {
        let got = finish(read(
            xml.as_bytes(),
            "xl/sharedStrings.xml",
            xml.len() as u64,
            &mut Straight,
            |f| f,
        ));
        got.unwrap_or_else(|| Err(super::super::damaged("waited")))
            .map(|v| v.iter().map(|s| s.to_string()).collect())
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
        let (paced, waits) = drive(read(
            xml.as_bytes(),
            "p",
            xml.len() as u64,
            &mut Suspending,
            |f| f,
        ));
        assert!(waits >= 3, "{waits} waits");
        let paced: Vec<String> = paced
            .unwrap_or_default()
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(paced.len(), 3 * STEP);
        assert_eq!(paced, read_all(&xml).unwrap_or_default());
    }
}
