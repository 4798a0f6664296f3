//! One row of 计划明细: its cells, each computed figure written as a formula over the row's own
//! cells where one gives the engine's value, else as that value with a note.

use super::expr::{agrees, CmpOp, Expr, Tree, V};
use super::*;

/// The text of a given cell when it says more than its number (`≥95%`, `9.60（2014年）`).
fn source_note(given: &Given, value: Option<f64>) -> Option<String> {
    let t = given.text.trim();
    if t.is_empty() {
        return None;
    }
    let plain = value.is_some_and(|v| {
        fold(t)
            .replace(',', "")
            .parse::<f64>()
            .is_ok_and(|x| (x - v).abs() <= 1e-12 * v.abs().max(1.0))
    });
    (!plain).then(|| format!("原文：{t}"))
}

pub(super) struct RowBuilder<'a> {
    plan: &'a Plan,
    ind: &'a Indicator,
    res: &'a IndicatorResult,
    /// The 1-based sheet row as text, for rendering.
    row_text: String,
    index: &'a ColumnIndex,
    /// The row's formulas.
    tree: &'a Tree,
    cells: Vec<Cell>,
    /// Values of the row's cells for evaluation, by column.
    values: Vec<V>,
    fallbacks: usize,
}

impl<'a> RowBuilder<'a> {
    /// Builds the cells of `ind` at sheet row `row` (0-based), with its results `res`, over the
    /// columns of `index` (`width` of them); `actual` are the years with an actual column.
    pub(super) fn build_row(
        plan: &'a Plan,
        ind: &'a Indicator,
        res: &'a IndicatorResult,
        row: u32,
        index: &'a ColumnIndex,
        width: usize,
        actual: &[Year],
    ) -> DetailRow {
        let tree = Tree::default();
        let mut b = RowBuilder {
            tree: &tree,
            plan,
            ind,
            res,
            row_text: (u64::from(row) + 1).to_string(),
            index,
            cells: vec![Cell::empty(); width],
            values: vec![V::Empty; width],
            fallbacks: 0,
        };
        b.build(actual);
        DetailRow {
            cells: b.cells,
            fallbacks: b.fallbacks,
        }
    }

    fn col(&self, kind: ColumnKind) -> Option<u16> {
        self.index.get(&kind).copied()
    }

    fn set(&mut self, kind: ColumnKind, cell: Cell) {
        let Some(c) = self.col(kind) else { return };
        let v = match &cell.content {
            Content::Empty => V::Empty,
            Content::Text(s) => V::Str(s.clone()),
            Content::Number(n) => V::Num(*n),
            Content::Formula { cached, .. } => match cached {
                Cached::Number(n) => V::Num(*n),
                Cached::Text(s) => V::Str(s.clone()),
            },
        };
        if let Some(slot) = self.values.get_mut(usize::from(c)) {
            *slot = v;
        }
        if let Some(slot) = self.cells.get_mut(usize::from(c)) {
            *slot = cell;
        }
    }

    /// Writes `expr` when it evaluates to `want`, else the value with a note saying why.
    fn formula(
        &mut self,
        kind: ColumnKind,
        expr: Option<Expr>,
        want: Cached,
        decimals: Option<u8>,
        why: &str,
    ) {
        let cap = self.plan.settings.cap;
        let tree = self.tree;
        let ok = expr.filter(|e| {
            tree.eval(*e, &self.values, cap)
                .is_some_and(|got| agrees(&got, &want))
        });
        let cell = match ok {
            Some(e) => Cell {
                content: Content::Formula {
                    formula: {
                        let mut f = String::with_capacity(512);
                        tree.render_into(e, &mut f, &self.row_text);
                        f
                    },
                    cached: want,
                },
                decimals,
                origin: Origin::Computed,
                note: None,
            },
            None => {
                self.fallbacks += 1;
                let content = match want {
                    Cached::Number(n) => Content::Number(n),
                    Cached::Text(s) => Content::Text(s),
                };
                Cell {
                    content,
                    decimals,
                    origin: Origin::Computed,
                    note: Some(format!("计算值（未写成公式：{why}）")),
                }
            }
        };
        self.set(kind, cell);
    }

