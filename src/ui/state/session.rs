//! Saved pages ([`Session`]) and autosave ([`Journal`]): where a document started, the edits
//! since, and the slots that keep them per tab.

use super::*;
use crate::error::PageError;
use serde::{Deserialize, Serialize};

/// What autosave keeps and a saved page embeds: the document, its undo history and the
/// language, so that a reload or a crash loses nothing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The format version, for later migrations.
    pub version: u32,
    pub doc: Option<Doc>,
    #[serde(default)]
    pub undo: Vec<Edit>,
    #[serde(default)]
    pub redo: Vec<Edit>,
    #[serde(default)]
    pub lang: crate::error::Lang,
}

/// The current session format.
pub const SESSION_VERSION: u32 = 1;

/// `value` as JSON, or why not.
fn to_json<T: serde::Serialize>(value: &T) -> Result<String, PageError> {
    serde_json::to_string(value).map_err(|e| PageError::NotSerialized {
        detail: e.to_string(),
    })
}

impl Session {
    /// The session as JSON.
    ///
    /// # Errors
    /// [`PageError::NotSerialized`] (the serializer fails only on non-string map keys, which
    /// the types have not).
    pub fn to_json(&self) -> Result<String, PageError> {
        to_json(self)
    }

    /// A session read back from JSON; `None` for anything that is not one of ours.
    pub fn from_json(json: &str) -> Option<Self> {
        serde_json::from_str::<Self>(json)
            .ok()
            .filter(|s| s.version == SESSION_VERSION)
    }
}

/// Where an autosaved session starts before its edits are replayed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Origin {
    /// Nothing open.
    #[default]
    None,
    /// The built-in demo.
    Demo,
    /// A file whose bytes the browser keeps (IndexedDB) under `key`.
    File { key: String },
    /// The plan embedded in the saved page.
    Page,
}

/// The key under which the browser keeps a file's bytes: the time it was opened (`now_ms`,
/// so keys sort by age) and a fingerprint of the bytes.
pub fn file_key(bytes: &[u8], now_ms: f64) -> String {
    format!(
        "{:015}-{}",
        now_ms.max(0.0) as u64,
        words_fingerprint(bytes)
    )
}

/// FNV-1a over 8-byte words (then the last bytes one by one): the key of a file of several
/// megabytes is made while the user waits for it to open, and the byte-by-byte hash took
/// ≈ 70 ms of a 5 MB `.xls` in the page. Empty bytes give FNV's offset basis, as before.
fn words_fingerprint(bytes: &[u8]) -> String {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    let mut words = bytes.chunks_exact(8);
    for chunk in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        hash = (hash ^ u64::from_le_bytes(word)).wrapping_mul(PRIME);
    }
    for b in words.remainder() {
        hash = (hash ^ u64::from(*b)).wrapping_mul(PRIME);
    }
    format!("{hash:016x}")
}

/// What autosave writes after every change: where the document came from and the edits made
/// since, so a write costs the size of the edits, never of the plan (a 100,000-row plan does
/// not fit in the browser's small storage, and serialising it on every keystroke would freeze
/// the page). Reopening replays the edits on the same start.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Journal {
    pub version: u32,
    pub origin: Origin,
    pub file_name: String,
    /// The sheet on screen.
    pub active: usize,
    /// Every edit applied since the document was opened, in order (undo and redo add the edit
    /// they applied).
    pub log: Vec<Edit>,
    pub undo: Vec<Edit>,
    pub redo: Vec<Edit>,
    pub lang: crate::error::Lang,
    /// When it was written (milliseconds since 1970, from the page): which tab's slot is the
    /// latest work. 0 in journals written before slots were per tab.
    #[serde(default)]
    pub saved_at: f64,
}

/// The current journal format.
pub const JOURNAL_VERSION: u32 = 2;

impl Journal {
    /// The journal as JSON.
    ///
    /// # Errors
    /// [`PageError::NotSerialized`] with the serializer's message.
    pub fn to_json(&self) -> Result<String, PageError> {
        to_json(self)
    }

    /// A journal read back from JSON; `None` for anything that is not one of ours.
    pub fn from_json(json: &str) -> Option<Self> {
        serde_json::from_str::<Self>(json)
            .ok()
            .filter(|j| j.version == JOURNAL_VERSION)
    }

    /// The document as it was: `start` with the logged edits applied and the sheet that was
    /// on screen.
    pub fn replay(&self, mut start: Doc) -> Doc {
        for edit in &self.log {
            start.apply(edit.clone());
        }
        if start.imported.sheets.get(self.active).is_some() {
            start.active = self.active;
        }
        start
    }
}

