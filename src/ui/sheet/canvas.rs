//! The body drawn on one canvas under the table ([`crate::ui::state::paint`]): a scroll repaints
//! the canvas in the next animation frame, while the DOM rows (transparent over it: the active
//! cell's ring, the editor, hover, accessibility, the tests' `grid-cell`s) catch up once
//! scrolling rests, a few rows per task, the grid saying `data-mirror="synced|behind"`. A click
//! on a row the DOM has not caught up with is placed by its coordinates. `?grid=dom` keeps the
//! DOM grid alone (for comparison); printing always uses it.

use super::ctx::{Grid, Pos};
use crate::ui::browser::canvas::{self as draw, Painter, Place};
use crate::ui::state::paint::{self, View, SLICE};
use crate::ui::state::GridRow;
use leptos::prelude::*;
use std::time::Duration;

/// How long scrolling must rest before the DOM rows catch up.
const REST: Duration = Duration::from_millis(150);

/// Whether the page draws the body on a canvas: unless the page was opened with `?grid=dom`.
pub fn wanted() -> bool {
    draw::grid_query().as_deref() != Some("dom")
}

impl Grid {
    /// Whether the canvas draws the body now (not while printing).
    pub fn painting(&self) -> bool {
        self.canvas && !self.printing.get()
    }

    /// `f` with the body's geometry at `place` and the marks now (untracked).
    fn with_view<T>(&self, place: Place, f: impl FnOnce(&View) -> T) -> Option<T> {
        let (head_w, frozen) = self
            .model
            .with_untracked(|m| m.as_ref().map(|m| (m.row_head_width(), m.frozen)))?;
        let active = self.active.get_untracked();
        let mirror = self.mirror.get_untracked();
        let at = active.map(|(r, _)| self.body.with_untracked(|b| b.index_of(r)));
        let ring = paint::canvas_ring(at, &mirror);
        self.widths.with_untracked(|widths| {
            Some(f(&View {
                width: place.width,
                height: place.height,
                origin_x: place.origin_x,
                origin_y: place.origin_y,
                head_w: f64::from(head_w),
                widths,
                frozen,
                metrics: self.metrics.get_untracked(),
                active,
                sel: self.sel.get_untracked(),
                ring,
                focused: self.focused.get_untracked(),
            }))
        })
    }

    /// The body rows to draw at `place`, each with its index into the rows shown: the DOM's
    /// window (so a merged range is cut where the DOM cuts it) and the rows in view.
    fn rows_to_paint(&self, place: Place) -> Vec<(usize, GridRow)> {
        let shown = self.body.with_untracked(|b| b.len());
        let window = self.window.get_untracked();
        let seen = paint::window_range(-place.origin_y, place.height, shown);
        let range = window.start.min(seen.start)..window.end.max(seen.end);
        let runs = self.body.with_untracked(|b| b.runs(range.clone()));
        self.peek(|sheet, gm, res| {
            runs.into_iter()
                .flat_map(|run| gm.window(sheet, res, run))
                .enumerate()
                .map(|(i, row)| (range.start + i, row))
                .collect()
        })
        .unwrap_or_default()
    }

    /// Draws the body as it is now.
    fn paint_now(&self, painter: &mut Option<Painter>) {
        let (Some(wrap), Some(canvas)) =
            (self.wrap.get_untracked(), self.canvas_el.get_untracked())
        else {
            return;
        };
        if painter.is_none() {
            *painter = Painter::new(&canvas);
        }
        let (Some(p), Some(place)) = (painter.as_mut(), draw::place(&wrap, &canvas)) else {
            return;
        };
        let rows = self.rows_to_paint(place);
        let painted = self
            .with_view(place, |v| paint::paint(v, &rows, &|s: &str| p.measure(s)))
            .unwrap_or_default();
        p.draw(&place, &painted.ops);
        let rows = painted
            .rows
            .map(|(a, b)| format!("{a}-{b}"))
            .unwrap_or_default();
        let _ = canvas.set_attribute("data-painted-rows", &rows);
    }

