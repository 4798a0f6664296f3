//! The formulas of one 计划明细 row as expression trees in an arena: built by the row builder,
//! rendered for Excel ([`Tree::render_into`]) and evaluated ([`Tree::eval`]) by the same code,
//! so the formula written is the formula checked against the engine's value.

use super::{push_col_letters, Cached, CAP_NAME};
use crate::plan::schedule::EPS;
use crate::plan::{Direction, Year};
use std::cell::RefCell;
use std::fmt::Write as _;

/// A value as a spreadsheet sees it, for evaluating an [`Expr`].
#[derive(Clone, Debug, PartialEq)]
pub(super) enum V {
    Empty,
    Num(f64),
    Str(String),
    Bool(bool),
}

impl V {
    pub(super) fn num(&self) -> Option<f64> {
        match self {
            V::Empty => Some(0.0),
            V::Num(n) => Some(*n),
            V::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            V::Str(_) => None,
        }
    }

    pub(super) fn truth(&self) -> Option<bool> {
        match self {
            V::Bool(b) => Some(*b),
            V::Num(n) => Some(*n != 0.0),
            V::Empty => Some(false),
            V::Str(_) => None,
        }
    }
}

/// A formula: a node of its row's [`Tree`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Expr(u32);

/// A list of formulas (the arguments of `AND`, `OR`, `MIN`, `MAX`) in a [`Tree`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct List {
    start: u32,
    len: u32,
}

/// One node of a formula.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Node {
    /// A number literal.
    Num(f64),
    /// A text literal.
    Str(&'static str),
    /// A cell of the same row, by column.
    Col(u16),
    /// The cap cell, by its name.
    Cap,
    /// Arithmetic.
    Bin(Op, Expr, Expr),
    /// A comparison.
    Cmp(CmpOp, Expr, Expr),
    /// `AND(…)`
    And(List),
    /// `OR(…)`
    Or(List),
    /// `IF(c, a, b)`
    If(Expr, Expr, Expr),
    /// `MIN(…)`
    Min(List),
    /// `MAX(…)`
    Max(List),
    /// `ABS(x)`
    Abs(Expr),
    /// `ISNUMBER(x)`
    IsNumber(Expr),
    /// `POWER(x, y)`
    Pow(Expr, Expr),
    /// `TRIM(x)="word"`: the cell says exactly `word`, spaces around it aside.
    TextIs(Expr, &'static str),
}

/// An arithmetic operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
}

/// The formulas of one row as trees whose nodes live in one arena: built, rendered for Excel by
/// [`Tree::render_into`] and evaluated by [`Tree::eval`], so the formula written is the formula
/// checked. A subformula used twice (the actual, the year's target) is one node referred to twice;
/// nothing is allocated per node.
#[derive(Default)]
pub(super) struct Tree {
    nodes: RefCell<Vec<Node>>,
    lists: RefCell<Vec<Expr>>,
}

impl Tree {
    pub(super) fn push(&self, node: Node) -> Expr {
        let mut nodes = self.nodes.borrow_mut();
        let id = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
        nodes.push(node);
        Expr(id)
    }

    pub(super) fn list(&self, items: &[Expr]) -> List {
        let mut lists = self.lists.borrow_mut();
        let start = u32::try_from(lists.len()).unwrap_or(u32::MAX);
        lists.extend_from_slice(items);
        List {
            start,
            len: u32::try_from(items.len()).unwrap_or(0),
        }
    }