/// What a document started as, for rebuilding it elsewhere (the export worker): the opened
/// file's bytes (a file or the demo), or the session JSON embedded in a saved page.
#[derive(Clone, Debug, PartialEq)]
pub enum Start {
    File(Vec<u8>),
    Session(String),
}

impl Journal {
    /// The document rebuilt from where it started: the file imported again (or the saved
    /// page's session read again) and the logged edits replayed, exactly as a reload does.
    ///
    /// # Errors
    /// [`PageError::Import`] when the file no longer imports, [`PageError::SavedPageUnreadable`]
    /// when the saved page's session is not ours.
    pub async fn rebuild_paced<P: crate::pace::Pace>(
        &self,
        start: &Start,
        pace: &mut P,
    ) -> Result<Doc, PageError> {
        let doc = match start {
            Start::File(bytes) => {
                let imported = crate::io::import_paced(bytes, pace)
                    .await
                    .map_err(|error| PageError::Import {
                        file: self.file_name.clone(),
                        error,
                    })?;
                Doc::new(self.file_name.clone(), imported)
            }
            Start::Session(json) => Session::from_json(json)
                .and_then(|s| s.doc)
                .ok_or(PageError::SavedPageUnreadable)?,
        };
        Ok(self.replay(doc))
    }
}

/// The prefix of the autosave slots' keys in the browser's storage: one family for the plain
/// app, and one per saved page (named by its embedded plan) so that opening a saved page never
/// overwrites other work. Each tab writes its own slot in the family ([`slot_key`]), so two
/// tabs never overwrite each other's work either.
pub fn autosave_prefix(embedded_plan: Option<&str>) -> String {
    match embedded_plan {
        Some(json) => format!(
            "zhibiao.session.{}",
            crate::io::write::share::fingerprint(json)
        ),
        None => "zhibiao.session".to_string(),
    }
}

/// How many autosave slots of one family are kept (the newest; one per tab that worked).
pub const SLOTS_KEPT: usize = 4;

/// The slot of tab `tab` in the family `prefix`.
pub fn slot_key(prefix: &str, tab: &str) -> String {
    format!("{prefix}#{tab}")
}

/// Whether `key` is a slot of the family `prefix`: a tab's, or the family's single slot of
/// earlier versions (the prefix itself).
pub fn is_slot_of(prefix: &str, key: &str) -> bool {
    key == prefix
        || key
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('#'))
}

/// The slot a page starts from, among the family's `saved` slots (key, journal): the tab's own
/// (a reload keeps the tab), else the latest saved with a document open (a new tab, or the
/// browser started again after a crash, carries on with the latest work; a tab left empty by
/// 新建 does not hide it), else the latest.
pub fn starting_slot<'a>(own: &str, saved: &'a [(String, Journal)]) -> Option<&'a Journal> {
    let latest = |with_doc: bool| {
        saved
            .iter()
            .filter(|(_, j)| !with_doc || j.origin != Origin::None)
            .max_by(|a, b| a.1.saved_at.total_cmp(&b.1.saved_at))
    };
    saved
        .iter()
        .find(|(key, _)| key == own)
        .or_else(|| latest(true))
        .or_else(|| latest(false))
        .map(|(_, j)| j)
}

/// The slots to remove after `own` was written: all but the newest [`SLOTS_KEPT`] of the family
/// (`own` is always kept).
pub fn stale_slots(own: &str, saved: &[(String, Journal)]) -> Vec<String> {
    let mut others: Vec<&(String, Journal)> = saved.iter().filter(|(k, _)| k != own).collect();
    others.sort_by(|a, b| b.1.saved_at.total_cmp(&a.1.saved_at));
    others
        .into_iter()
        .skip(SLOTS_KEPT.saturating_sub(1))
        .map(|(k, _)| k.clone())
        .collect()
}

/// The slots of an earlier version's storage (localStorage: `key`, JSON) to carry into the
/// current store once, given what the current store already `kept`: each readable journal of the
/// family whose slot the store has not, or holds an older one of. The caller writes them, then
/// removes every listed key from the old storage whether or not it was carried (an unreadable
/// journal would never be read again).
pub fn slots_to_migrate(
    prefix: &str,
    old: &[(String, String)],
    kept: &[(String, Journal)],
) -> Vec<(String, Journal)> {
    old.iter()
        .filter(|(key, _)| is_slot_of(prefix, key))
        .filter_map(|(key, json)| Some((key.clone(), Journal::from_json(json)?)))
        .filter(|(key, journal)| {
            kept.iter()
                .find(|(k, _)| k == key)
                .is_none_or(|(_, have)| have.saved_at < journal.saved_at)
        })
        .collect()
}