    fn build(&mut self, actual_years: &[Year]) {
        let (ind, res) = (self.ind, self.res);
        let d = Some(res.decimals);
        self.set(ColumnKind::Seq, Cell::text(ind.seq.clone()));
        self.set(ColumnKind::Category, Cell::text(fold(ind.category.trim())));
        self.set(ColumnKind::Name, Cell::text(ind.name.clone()));
        self.set(ColumnKind::Unit, Cell::text(ind.unit.clone()));
        self.set(ColumnKind::Lead, Cell::text(ind.lead_units.clone()));
        self.set(ColumnKind::Other, Cell::text(ind.other_units.clone()));
        self.set(ColumnKind::Units, Cell::text(units_cell(ind)));
        self.set(
            ColumnKind::SourceRow,
            Cell::number(f64::from(ind.row), None),
        );
        if let Some(w) = ind.weight.filter(|w| w.is_finite()) {
            self.set(ColumnKind::Weight, Cell::number(w, None));
        }
        if ind.is_group {
            self.set(ColumnKind::Base, Cell::text(ind.base.text.clone()));
            self.set(ColumnKind::Target, Cell::text(ind.target.text.clone()));
            return;
        }
        let mut basis = schedule::basis(self.plan, ind);
        let _ = schedule::yearly(self.plan, ind, &mut basis);
        self.set(
            ColumnKind::Direction,
            Cell::text(direction_name(res.direction)),
        );
        self.set(ColumnKind::Method, Cell::text(method_name(res.method)));
        self.set(
            ColumnKind::Decimals,
            Cell::number(f64::from(res.decimals), None),
        );
        if let Some(t0) = basis.t0 {
            self.set(ColumnKind::BaseYear, Cell::number(f64::from(t0), None));
        }
        if let Some(t1) = basis.t1 {
            self.set(ColumnKind::TargetYear, Cell::number(f64::from(t1), None));
        }
        // b: the start of the schedule.
        match basis.start() {
            Some(b) if basis.reached => self.set(
                ColumnKind::Base,
                Cell::number(b, d).with_note(Some(format!(
                    "累计降低无基期水平：按已降低的百分比计算，基期为0（原文：{}）",
                    ind.base.text.trim()
                ))),
            ),
            Some(b) => self.set(
                ColumnKind::Base,
                Cell::number(b, d).with_note(source_note(&ind.base, Some(b))),
            ),
            None => self.set(ColumnKind::Base, Cell::text(ind.base.text.clone())),
        }
        if let Some(p) = basis.rate.or(basis.reduction) {
            self.set(ColumnKind::Param, Cell::number(p, None));
        }
        if let Some((lo, hi)) = basis.range {
            self.set(ColumnKind::RangeLo, Cell::number(lo, d));
            self.set(ColumnKind::RangeHi, Cell::number(hi, d));
        }
        if let Some(s) = basis.stretch {
            self.set(ColumnKind::Stretch, Cell::number(s, d));
        }
        // Constants of the yearly columns first: anchors and typed values.
        for (y, t) in &res.yearly {
            let kind = ColumnKind::Yearly(*y);
            match t.source {
                Source::Given => {
                    let note = ind
                        .yearly
                        .get(y)
                        .and_then(|g| source_note(g, Some(t.value)));
                    self.set(kind, Cell::number(t.value, d).with_note(note));
                }
                Source::Manual => self.set(
                    kind,
                    Cell {
                        origin: Origin::Manual,
                        note: Some("手工输入".to_string()),
                        ..Cell::number(t.value, d)
                    },
                ),
                Source::Computed => {}
            }
        }
        // Actuals: the engine's number, or the text.
        for y in actual_years {
            let kind = ColumnKind::Actual(*y);
            match (res.actual.get(y), ind.actual.get(y)) {
                (Some(a), g) => {
                    let note = g.and_then(|g| source_note(g, Some(*a)));
                    self.set(kind, Cell::number(*a, d).with_note(note));
                }
                (None, Some(g)) => self.set(kind, Cell::text(g.text.clone())),
                (None, None) => {}
            }
        }
        self.target(&basis);
        let points = schedule::known_points(ind, &basis);
        let shape = schedule::shape_of(&basis);
        for (y, t) in &res.yearly {
            if t.source != Source::Computed {
                continue;
            }
            let expr = shape.and_then(|s| self.yearly_expr(&basis, s, &points, *y));
            self.formula(
                ColumnKind::Yearly(*y),
                expr,
                Cached::Number(t.value),
                d,
                "此年的目标无法由本行的基期、目标和已知年份算出",
            );
        }
        for y in actual_years {
            self.completion(&basis, *y);
        }
    }