    pub(super) fn num(&self, n: f64) -> Expr {
        self.push(Node::Num(n))
    }
    pub(super) fn year(&self, y: Year) -> Expr {
        self.num(f64::from(y))
    }
    pub(super) fn text(&self, s: &'static str) -> Expr {
        self.push(Node::Str(s))
    }
    pub(super) fn col(&self, c: u16) -> Expr {
        self.push(Node::Col(c))
    }
    pub(super) fn cap(&self) -> Expr {
        self.push(Node::Cap)
    }
    pub(super) fn add(&self, a: Expr, b: Expr) -> Expr {
        self.push(Node::Bin(Op::Add, a, b))
    }
    pub(super) fn sub(&self, a: Expr, b: Expr) -> Expr {
        self.push(Node::Bin(Op::Sub, a, b))
    }
    pub(super) fn mul(&self, a: Expr, b: Expr) -> Expr {
        self.push(Node::Bin(Op::Mul, a, b))
    }
    pub(super) fn div(&self, a: Expr, b: Expr) -> Expr {
        self.push(Node::Bin(Op::Div, a, b))
    }
    pub(super) fn pow(&self, a: Expr, b: Expr) -> Expr {
        self.push(Node::Pow(a, b))
    }
    pub(super) fn cmp(&self, op: CmpOp, a: Expr, b: Expr) -> Expr {
        self.push(Node::Cmp(op, a, b))
    }
    pub(super) fn iff(&self, c: Expr, a: Expr, b: Expr) -> Expr {
        self.push(Node::If(c, a, b))
    }
    pub(super) fn and(&self, items: &[Expr]) -> Expr {
        let list = self.list(items);
        self.push(Node::And(list))
    }
    pub(super) fn or(&self, items: &[Expr]) -> Expr {
        let list = self.list(items);
        self.push(Node::Or(list))
    }
    pub(super) fn min(&self, items: &[Expr]) -> Expr {
        let list = self.list(items);
        self.push(Node::Min(list))
    }
    pub(super) fn max(&self, items: &[Expr]) -> Expr {
        let list = self.list(items);
        self.push(Node::Max(list))
    }
    pub(super) fn abs(&self, a: Expr) -> Expr {
        self.push(Node::Abs(a))
    }
    pub(super) fn is_number(&self, a: Expr) -> Expr {
        self.push(Node::IsNumber(a))
    }
    pub(super) fn text_is(&self, a: Expr, word: &'static str) -> Expr {
        self.push(Node::TextIs(a, word))
    }

    /// `EPS·MAX(ABS(x),1)`: the engine's tolerance around x.
    pub(super) fn tol(&self, x: Expr) -> Expr {
        let e = self.num(EPS);
        let a = self.abs(x);
        let one = self.num(1.0);
        let m = self.max(&[a, one]);
        self.mul(e, m)
    }

    /// `a` meets `g` in `direction`, as [`schedule::meets`].
    pub(super) fn meets(&self, a: Expr, g: Expr, direction: Direction) -> Expr {
        let t = self.tol(g);
        match direction {
            Direction::Positive => {
                let lower = self.sub(g, t);
                self.cmp(CmpOp::Ge, a, lower)
            }
            Direction::Negative => {
                let upper = self.add(g, t);
                self.cmp(CmpOp::Le, a, upper)
            }
        }
    }

    /// Appends the text of formula `e` (without the leading `=`) to `out`; `row` is the 1-based
    /// row number as text.
    pub(super) fn render_into(&self, e: Expr, out: &mut String, row: &str) {
        let nodes = self.nodes.borrow();
        let lists = self.lists.borrow();
        Render {
            nodes: &nodes,
            lists: &lists,
            row,
        }
        .go(e, out);
    }

    /// The value of formula `e`, with `cells` the row's values by column and `cap` the cap cell;
    /// `None` where a spreadsheet would show an error.
    pub(super) fn eval(&self, e: Expr, cells: &[V], cap: Option<f64>) -> Option<V> {
        let nodes = self.nodes.borrow();
        let lists = self.lists.borrow();
        Eval {
            nodes: &nodes,
            lists: &lists,
            cells,
            cap,
        }
        .go(e)
    }
}

/// The nodes of a [`Tree`] being rendered.
struct Render<'t> {
    nodes: &'t [Node],
    lists: &'t [Expr],
    row: &'t str,
}

