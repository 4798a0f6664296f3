//! The keyboard and the clipboard: moves as in Excel, typing into a cell, copy and paste of
//! rectangular ranges as tab-separated text, Delete over a selection.

use super::ctx::Grid;
use crate::ui::state::nav::key_move;
use crate::ui::state::{parse_tsv, typed_cell, Edit};
use leptos::prelude::*;

impl Grid {
    /// Writes the editor's text into the active cell and closes the editor.
    pub fn commit(&self, text: String) {
        if let Some((row, col)) = self.active.get_untracked().and_then(|p| self.sheet_pos(p)) {
            self.on_edit.run(Edit::Cell {
                sheet: self.sheet_index(),
                row,
                col,
                raw: typed_cell(&text),
                typed: true,
            });
        }
        self.editing.set(None);
    }

    /// Opens the editor on the active cell, with `initial` (a typed key) or the cell's text;
    /// while a first screen shows, says at once that edits wait for the whole file instead (an
    /// editor left open would vanish with the first screen, and what was typed in it with it).
    pub fn start_editing(&self, initial: Option<String>) {
        if self.first_screen.is_some_and(|f| f.refuses_edit()) {
            return;
        }
        let Some((row, col)) = self.active.get_untracked() else {
            return;
        };
        let text = initial.unwrap_or_else(|| {
            self.peek(|sheet, m, res| m.text(sheet, res, row, col))
                .unwrap_or_default()
        });
        self.editing.set(Some(text));
        let editor = self.editor;
        request_animation_frame(move || {
            if let Some(input) = editor.get_untracked() {
                let _ = input.focus();
            }
        });
    }

    /// The selection as tab-separated lines (the rows a filter hides left out).
    pub fn selection_tsv(&self) -> Option<String> {
        let (a, b) = (self.anchor.get_untracked()?, self.active.get_untracked()?);
        let body = self.body;
        self.peek(|sheet, m, res| {
            let lines: Vec<String> = (a.0.min(b.0)..=a.0.max(b.0))
                .filter(|&r| r < m.body_start || body.with_untracked(|b| b.index_of(r).is_some()))
                .map(|r| {
                    (a.1.min(b.1)..=a.1.max(b.1))
                        .map(|c| m.text(sheet, res, r, c).replace(['\t', '\n', '\r'], " "))
                        .collect::<Vec<_>>()
                        .join("\t")
                })
                .collect();
            lines.join("\r\n")
        })
    }

    /// Pastes tab-separated text at the active cell, as one undoable edit.
    pub fn paste(&self, text: &str) {
        let Some((row, col)) = self.active.get_untracked() else {
            return;
        };
        let sheet = self.sheet_index();
        // Display columns to the sheet's: a completion column takes nothing (it is computed).
        let edits: Vec<Edit> = parse_tsv(text)
            .into_iter()
            .enumerate()
            .flat_map(|(dr, cells)| {
                cells
                    .into_iter()
                    .enumerate()
                    .filter_map(move |(dc, value)| {
                        let (row, col) = self.sheet_pos((row + dr, col + dc))?;
                        Some(Edit::Cell {
                            sheet,
                            row,
                            col,
                            raw: typed_cell(&value),
                            typed: true,
                        })
                    })
            })
            .collect();
        self.on_edit.run(Edit::Batch(edits));
    }

    /// Empties the selected cells of the rows shown, as one undoable edit.
    fn clear_selection(&self) {
        let (Some(a), Some(b)) = (self.anchor.get_untracked(), self.active.get_untracked()) else {
            return;
        };
        let sheet = self.sheet_index();
        let body = self.body;
        let edits = (a.0.min(b.0)..=a.0.max(b.0))
            .filter(|&r| body.with_untracked(|b| b.index_of(r).is_some()))
            .flat_map(|r| {
                (a.1.min(b.1)..=a.1.max(b.1)).filter_map(move |c| {
                    let (row, col) = self.sheet_pos((r, c))?;
                    Some(Edit::Cell {
                        sheet,
                        row,
                        col,
                        raw: crate::plan::RawCell::Empty,
                        typed: true,
                    })
                })
            })
            .collect();
        self.on_edit.run(Edit::Batch(edits));
    }