    /// K: T, a formula where the engine derives it from other cells of the row.
    fn target(&mut self, basis: &Basis) {
        let tr = self.tree;
        let (ind, d) = (self.ind, Some(self.res.decimals));
        let Some(t) = basis.target else {
            self.set(ColumnKind::Target, Cell::text(ind.target.text.clone()));
            return;
        };
        let (i, l) = (self.col(ColumnKind::Base), self.col(ColumnKind::Param));
        let derived = match &ind.target.value {
            _ if basis.method == Method::Rate && basis.level.is_none() && basis.rate.is_some() => {
                let points = schedule::known_points(ind, basis);
                let shape = schedule::shape_of(basis);
                let j = self.col(ColumnKind::TargetYear).map(|c| tr.col(c));
                basis
                    .t1
                    .zip(shape)
                    .zip(j)
                    .and_then(|((t1, s), j)| self.interp(basis, s, &points, t1, j))
            }
            Value::Reduction { .. } if basis.reached => l.map(|c| tr.col(c)),
            Value::Reduction { .. } => i.zip(l).map(|(i, l)| {
                tr.mul(
                    tr.col(i),
                    tr.sub(tr.num(1.0), tr.div(tr.col(l), tr.num(100.0))),
                )
            }),
            Value::Multiple { factor } => i.map(|i| tr.mul(tr.col(i), tr.num(*factor))),
            _ => None,
        };
        let note = source_note(&ind.target, Some(t));
        match derived {
            Some(e) => {
                self.formula(
                    ColumnKind::Target,
                    Some(e),
                    Cached::Number(t),
                    d,
                    "目标值由原文推出",
                );
                if let Some(c) = self.col(ColumnKind::Target) {
                    if let Some(cell) = self.cells.get_mut(usize::from(c)) {
                        let why = cell.note.take();
                        cell.note = match (why, note) {
                            (Some(a), Some(b)) => Some(format!("{a}\n{b}")),
                            (a, b) => a.or(b),
                        };
                    }
                }
            }
            None => self.set(ColumnKind::Target, Cell::number(t, d).with_note(note)),
        }
    }

    /// The (year, value) expressions of a known point of the schedule.
    fn point(&self, basis: &Basis, y: Year) -> Option<(Expr, Expr)> {
        let tr = self.tree;
        if Some(y) == basis.t0 {
            return Some((
                tr.col(self.col(ColumnKind::BaseYear)?),
                tr.col(self.col(ColumnKind::Base)?),
            ));
        }
        let known = self
            .res
            .yearly
            .get(&y)
            .is_some_and(|t| t.source != Source::Computed);
        if known {
            return Some((tr.year(y), tr.col(self.col(ColumnKind::Yearly(y))?)));
        }
        if Some(y) == basis.t1 {
            return Some((
                tr.col(self.col(ColumnKind::TargetYear)?),
                tr.col(self.col(ColumnKind::Target)?),
            ));
        }
        None
    }

    /// The cell that holds the constant `v` of a hold or rate-itself schedule.
    fn constant(&self, basis: &Basis, v: f64) -> Option<Expr> {
        let tr = self.tree;
        let same = |x: Option<f64>| x.is_some_and(|x| x == v);
        if same(basis.target) {
            self.col(ColumnKind::Target).map(|c| tr.col(c))
        } else if same(basis.rate) {
            self.col(ColumnKind::Param).map(|c| tr.col(c))
        } else if same(basis.start()) {
            self.col(ColumnKind::Base).map(|c| tr.col(c))
        } else {
            None
        }
    }

    /// The formula of a computed yearly target, as [`schedule::yearly`] computes it.
    fn yearly_expr(
        &self,
        basis: &Basis,
        shape: Shape,
        points: &YearMap<f64>,
        t: Year,
    ) -> Option<Expr> {
        let tr = self.tree;
        let beyond = basis.t1.is_some_and(|t1| t > t1);
        let at_end_with_level =
            basis.method == Method::Rate && basis.level.is_some() && basis.t1 == Some(t);
        if beyond || at_end_with_level {
            return match shape {
                Shape::Constant(v) => self.constant(basis, v),
                _ => self.col(ColumnKind::Target).map(|c| tr.col(c)),
            };
        }
        if let Shape::Constant(v) = shape {
            return self.constant(basis, v);
        }
        self.interp(basis, shape, points, t, tr.year(t))
    }