impl Render<'_> {
    fn items(&self, l: List) -> &[Expr] {
        let start = l.start as usize;
        self.lists
            .get(start..start + l.len as usize)
            .unwrap_or_default()
    }

    fn list(&self, out: &mut String, name: &str, l: List) {
        out.push_str(name);
        out.push('(');
        for (i, e) in self.items(l).iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            self.go(*e, out);
        }
        out.push(')');
    }

    fn call(&self, out: &mut String, name: &str, args: &[Expr]) {
        out.push_str(name);
        out.push('(');
        for (i, e) in args.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            self.go(*e, out);
        }
        out.push(')');
    }

    fn go(&self, e: Expr, out: &mut String) {
        let Some(node) = self.nodes.get(e.0 as usize) else {
            return;
        };
        match *node {
            Node::Num(n) => push_number(out, n),
            Node::Str(s) => push_text_literal(out, s),
            Node::Col(c) => {
                out.push('$');
                push_col_letters(out, c);
                out.push_str(self.row);
            }
            Node::Cap => out.push_str(CAP_NAME),
            Node::Bin(op, a, b) => {
                out.push('(');
                self.go(a, out);
                out.push(match op {
                    Op::Add => '+',
                    Op::Sub => '-',
                    Op::Mul => '*',
                    Op::Div => '/',
                });
                self.go(b, out);
                out.push(')');
            }
            Node::Cmp(op, a, b) => {
                self.go(a, out);
                out.push_str(match op {
                    CmpOp::Lt => "<",
                    CmpOp::Le => "<=",
                    CmpOp::Gt => ">",
                    CmpOp::Ge => ">=",
                });
                self.go(b, out);
            }
            Node::And(l) => self.list(out, "AND", l),
            Node::Or(l) => self.list(out, "OR", l),
            Node::If(c, a, b) => self.call(out, "IF", &[c, a, b]),
            Node::Min(l) => self.list(out, "MIN", l),
            Node::Max(l) => self.list(out, "MAX", l),
            Node::Abs(a) => self.call(out, "ABS", &[a]),
            Node::IsNumber(a) => self.call(out, "ISNUMBER", &[a]),
            Node::Pow(a, b) => self.call(out, "POWER", &[a, b]),
            Node::TextIs(a, word) => {
                self.call(out, "TRIM", &[a]);
                out.push('=');
                push_text_literal(out, word);
            }
        }
    }
}

/// The nodes of a [`Tree`] being evaluated over a row's values.
struct Eval<'t> {
    nodes: &'t [Node],
    lists: &'t [Expr],
    cells: &'t [V],
    cap: Option<f64>,
}

impl Eval<'_> {
    fn items(&self, l: List) -> &[Expr] {
        let start = l.start as usize;
        self.lists
            .get(start..start + l.len as usize)
            .unwrap_or_default()
    }

    fn n(&self, e: Expr) -> Option<f64> {
        self.go(e)?.num()
    }

    fn go(&self, e: Expr) -> Option<V> {
        let finite = |x: f64| x.is_finite().then_some(V::Num(x));
        Some(match *self.nodes.get(e.0 as usize)? {
            Node::Num(x) => V::Num(x),
            Node::Str(s) => V::Str(s.to_string()),
            Node::Col(c) => self.cells.get(usize::from(c)).cloned().unwrap_or(V::Empty),
            Node::Cap => self.cap.map_or(V::Empty, V::Num),
            Node::Bin(op, a, b) => {
                let (x, y) = (self.n(a)?, self.n(b)?);
                match op {
                    Op::Add => finite(x + y)?,
                    Op::Sub => finite(x - y)?,
                    Op::Mul => finite(x * y)?,
                    Op::Div if y == 0.0 => return None,
                    Op::Div => finite(x / y)?,
                }
            }
            Node::Pow(a, b) => finite(self.n(a)?.powf(self.n(b)?))?,
            Node::Cmp(op, a, b) => {
                let (x, y) = (self.n(a)?, self.n(b)?);
                V::Bool(match op {
                    CmpOp::Lt => x < y,
                    CmpOp::Le => x <= y,
                    CmpOp::Gt => x > y,
                    CmpOp::Ge => x >= y,
                })
            }
            Node::And(l) => {
                let mut all = true;
                for e in self.items(l) {
                    all &= self.go(*e)?.truth()?;
                }
                V::Bool(all)
            }
            Node::Or(l) => {
                let mut any = false;
                for e in self.items(l) {
                    any |= self.go(*e)?.truth()?;
                }
                V::Bool(any)
            }
            Node::If(c, a, b) => {
                if self.go(c)?.truth()? {
                    self.go(a)?
                } else {
                    self.go(b)?
                }
            }
            Node::Min(l) => {
                let mut m = f64::INFINITY;
                for e in self.items(l) {
                    m = m.min(self.n(*e)?);
                }
                V::Num(m)
            }
            Node::Max(l) => {
                let mut m = f64::NEG_INFINITY;
                for e in self.items(l) {
                    m = m.max(self.n(*e)?);
                }
                V::Num(m)
            }
            Node::Abs(a) => V::Num(self.n(a)?.abs()),
            Node::IsNumber(a) => V::Bool(matches!(self.go(a)?, V::Num(_))),
            // Excel's TRIM removes the space character only (not tabs or U+3000).
            Node::TextIs(a, word) => V::Bool(match self.go(a)? {
                V::Str(t) => t.trim_matches(' ') == word,
                _ => false,
            }),
        })
    }
}

