//! The first screen of a large file: the first rows of its table, shown read-only while the
//! rest is read ([`crate::io::import_showing`]), then replaced by the whole plan.
//!
//! While it shows, the grid root carries `data-loading="true"`, the sheet tabs are disabled
//! and every edit (typed, pasted, undone, from a panel) is refused with a visible message,
//! never silently dropped.

use super::i18n::first_screen_texts;
use crate::error::Lang;
use leptos::prelude::*;

/// Whether a first screen is showing, and whether an edit was refused meanwhile. Provided as
/// a context by the app.
#[derive(Clone, Copy)]
pub struct FirstScreen {
    loading: RwSignal<bool>,
    refused: RwSignal<bool>,
}

impl FirstScreen {
    pub fn new() -> Self {
        Self {
            loading: RwSignal::new(false),
            refused: RwSignal::new(false),
        }
    }

    /// A first screen is shown: edits are refused until [`finish`](Self::finish).
    pub fn start(&self) {
        self.refused.set(false);
        self.loading.set(true);
    }

    /// The whole file is in (or could not be read): edits are taken again. The message of a
    /// refused edit stays until it is closed, so that it is not missed.
    pub fn finish(&self) {
        self.loading.set(false);
    }

    /// Whether a first screen is showing (tracked).
    pub fn loading(&self) -> bool {
        self.loading.get()
    }

    /// Refuses an edit if a first screen is showing, saying so; `true` when refused. An edit
    /// taken later closes the message of one refused before.
    pub fn refuses_edit(&self) -> bool {
        let refuse = self.loading.get_untracked();
        if refuse || self.refused.get_untracked() {
            self.refused.set(refuse);
        }
        refuse
    }

    /// `data-loading` of the grid root: `"true"` while a first screen shows.
    pub fn data_loading(&self) -> Option<&'static str> {
        self.loading().then_some("true")
    }
}

/// The context's first screen, if the app provides one.
pub fn current() -> Option<FirstScreen> {
    use_context::<FirstScreen>()
}

/// The note above the grid while the rest is read, and the message of a refused edit.
#[component]
pub fn FirstScreenNotes(first: FirstScreen, lang: ReadSignal<Lang>) -> impl IntoView {
    view! {
        <Show when=move || first.loading.get()>
            <div class="first-screen-note" data-testid="loading-note">
                {move || first_screen_texts(lang.get()).loading_note}
            </div>
        </Show>
        <Show when=move || first.refused.get()>
            <div class="error" role="alert" data-testid="edit-refused">
                {move || first_screen_texts(lang.get()).edit_refused}
                " "
                <button
                    class="button ghost"
                    data-testid="edit-refused-close"
                    on:click=move |_| first.refused.set(false)
                >
                    "×"
                </button>
            </div>
        </Show>
    }
}