    /// The cell under a mouse event on the body where the DOM rows have not caught up.
    pub fn pos_at(&self, ev: &leptos::ev::MouseEvent) -> Option<Pos> {
        // The listener is the table's: a point of the body is on the table itself (a spacer
        // row has no cells) or on a row of the body, never on the header.
        if !self.canvas || crate::ui::browser::target_within(ev, "thead") {
            return None;
        }
        let (wrap, canvas) = (self.wrap.get_untracked()?, self.canvas_el.get_untracked()?);
        let place = draw::place(&wrap, &canvas)?;
        let (x, y) = draw::point_in(&canvas, ev.client_x(), ev.client_y());
        if y < self.sticky_h.get_untracked() {
            return None;
        }
        let shown = self.body.with_untracked(|b| b.len());
        let (index, col) = self.with_view(place, |v| paint::hit(v, shown, x, y))??;
        let row = self.body.with_untracked(|b| b.row(index))?;
        self.model
            .with_untracked(|m| m.as_ref().map(|m| m.anchor_of(row, col)))
    }

    /// The DOM rows follow the window: after a scroll that needs new rows, once scrolling has
    /// rested, [`SLICE`] rows per task; at once otherwise (a filter, an edit, the grid edited,
    /// printed or drawn by the DOM alone).
    pub fn follow_window(&self) {
        let g = *self;
        let turn = StoredValue::new(0_u64);
        let last_top = StoredValue::new(0.0_f64);
        fn step(g: Grid, turn: StoredValue<u64>, mine: u64) {
            // Another turn began, or the grid is gone (another sheet, view or file).
            if turn.try_get_value() != Some(mine) {
                return;
            }
            let target = g.window.get_untracked();
            let next = paint::step_toward(g.mirror.get_untracked(), target.clone(), SLICE);
            let done = next == target;
            g.mirror.set(next);
            if !done {
                set_timeout(move || step(g, turn, mine), Duration::ZERO);
            }
        }
        Effect::new(move |_| {
            let target = g.window.get();
            let editing = g.edit_at.with(Option::is_some);
            let top = g.scroll_top.get();
            let scrolled = top != last_top.get_value();
            last_top.set_value(top);
            let lazy = g.painting() && scrolled && !editing;
            let cur = g.mirror.get_untracked();
            turn.update_value(|t| *t += 1);
            if g.painting() && cur.is_empty() && !target.is_empty() && !editing {
                // A sheet just shown: the canvas paints it in the next frame on its own (no
                // DOM rows to build and lay out first); its DOM rows follow after that frame.
                let mine = turn.get_value();
                request_animation_frame(move || {
                    set_timeout(move || step(g, turn, mine), Duration::ZERO);
                });
                return;
            }
            if !lazy || cur.is_empty() || paint::missing(&cur, &target) == 0 {
                if cur != target {
                    g.mirror.set(target);
                }
                return;
            }
            let mine = turn.get_value();
            set_timeout(move || step(g, turn, mine), REST);
        });
    }

    /// The canvas under the table, repainted in the animation frame after anything it shows
    /// changes.
    pub fn canvas_layer(&self) -> impl IntoView {
        let g = *self;
        let painter = StoredValue::new_local(None::<Painter>);
        let pending = StoredValue::new(false);
        // The scroller's size: the window resized, the indicator panel beside it opened,
        // collapsed or closed.
        let resized = RwSignal::new(0_u32);
        let watch = StoredValue::new_local(None::<draw::SizeWatch>);
        // The DOM rows catching up change the picture only where the ring moves to them: a
        // catch-up step repaints nothing else (each repaint reads the layout).
        let ring = Memo::new(move |_| {
            let at = g.active.get().map(|(r, _)| g.body.with(|b| b.index_of(r)));
            paint::canvas_ring(at, &g.mirror.get())
        });
        Effect::new(move |_| {
            if let Some(el) = g.wrap.get() {
                let bump = move || {
                    resized.try_update(|n| *n = n.wrapping_add(1));
                };
                watch.set_value(Some(draw::SizeWatch::new(&el, bump)));
            }
        });
        Effect::new(move |_| {
            // What the picture depends on (its values are read when it is drawn).
            resized.track();
            g.scroll_top.track();
            g.view_h.track();
            g.model.track();
            g.results.track();
            g.body.track();
            g.widths.track();
            g.metrics.track();
            g.active.track();
            g.sel.track();
            g.focused.track();
            ring.track();
            g.title_h.track();
            g.sticky_h.track();
            if !g.painting() || pending.get_value() {
                return;
            }
            pending.set_value(true);
            request_animation_frame(move || {
                // The grid may be gone by then (another sheet, view or file).
                if pending.try_update_value(|p| *p = false).is_none() {
                    return;
                }
                painter.try_update_value(|p| g.paint_now(p));
            });
        });
        view! {
            <div class="grid-canvas-holder" aria-hidden="true">
                <canvas node_ref=g.canvas_el data-testid="grid-canvas"></canvas>
            </div>
        }
    }
}
