//! Executes the grid body's drawing operations ([`crate::ui::state::paint`]) on a `<canvas>`
//! sized to its box × `devicePixelRatio` (crisp text), and the few measurements they need: the
//! width of a text in the grid's font and where the body lies in the scroller.
//!
//! The 2D context and the element rectangle are bound here by hand (a handful of methods)
//! rather than through more `web-sys` features, which would rebuild `web-sys` and Leptos.

use crate::ui::state::paint::{Align, Op, FONT};
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// `CanvasRenderingContext2D`.
    #[wasm_bindgen(extends = js_sys::Object)]
    type Ctx2d;
    #[wasm_bindgen(method, setter = fillStyle)]
    fn set_fill_style(this: &Ctx2d, v: &str);
    #[wasm_bindgen(method, setter = strokeStyle)]
    fn set_stroke_style(this: &Ctx2d, v: &str);
    #[wasm_bindgen(method, setter = lineWidth)]
    fn set_line_width(this: &Ctx2d, v: f64);
    #[wasm_bindgen(method, setter = font)]
    fn set_font(this: &Ctx2d, v: &str);
    #[wasm_bindgen(method, setter = textAlign)]
    fn set_text_align(this: &Ctx2d, v: &str);
    #[wasm_bindgen(method, setter = textBaseline)]
    fn set_text_baseline(this: &Ctx2d, v: &str);
    #[wasm_bindgen(method, js_name = setTransform)]
    fn set_transform(this: &Ctx2d, a: f64, b: f64, c: f64, d: f64, e: f64, f: f64);
    #[wasm_bindgen(method, js_name = clearRect)]
    fn clear_rect(this: &Ctx2d, x: f64, y: f64, w: f64, h: f64);
    #[wasm_bindgen(method, js_name = fillRect)]
    fn fill_rect(this: &Ctx2d, x: f64, y: f64, w: f64, h: f64);
    #[wasm_bindgen(method, js_name = strokeRect)]
    fn stroke_rect(this: &Ctx2d, x: f64, y: f64, w: f64, h: f64);
    #[wasm_bindgen(method, js_name = fillText)]
    fn fill_text(this: &Ctx2d, text: &str, x: f64, y: f64);
    #[wasm_bindgen(method)]
    fn save(this: &Ctx2d);
    #[wasm_bindgen(method)]
    fn restore(this: &Ctx2d);
    #[wasm_bindgen(method, js_name = beginPath)]
    fn begin_path(this: &Ctx2d);
    #[wasm_bindgen(method, js_name = closePath)]
    fn close_path(this: &Ctx2d);
    #[wasm_bindgen(method, js_name = moveTo)]
    fn move_to(this: &Ctx2d, x: f64, y: f64);
    #[wasm_bindgen(method, js_name = lineTo)]
    fn line_to(this: &Ctx2d, x: f64, y: f64);
    #[wasm_bindgen(method)]
    fn rect(this: &Ctx2d, x: f64, y: f64, w: f64, h: f64);
    #[wasm_bindgen(method)]
    fn clip(this: &Ctx2d);
    #[wasm_bindgen(method)]
    fn fill(this: &Ctx2d);
    #[wasm_bindgen(method, js_name = measureText)]
    fn measure_text(this: &Ctx2d, text: &str) -> TextMetrics;

    /// `TextMetrics`.
    #[wasm_bindgen(extends = js_sys::Object)]
    type TextMetrics;
    #[wasm_bindgen(method, getter)]
    fn width(this: &TextMetrics) -> f64;
    #[wasm_bindgen(method, getter = fontBoundingBoxAscent)]
    fn ascent(this: &TextMetrics) -> f64;
    #[wasm_bindgen(method, getter = fontBoundingBoxDescent)]
    fn descent(this: &TextMetrics) -> f64;

    /// `ResizeObserver`.
    type ResizeObserver;
    #[wasm_bindgen(constructor)]
    fn new(callback: &js_sys::Function) -> ResizeObserver;
    #[wasm_bindgen(method)]
    fn observe(this: &ResizeObserver, target: &web_sys::Element);
    #[wasm_bindgen(method)]
    fn disconnect(this: &ResizeObserver);

    /// An element, for its `getBoundingClientRect`.
    #[wasm_bindgen(extends = js_sys::Object)]
    type Boxed;
    #[wasm_bindgen(method, js_name = getBoundingClientRect)]
    fn bounds(this: &Boxed) -> Bounds;

    /// `DOMRect`, as `getBoundingClientRect` gives it.
    #[wasm_bindgen(extends = js_sys::Object)]
    type Bounds;
    #[wasm_bindgen(method, getter)]
    fn left(this: &Bounds) -> f64;
    #[wasm_bindgen(method, getter)]
    fn top(this: &Bounds) -> f64;
    #[wasm_bindgen(method, getter)]
    fn bottom(this: &Bounds) -> f64;
}