    /// A key pressed while the grid has the keyboard.
    pub fn on_keydown(&self, ev: &leptos::ev::KeyboardEvent) {
        // A control's keys are its own, except the plan's undo and redo from a menu or a button
        // (a role just chosen is undone with Ctrl+Z where it was chosen).
        if let Some(control) = crate::ui::browser::control_of(ev) {
            let undo = (ev.ctrl_key() || ev.meta_key())
                && matches!(ev.key().as_str(), "z" | "Z" | "y" | "Y");
            if !(undo && control == crate::ui::browser::Control::Menu) {
                return;
            }
        }
        if let Some(text) = self.editing.get_untracked() {
            // Keys typed before the editor has focus (it appears a moment after editing
            // starts): the editor's own keys stop at the editor.
            let Some((r, c)) = self.active.get_untracked() else {
                return;
            };
            let plain = !(ev.ctrl_key() || ev.meta_key() || ev.alt_key());
            match ev.key().as_str() {
                "Escape" => self.editing.set(None),
                "Enter" => {
                    self.commit(text);
                    self.move_down((r, c));
                }
                "Tab" => {
                    self.commit(text);
                    self.move_to((r, c + 1), false);
                }
                k if plain && k.chars().count() == 1 => {
                    self.editing.set(Some(format!("{text}{k}")))
                }
                _ => return,
            }
            ev.prevent_default();
            return;
        }
        let ctrl = ev.ctrl_key() || ev.meta_key();
        let key = ev.key();
        let shift = ev.shift_key();
        if ctrl {
            match key.as_str() {
                "z" | "Z" if !shift => {
                    self.on_undo.run(());
                    ev.prevent_default();
                    return;
                }
                "y" | "Y" | "Z" => {
                    self.on_redo.run(());
                    ev.prevent_default();
                    return;
                }
                _ => {}
            }
        }
        if let Some(mv) = key_move(&key, ctrl) {
            let from = self
                .active
                .get_untracked()
                .unwrap_or_else(|| self.first_in_view());
            if let Some(to) = self.nav_step(mv, from) {
                self.move_to(to, shift);
            }
            ev.prevent_default();
            return;
        }
        if ctrl {
            // Copy, paste and the rest are the browser's (the copy and paste events follow).
            return;
        }
        let Some((r, c)) = self.active.get_untracked() else {
            return;
        };
        match key.as_str() {
            "Tab" if shift => self.move_to((r, c.saturating_sub(1)), false),
            "Tab" => self.move_to((r, c + 1), false),
            "Enter" => self.move_down((r, c)),
            "F2" => self.start_editing(None),
            "Delete" | "Backspace" => self.clear_selection(),
            k if k.chars().count() == 1 && !ev.alt_key() => self.start_editing(Some(k.to_string())),
            _ => return,
        }
        ev.prevent_default();
    }

    /// A key pressed in the cell editor.
    pub fn on_editor_key(&self, ev: &leptos::ev::KeyboardEvent) {
        ev.stop_propagation();
        let value = || self.editing.get_untracked().unwrap_or_default();
        let Some((r, c)) = self.active.get_untracked() else {
            return;
        };
        match ev.key().as_str() {
            "Enter" => {
                ev.prevent_default();
                self.commit(value());
                self.move_down((r, c));
                self.focus();
            }
            "Tab" => {
                ev.prevent_default();
                self.commit(value());
                self.move_to((r, c + 1), false);
                self.focus();
            }
            "Escape" => {
                ev.prevent_default();
                self.editing.set(None);
                self.focus();
            }
            _ => {}
        }
    }
}