/// Autosave's writes, one at a time: the page offers the journal after every change
/// ([`push`](Self::push)); when no write is in flight it is written at once, else it waits for
/// the write in flight to end ([`written`](Self::written)), replacing any journal that waited
/// before it. Each journal holds every edit before it, so the latest is the only one worth
/// writing: at most one write is in flight, none waits behind more than one, and the last
/// journal offered is always the last written (nothing is dropped).
#[derive(Debug)]
pub struct WriteQueue<T> {
    writing: bool,
    next: Option<T>,
}

impl<T> Default for WriteQueue<T> {
    fn default() -> Self {
        Self {
            writing: false,
            next: None,
        }
    }
}

impl<T> WriteQueue<T> {
    /// An idle queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// A new state to write: returned when nothing is being written (the caller writes it now
    /// and calls [`written`](Self::written) when the write is over), else kept as the next
    /// one, in place of an older one still waiting.
    pub fn push(&mut self, state: T) -> Option<T> {
        if self.writing {
            self.next = Some(state);
            None
        } else {
            self.writing = true;
            Some(state)
        }
    }

    /// The write in flight is over (committed or failed): the state to write next, if one came
    /// meanwhile (the caller writes it and calls this again when that is over).
    pub fn written(&mut self) -> Option<T> {
        let next = self.next.take();
        self.writing = next.is_some();
        next
    }

    /// Whether a write is in flight.
    pub fn is_writing(&self) -> bool {
        self.writing
    }

    /// Whether a state waits behind the write in flight.
    pub fn is_waiting(&self) -> bool {
        self.next.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_starts_at_once_when_idle() {
        let mut q = WriteQueue::new();
        assert_eq!(q.push(1), Some(1));
        assert!(q.is_writing());
        assert_eq!(q.written(), None);
        assert!(!q.is_writing());
        assert_eq!(q.push(2), Some(2));
    }

    #[test]
    fn states_offered_during_a_write_coalesce_to_the_latest() {
        let mut q = WriteQueue::new();
        assert_eq!(q.push("a"), Some("a"));
        assert_eq!(q.push("b"), None);
        assert_eq!(q.push("c"), None);
        assert!(q.is_waiting());
        // "a" is committed: "c" goes next, "b" (which "c" contains) never.
        assert_eq!(q.written(), Some("c"));
        assert!(q.is_writing() && !q.is_waiting());
        assert_eq!(q.push("d"), None);
        assert_eq!(q.written(), Some("d"));
        assert_eq!(q.written(), None);
        assert!(!q.is_writing());
    }

    /// Any interleaving of offers and completed writes: never two writes in flight, and once
    /// the writes settle the last state written is the last one offered.
    #[test]
    fn the_last_state_offered_is_always_the_last_written() {
        // A small deterministic generator: every pattern of 12 steps (offer or complete).
        for pattern in 0u32..(1 << 12) {
            let mut q = WriteQueue::new();
            let (mut in_flight, mut offered, mut last_written) = (None, 0u32, None);
            for step in 0..12 {
                if pattern & (1 << step) != 0 {
                    offered += 1;
                    if let Some(s) = q.push(offered) {
                        assert!(in_flight.is_none(), "two writes in flight");
                        in_flight = Some(s);
                    }
                } else if let Some(done) = in_flight.take() {
                    last_written = Some(done);
                    in_flight = q.written();
                }
            }
            // Let the writes settle.
            while let Some(done) = in_flight.take() {
                last_written = Some(done);
                in_flight = q.written();
            }
            assert_eq!(
                last_written,
                (offered > 0).then_some(offered),
                "{pattern:b}"
            );
            assert!(!q.is_writing() && !q.is_waiting());
        }
    }

    fn journal(saved_at: f64) -> Journal {
        Journal {
            version: JOURNAL_VERSION,
            origin: Origin::Demo,
            saved_at,
            ..Journal::default()
        }
    }

    #[test]
    fn old_slots_are_carried_over_unless_the_store_has_newer() {
        let json = |at: f64| journal(at).to_json().unwrap_or_default();
        let old = vec![
            ("zhibiao.session#a".to_string(), json(100.0)),
            ("zhibiao.session#b".to_string(), json(100.0)),
            ("zhibiao.session".to_string(), json(0.0)),
            ("zhibiao.session#c".to_string(), "{not ours".to_string()),
            ("zhibiao.session.f00#d".to_string(), json(100.0)),
            ("zhibiao.tab".to_string(), "x".to_string()),
        ];
        let kept = vec![
            ("zhibiao.session#a".to_string(), journal(50.0)),
            ("zhibiao.session#b".to_string(), journal(200.0)),
        ];
        let carried: Vec<String> = slots_to_migrate("zhibiao.session", &old, &kept)
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(carried, ["zhibiao.session#a", "zhibiao.session"]);
        assert!(slots_to_migrate("zhibiao.session", &[], &kept).is_empty());
    }
}