/// Where the body lies in the scroller, in CSS pixels of the canvas at its top left: the
/// table's left edge (minus the horizontal scroll) and the top of the body's first row (the top
/// spacer included), both where the browser snaps the table's boxes to device pixels; the
/// fraction of a pixel the text lies off them (the DOM places text before it snaps, so a grid
/// under a wrapped toolbar shows its text as the DOM would); the client area's size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Place {
    pub origin_x: f64,
    pub origin_y: f64,
    pub text_dx: f64,
    pub text_dy: f64,
    pub width: f64,
    pub height: f64,
}

/// The body's place in the scroller `wrap` (its `table` and `tbody`) seen from `canvas`. Reads
/// the layout: call it in an animation frame or on an event.
pub fn place(wrap: &web_sys::Element, canvas: &web_sys::Element) -> Option<Place> {
    let table = wrap.query_selector("table").ok()??;
    let tbody = table.query_selector("tbody").ok()??;
    let dpr = pixel_ratio();
    let snap = |v: f64| (v * dpr).round() / dpr;
    let c = bounds(canvas);
    let (cx, cy) = (c.left(), c.top());
    let (tx, ty) = (bounds(&table).left(), bounds(&tbody).top());
    let (origin_x, origin_y) = (snap(tx) - snap(cx), snap(ty) - snap(cy));
    Some(Place {
        origin_x,
        origin_y,
        text_dx: tx - snap(cx) - origin_x,
        text_dy: ty - snap(cy) - origin_y,
        width: f64::from(wrap.client_width()),
        height: f64::from(wrap.client_height()),
    })
}

/// The element's box on the page.
fn bounds(el: &web_sys::Element) -> Bounds {
    el.unchecked_ref::<Boxed>().bounds()
}

/// The page's device pixel ratio.
fn pixel_ratio() -> f64 {
    web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .filter(|r| r.is_finite() && *r > 0.0)
        .unwrap_or(1.0)
}

/// Where a click on an element happened, in the page's client coordinates: the mouse's point,
/// or for a click from the keyboard (Enter or Space on a focused button: `detail` 0 and no
/// point) the element's bottom left corner.
pub fn click_point(ev: &web_sys::MouseEvent) -> (i32, i32) {
    if ev.detail() != 0 {
        return (ev.client_x(), ev.client_y());
    }
    match ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    {
        Some(el) => {
            let b = bounds(&el);
            (b.left().round() as i32, b.bottom().round() as i32)
        }
        None => (ev.client_x(), ev.client_y()),
    }
}

/// A point of the page (a mouse event's client x, y) on `canvas`.
pub fn point_in(canvas: &web_sys::Element, client_x: i32, client_y: i32) -> (f64, f64) {
    let c = bounds(canvas);
    (
        f64::from(client_x) - c.left(),
        f64::from(client_y) - c.top(),
    )
}

/// The page's `?grid=` (`dom` for the DOM grid alone), if any.
pub fn grid_query() -> Option<String> {
    super::query_param("grid")
}

/// Calls back when an element's size changes (a panel beside it opened or closed, the window
/// resized) until dropped.
pub struct SizeWatch {
    observer: ResizeObserver,
    _callback: Closure<dyn FnMut()>,
}

impl SizeWatch {
    /// Watches `el`, calling `f` after each change of its size (and once at the start).
    pub fn new(el: &web_sys::Element, f: impl FnMut() + 'static) -> Self {
        let callback = Closure::<dyn FnMut()>::new(f);
        let observer = ResizeObserver::new(callback.as_ref().unchecked_ref());
        observer.observe(el);
        Self {
            observer,
            _callback: callback,
        }
    }
}

impl Drop for SizeWatch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Resolves the grid's canvas font once at start-up, on a canvas of its own: the first `font`
/// set on a 2D context looks up the font families (≈ 14 ms in the page), which the first paint
/// of a file would otherwise wait for.
pub fn warm_font() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(canvas) = document
        .create_element("canvas")
        .ok()
        .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
    else {
        return;
    };
    if let Some(ctx) = canvas.get_context("2d").ok().flatten() {
        let ctx: Ctx2d = ctx.unchecked_into();
        ctx.set_font(FONT);
        let _ = ctx.measure_text("中0");
    }
}

/// A canvas and its 2D context, with the widths of the characters measured so far.
pub struct Painter {
    canvas: web_sys::HtmlCanvasElement,
    ctx: Ctx2d,
    /// The backing store's size in device pixels and the ratio it was made for.
    size: (u32, u32, f64),
    widths: RefCell<HashMap<char, f64>>,
    /// The font's ascent and descent (`fontBoundingBox*`), to place a line as CSS does.
    ascent: f64,
    descent: f64,
}