    /// [`schedule::interpolate`] as a formula for year `t`, written as `ty` (a literal year, or
    /// the target-year cell when the formula is T itself).
    fn interp(
        &self,
        basis: &Basis,
        shape: Shape,
        points: &YearMap<f64>,
        t: Year,
        ty: Expr,
    ) -> Option<Expr> {
        let tr = self.tree;
        if points.contains_key(&t) {
            return self.point(basis, t).map(|(_, v)| v);
        }
        let (&ta, _) = points.range(..t).next_back()?;
        let (ya, va) = self.point(basis, ta)?;
        let next = points.range(t..).next();
        if let Shape::Rate(_) = shape {
            if next.is_none() {
                let l = tr.col(self.col(ColumnKind::Param)?);
                return Some(tr.mul(
                    va,
                    tr.pow(
                        tr.add(tr.num(1.0), tr.div(l, tr.num(100.0))),
                        tr.sub(ty, ya),
                    ),
                ));
            }
        }
        let (&tb, _) = next?;
        let (yb, vb) = self.point(basis, tb)?;
        let s = tr.div(tr.sub(ty, ya), tr.sub(yb, ya));
        let linear = tr.add(va, tr.mul(tr.sub(vb, va), s));
        Some(match shape {
            Shape::Linear | Shape::Constant(_) => linear,
            Shape::Geometric | Shape::Rate(_) => tr.iff(
                tr.and(&[
                    tr.cmp(CmpOp::Gt, va, tr.num(0.0)),
                    tr.cmp(CmpOp::Gt, vb, tr.num(0.0)),
                ]),
                tr.mul(va, tr.pow(tr.div(vb, va), s)),
                linear,
            ),
            Shape::Reached => {
                let la = tr.sub(tr.num(1.0), tr.div(va, tr.num(100.0)));
                let lb = tr.sub(tr.num(1.0), tr.div(vb, tr.num(100.0)));
                tr.iff(
                    tr.and(&[
                        tr.cmp(CmpOp::Gt, la, tr.num(0.0)),
                        tr.cmp(CmpOp::Gt, lb, tr.num(0.0)),
                    ]),
                    tr.mul(
                        tr.num(100.0),
                        tr.sub(tr.num(1.0), tr.mul(la, tr.pow(tr.div(lb, la), s))),
                    ),
                    linear,
                )
            }
        })
    }