/// A text literal in an Excel formula: in double quotes, a quote doubled.
pub(super) fn push_text_literal(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
}

/// A number literal as Excel reads it (negative numbers in brackets, so `-2^2` never occurs).
#[cfg(test)]
fn render_number(n: f64) -> String {
    let mut out = String::new();
    push_number(&mut out, n);
    out
}

/// Appends a number literal as Excel reads it (see [`render_number`]).
pub(super) fn push_number(out: &mut String, n: f64) {
    if n < 0.0 {
        out.push('(');
    }
    if n == 0.0 {
        out.push('0');
    } else if n == EPS {
        // The tolerance, in most status formulas: formatted once.
        static EPS_TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        out.push_str(EPS_TEXT.get_or_init(|| format!("{EPS:E}")));
    } else if n.abs() < 1e-6 || n.abs() >= 1e15 {
        let _ = write!(out, "{n:E}");
    } else if n == n.trunc() {
        // A whole number (a year, 100): the same digits as `{n}`, without the float formatting.
        let _ = write!(out, "{}", n as i64);
    } else {
        let _ = write!(out, "{n}");
    }
    if n < 0.0 {
        out.push(')');
    }
}

/// Whether a formula's value is the engine's (numbers within a relative 1e-9).
pub(super) fn agrees(got: &V, want: &Cached) -> bool {
    match (got, want) {
        (V::Num(g), Cached::Number(w)) => (g - w).abs() <= 1e-9 * w.abs().max(1.0),
        (V::Str(g), Cached::Text(w)) => g == w,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_render_for_excel() {
        assert_eq!(render_number(-2.0), "(-2)");
        assert_eq!(render_number(1e-9), "1E-9");
        assert_eq!(render_number(100.0), "100");
    }

    #[test]
    fn numbers_render_as_their_float_formatting() {
        // The shortcuts for whole numbers and the tolerance give what `{n}` / `{n:E}` give.
        let reference = |n: f64| {
            let s = if n == 0.0 {
                "0".to_string()
            } else if n.abs() < 1e-6 || n.abs() >= 1e15 {
                format!("{n:E}")
            } else {
                format!("{n}")
            };
            if n < 0.0 {
                format!("({s})")
            } else {
                s
            }
        };
        let mut values = vec![
            0.0,
            -0.0,
            EPS,
            -EPS,
            1.0,
            -1.0,
            2021.0,
            100.0,
            1e15 - 1.0,
            -(1e15 - 1.0),
            1e15,
            999_999_999_999_999.5,
            0.5,
            1.25,
            -7.125,
            1e-6,
            9.99e-7,
            123_456_789.0,
            4_503_599_627_370_496.0,
        ];
        let mut x = 0.123_f64;
        for _ in 0..2000 {
            x = (x * 7919.0 + 0.377).fract();
            let scale = 10f64.powi((x * 30.0) as i32 - 12);
            values.push(x * scale);
            values.push(-(x * scale).round());
        }
        for n in values {
            assert_eq!(render_number(n), reference(n), "{n:?}");
        }
    }
}