impl Painter {
    /// A painter of `canvas`; `None` without a 2D context.
    pub fn new(canvas: &web_sys::HtmlCanvasElement) -> Option<Self> {
        let ctx: Ctx2d = canvas.get_context("2d").ok()??.unchecked_into();
        let mut painter = Self {
            canvas: canvas.clone(),
            ctx,
            size: (0, 0, 0.0),
            widths: RefCell::new(HashMap::new()),
            ascent: 0.0,
            descent: 0.0,
        };
        painter.reset_state();
        Some(painter)
    }

    /// The font and baseline (a new backing store forgets them).
    fn reset_state(&mut self) {
        self.ctx.set_font(FONT);
        self.ctx.set_text_baseline("alphabetic");
        let m = self.ctx.measure_text("中0");
        let (a, d) = (m.ascent(), m.descent());
        // 13 px in most fonts: ascent ≈ 0.88 em, descent ≈ 0.12 em.
        let ok = |v: f64| v.is_finite() && v > 0.0 && v < 40.0;
        self.ascent = if ok(a) { a } else { 11.4 };
        self.descent = if ok(d) { d } else { 2.6 };
    }

    /// The width of `text` in the grid's font: the sum of its characters' widths, each measured
    /// once.
    pub fn measure(&self, text: &str) -> f64 {
        let mut widths = self.widths.borrow_mut();
        text.chars()
            .map(|c| {
                *widths.entry(c).or_insert_with(|| {
                    let mut buf = [0u8; 4];
                    self.ctx.measure_text(c.encode_utf8(&mut buf)).width()
                })
            })
            .sum()
    }

    /// Sizes the canvas to the client area of `place` at the page's pixel ratio, clears it and
    /// draws `ops`, their texts moved by `place`'s fraction of a pixel.
    pub fn draw(&mut self, place: &Place, ops: &[Op]) {
        let (width, height) = (place.width, place.height);
        let dpr = pixel_ratio();
        let (pw, ph) = (
            (width * dpr).round().max(0.0) as u32,
            (height * dpr).round().max(0.0) as u32,
        );
        if (pw, ph, dpr) != self.size {
            self.canvas.set_width(pw);
            self.canvas.set_height(ph);
            let style = format!("width:{width}px;height:{height}px");
            let _ = self.canvas.set_attribute("style", &style);
            self.size = (pw, ph, dpr);
            self.reset_state();
        }
        let ctx = &self.ctx;
        ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        ctx.clear_rect(0.0, 0.0, width, height);
        let mut fill = "";
        let mut align = None;
        let mut set_fill = |c: &'static str| {
            if c != fill {
                ctx.set_fill_style(c);
                fill = c;
            }
        };
        for op in ops {
            match op {
                Op::Fill { rect, colour } => {
                    set_fill(colour);
                    ctx.fill_rect(rect.x, rect.y, rect.w, rect.h);
                }
                Op::Corner { x, y, size, colour } => {
                    set_fill(colour);
                    ctx.begin_path();
                    ctx.move_to(*x, *y);
                    ctx.line_to(x + size, *y);
                    ctx.line_to(*x, y + size);
                    ctx.close_path();
                    ctx.fill();
                }
                Op::Text {
                    text,
                    x,
                    top,
                    line_h,
                    align: a,
                    colour,
                    clip,
                } => {
                    set_fill(colour);
                    if align != Some(*a) {
                        ctx.set_text_align(match a {
                            Align::Left => "left",
                            Align::Right => "right",
                        });
                        align = Some(*a);
                    }
                    // As CSS: the font's ascent + descent centred in the line box; the
                    // baseline on a device pixel, as the DOM's text.
                    let baseline = top
                        + (line_h - (self.ascent + self.descent)) / 2.0
                        + self.ascent
                        + place.text_dy;
                    let baseline = (baseline * dpr).round() / dpr;
                    let x = x + place.text_dx;
                    match clip {
                        Some(c) => {
                            ctx.save();
                            ctx.begin_path();
                            ctx.rect(c.x, c.y, c.w, c.h);
                            ctx.clip();
                            ctx.fill_text(text, x, baseline);
                            ctx.restore();
                        }
                        None => ctx.fill_text(text, x, baseline),
                    }
                }
                Op::Ring { rect, colour } => {
                    ctx.set_stroke_style(colour);
                    ctx.set_line_width(2.0);
                    ctx.stroke_rect(rect.x + 1.0, rect.y + 1.0, rect.w - 2.0, rect.h - 2.0);
                }
            }
        }
    }
}