    /// Realization and status of year `y`.
    fn completion(&mut self, basis: &Basis, y: Year) {
        let tr = self.tree;
        let res = self.res;
        let (Some(a_col), Some(k)) = (
            self.col(ColumnKind::Actual(y)),
            self.col(ColumnKind::Target),
        ) else {
            return;
        };
        let a = tr.col(a_col);
        let has_a = tr.is_number(a);
        let status_want = |s: Option<Status>| {
            Cached::Text(s.map_or("", crate::io::appended::status_text).to_string())
        };
        if basis.target.is_none() {
            // No numeric target: a number is not assessed; a qualitative target follows the
            // words of the actual (the engine's words exactly; a word with a remark after it
            // is written as a value); else 无数据.
            let qualitative = matches!(self.ind.target.value, Value::Text { .. });
            let no_number = if qualitative {
                let says = |words: &[&'static str]| {
                    let items: Vec<Expr> = words.iter().map(|w| tr.text_is(a, w)).collect();
                    tr.or(&items)
                };
                tr.iff(
                    says(completion::NOT_DONE_WORDS),
                    tr.text(crate::io::appended::status_text(Status::Lagging)),
                    tr.iff(
                        says(completion::DONE_WORDS),
                        tr.text(crate::io::appended::status_text(Status::Met)),
                        tr.text("无数据"),
                    ),
                )
            } else {
                tr.text("无数据")
            };
            let expr = tr.iff(has_a, tr.text(""), no_number);
            self.formula(
                ColumnKind::Status(y),
                Some(expr),
                status_want(res.status.get(&y).copied()),
                None,
                "状态无法由本行算出",
            );
            return;
        };
        let year_target = res
            .yearly
            .contains_key(&y)
            .then(|| self.col(ColumnKind::Yearly(y)))
            .flatten();
        let g = tr.col(year_target.unwrap_or(k));
        let use_range = basis.range.filter(|_| {
            basis.method == Method::Hold
                || year_target.is_none()
                || basis.t1.is_some_and(|t1| y >= t1)
        });
        let range_cells = self
            .col(ColumnKind::RangeLo)
            .zip(self.col(ColumnKind::RangeHi))
            .map(|(l, h)| (tr.col(l), tr.col(h)));
        let ratio = match (use_range, range_cells) {
            (Some(_), Some((lo, hi))) => {
                let t = tr.mul(tr.num(EPS), tr.max(&[tr.abs(lo), tr.abs(hi), tr.num(1.0)]));
                Some(tr.iff(
                    tr.cmp(CmpOp::Lt, a, tr.sub(lo, t)),
                    tr.iff(
                        tr.and(&[
                            tr.cmp(CmpOp::Gt, lo, tr.num(0.0)),
                            tr.cmp(CmpOp::Ge, a, tr.num(0.0)),
                        ]),
                        tr.div(tr.mul(tr.num(100.0), a), lo),
                        tr.num(0.0),
                    ),
                    tr.iff(
                        tr.cmp(CmpOp::Gt, a, tr.add(hi, t)),
                        tr.iff(
                            tr.cmp(CmpOp::Gt, hi, tr.num(0.0)),
                            tr.div(tr.mul(tr.num(100.0), hi), a),
                            tr.num(0.0),
                        ),
                        tr.num(100.0),
                    ),
                ))
            }
            (Some(_), None) => None,
            (None, _) => {
                let all_or_nothing =
                    tr.iff(tr.meets(a, g, basis.direction), tr.num(100.0), tr.num(0.0));
                Some(match basis.direction {
                    Direction::Positive => tr.iff(
                        tr.or(&[
                            tr.cmp(CmpOp::Le, g, tr.num(0.0)),
                            tr.cmp(CmpOp::Lt, a, tr.num(0.0)),
                        ]),
                        all_or_nothing,
                        tr.div(tr.mul(tr.num(100.0), a), g),
                    ),
                    Direction::Negative => tr.iff(
                        tr.or(&[
                            tr.cmp(CmpOp::Le, a, tr.num(0.0)),
                            tr.cmp(CmpOp::Lt, g, tr.num(0.0)),
                        ]),
                        all_or_nothing,
                        tr.div(tr.mul(tr.num(100.0), g), a),
                    ),
                })
            }
        };
        let clamped = ratio.map(|r| {
            let floor = tr.max(&[tr.num(0.0), r]);
            tr.iff(
                tr.is_number(tr.cap()),
                tr.min(&[tr.max(&[tr.cap(), tr.num(0.0)]), floor]),
                floor,
            )
        });
        let want = match res.realization.get(&y) {
            Some(r) => Cached::Number(r.value),
            None => Cached::Text(String::new()),
        };
        self.formula(
            ColumnKind::Realization(y),
            clamped.map(|c| tr.iff(has_a, c, tr.text(""))),
            want,
            Some(2),
            "实现程度无法由本行算出",
        );
        let status = self.status_expr(basis, a, g, use_range.and(range_cells));
        self.formula(
            ColumnKind::Status(y),
            status.map(|s| tr.iff(has_a, s, tr.text("无数据"))),
            status_want(res.status.get(&y).copied()),
            None,
            "状态无法由本行算出",
        );
    }

    /// The status of year `y` when there is an actual, as [`crate::plan::completion::assess`].
    fn status_expr(
        &self,
        basis: &Basis,
        a: Expr,
        g: Expr,
        range: Option<(Expr, Expr)>,
    ) -> Option<Expr> {
        let tr = self.tree;
        let k = tr.col(self.col(ColumnKind::Target)?);
        let meets_t = match basis.range {
            Some(_) => {
                let lo = tr.col(self.col(ColumnKind::RangeLo)?);
                let hi = tr.col(self.col(ColumnKind::RangeHi)?);
                let t = tr.mul(tr.num(EPS), tr.max(&[tr.abs(lo), tr.abs(hi), tr.num(1.0)]));
                tr.and(&[
                    tr.cmp(CmpOp::Ge, a, tr.sub(lo, t)),
                    tr.cmp(CmpOp::Le, a, tr.add(hi, t)),
                ])
            }
            None => tr.meets(a, k, basis.direction),
        };
        let on = tr.text(crate::io::appended::status_text(Status::OnTrack));
        let lag = tr.text(crate::io::appended::status_text(Status::Lagging));
        let by_g = match range {
            Some((lo, hi)) => tr.and(&[
                tr.cmp(CmpOp::Ge, a, tr.sub(lo, tr.num(EPS))),
                tr.cmp(CmpOp::Le, a, tr.add(hi, tr.num(EPS))),
            ]),
            None => tr.meets(a, g, basis.direction),
        };
        Some(tr.iff(
            meets_t,
            tr.text(crate::io::appended::status_text(Status::Met)),
            tr.iff(by_g, on, lag),
        ))
    }
}
