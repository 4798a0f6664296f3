//! Autosave in the page: the journal (where the document came from and the edits since) is
//! written to IndexedDB after every change, in a transaction of its own that completes only
//! once it is on disk, so a tab or browser killed right after an edit loses nothing that was
//! committed. Writes go one at a time through a [`WriteQueue`]: while one is in flight, later
//! changes wait as one journal, the latest.
//!
//! At start-up the family's slots are read back (asynchronously), those an earlier version kept
//! in localStorage are carried over once, and all but the newest few are removed.

use super::browser;
use super::state::{is_slot_of, slots_to_migrate, stale_slots, Journal, WriteQueue};
use crate::error::PageError;
use std::cell::RefCell;
use std::rc::Rc;

/// The autosave slots of the family `prefix` (key, journal), for a tab whose own slot is `own`:
/// read from IndexedDB after carrying over, once, what localStorage held; stale slots removed.
/// Where IndexedDB cannot be used, localStorage's slots as they are.
pub async fn load_slots(prefix: &str, own: &str) -> Vec<(String, Journal)> {
    let old = browser::stored_with(|key| is_slot_of(prefix, key));
    let parse = |slots: Vec<(String, String)>| -> Vec<(String, Journal)> {
        slots
            .into_iter()
            .filter(|(key, _)| is_slot_of(prefix, key))
            .filter_map(|(key, json)| Some((key, Journal::from_json(&json)?)))
            .collect()
    };
    let mut saved = match browser::journals().await {
        Ok(kept) => parse(kept),
        Err(e) => {
            leptos::logging::warn!("autosave: IndexedDB unreadable ({e}); localStorage used");
            return parse(old);
        }
    };
    if !old.is_empty() {
        let carried = slots_to_migrate(prefix, &old, &saved);
        let put: Vec<(String, String)> = carried
            .iter()
            .filter_map(|(key, journal)| Some((key.clone(), journal.to_json().ok()?)))
            .collect();
        match browser::write_journals(&put, &[]).await {
            Ok(()) => {
                for (key, _) in &old {
                    browser::forget(key);
                }
                for (key, journal) in carried {
                    saved.retain(|(k, _)| *k != key);
                    saved.push((key, journal));
                }
            }
            Err(e) => {
                leptos::logging::warn!("autosave: localStorage slots not carried over ({e})");
                return parse(old);
            }
        }
    }
    let stale = stale_slots(own, &saved);
    if !stale.is_empty() && browser::write_journals(&[], &stale).await.is_ok() {
        saved.retain(|(key, _)| !stale.contains(key));
    }
    saved
}

/// Writes a tab's journal to its slot, one write at a time, the latest journal winning.
#[derive(Clone)]
pub struct Saver {
    key: Rc<str>,
    queue: Rc<RefCell<WriteQueue<String>>>,
    failed: Rc<dyn Fn(PageError)>,
}

impl Saver {
    /// A saver for the slot `key`; `failed` hears why when a write fails.
    pub fn new(key: &str, failed: impl Fn(PageError) + 'static) -> Self {
        Self {
            key: Rc::from(key),
            queue: Rc::new(RefCell::new(WriteQueue::new())),
            failed: Rc::new(failed),
        }
    }

    /// Writes `journal` now, or after the write in flight (in place of any journal waiting).
    pub fn save(&self, journal: &Journal) {
        let json = match journal.to_json() {
            Ok(json) => json,
            Err(e) => return (self.failed)(e),
        };
        let first = self.queue.borrow_mut().push(json);
        if let Some(first) = first {
            let this = self.clone();
            leptos::task::spawn_local(async move { this.write_from(first).await });
        }
    }

    /// Writes `first`, then whatever waited meanwhile, until nothing waits.
    async fn write_from(self, first: String) {
        let mut next = Some(first);
        while let Some(json) = next {
            let put = [(self.key.to_string(), json)];
            if let Err(e) = browser::write_journals(&put, &[]).await {
                (self.failed)(e);
            }
            next = self.queue.borrow_mut().written();
        }
    }
}
