//! What the status bar says: a state (empty, loading, ready, error) and a message worded in the
//! page's language when it is shown.

use super::i18n::{texts, Texts};
use crate::error::Lang;

/// What the status bar says.
#[derive(Clone)]
pub(super) enum Status {
    Empty,
    Loading(String),
    Ready(Said),
    Error(Said),
}

/// A message of the status bar, worded in the page's language when it is shown (switching the
/// language rewords it).
#[derive(Clone)]
pub(super) struct Said(std::sync::Arc<dyn Fn(Lang) -> String + Send + Sync>);

impl Said {
    pub(super) fn new(words: impl Fn(Lang) -> String + Send + Sync + 'static) -> Self {
        Self(std::sync::Arc::new(words))
    }

    /// Words made elsewhere (a consolidation's outcome).
    pub(super) fn from_words(words: std::sync::Arc<dyn Fn(Lang) -> String + Send + Sync>) -> Self {
        Self(words)
    }

    /// `what：name` (a finished action on a file).
    pub(super) fn done(what: fn(&Texts) -> &'static str, name: String) -> Self {
        Self::new(move |l| format!("{}{}{name}", what(texts(l)), texts(l).colon))
    }

    pub(super) fn say(&self, lang: Lang) -> String {
        (self.0)(lang)
    }
}

impl Status {
    pub(super) fn state(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::Loading(_) => "loading",
            Self::Ready(_) => "ready",
            Self::Error(_) => "error",
        }
    }
}
