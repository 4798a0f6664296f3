//! The generator: a seeded grammar of indicator tables, each with its ground truth.
//!
//! A case is built column by column (each column has a header path, top to bottom, and the
//! role the detector must give it), then rendered: title lines, the header band with its
//! merges, the data rows (category rows, groups, sub-indicators, blank rows) and the notes
//! and footers below. The truth is written while rendering, from the same decisions, never
//! from the detector.

use super::rng::Rng;
use super::words::*;
use std::collections::BTreeSet;
use std::sync::Arc;
use zhibiao::plan::RawCell;
use zhibiao::table::detect::Role;
use zhibiao::table::grid::{Merge, Sheet};

/// One indicator as the truth has it.
#[derive(Clone, Debug, PartialEq)]
pub struct TruthRow {
    /// 1-based row, as `Indicator.row`.
    pub row: u32,
    pub name: String,
    pub unit: String,
    pub category: String,
    /// The group of a two-level name (empty: none).
    pub parent: String,
}

/// What the detector must recover.
#[derive(Clone, Debug, PartialEq)]
pub struct Truth {
    /// 0-based rows of the header band.
    pub header_first: usize,
    pub header_last: usize,
    /// Every column with a role; columns with none are absent.
    pub columns: BTreeSet<(usize, Role)>,
    /// The left column of a two-level name (`Role::Parent` once it exists).
    pub parent_col: Option<usize>,
    pub base_year: Option<i32>,
    pub target_year: Option<i32>,
    pub indicators: Vec<TruthRow>,
}

/// How a case reaches the detector when it is written as a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    CsvUtf8,
    CsvUtf8Bom,
    CsvGbk,
    Xlsx,
    Xls,
}

impl FileKind {
    pub fn tag(self) -> &'static str {
        match self {
            Self::CsvUtf8 => "file=csv-utf8",
            Self::CsvUtf8Bom => "file=csv-utf8-bom",
            Self::CsvGbk => "file=csv-gbk",
            Self::Xlsx => "file=xlsx",
            Self::Xls => "file=xls",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub id: usize,
    /// Variant tags, `group=variant`.
    pub tags: Vec<String>,
    pub sheet: Sheet,
    pub truth: Truth,
    /// The case written as a file, read back through `zhibiao::io::import`.
    pub file: Option<(FileKind, Vec<u8>)>,
}

/// Generates `n` cases from `seed`.
pub fn generate(seed: u64, n: usize) -> Vec<Case> {
    (0..n)
        .map(|id| {
            let mut seeder = Rng::new(seed ^ (id as u64).wrapping_mul(0xA076_1D64_78BD_642F));
            let case_seed = seeder.next_u64();
            let mut case = Builder::new(Rng::new(case_seed)).build(id);
            super::files::maybe_write(&mut case, &mut Rng::new(case_seed ^ 0xF11E));
            case
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Columns

/// One header cell of a column's path. Adjacent columns whose element at a level has the same
/// `id` share one merged cell; the last element of a path spans down to the band's last row.
#[derive(Clone, Debug)]
pub struct Head {
    pub text: String,
    /// A header written as a number (`2021`).
    pub num: Option<f64>,
    pub id: u32,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fill {
    Seq,
    Category,
    Parent,
    Name,
    Unit,
    Direction,
    Binding,
    Weight,
    Base,
    Target,
    Yearly(i32),
    Actual(i32),
    Rate,
    Lead,
    Other,
    Leader,
    Note,
    Spacer,
    Extra,
}

#[derive(Clone, Debug)]
pub struct Col {
    pub path: Vec<Head>,
    pub role: Option<Role>,
    pub fill: Fill,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Family {
    /// Base and/or target with optional yearly targets and actuals.
    Plan,
    /// A run of pure years, no base or target: yearly targets of a plan.
    YearsPlan,
    /// A run of pure years in a statistical table: actuals.
    YearsStat,
    /// `2020年 | 2025年` (the 十四五 form).
    Pair,
    /// The national statistics database export.
    Nbs,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CatMode {
    None,
    Rows,
    ColEvery,
    ColFirst,
    ColMerged,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NumStyle {
    Number,
    Text,
    Mixed,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum YearStyle {
    Nian,
    Plain,
    Number,
    Dot,
    FullWidth,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Evidence {
    None,
    PlanTitle,
    StatTitle,
}

pub struct Builder {
    pub rng: Rng,
    pub tags: Vec<String>,
    pub next_id: u32,
    pub trad: bool,
    pub spaced: bool,
    pub broken: bool,
    pub cols: Vec<Col>,
    pub band: usize,
    pub base_year: Option<i32>,
    pub target_year: Option<i32>,
    pub evidence: Evidence,
    pub family: Family,
    pub place: String,
    pub span: (i32, i32),
}

fn fill_year(pattern: &str, y: i32) -> String {
    pattern.replace("{y}", &y.to_string())
}

fn full_width_digits(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

impl Builder {
    pub fn new(rng: Rng) -> Self {
        Self {
            rng,
            tags: Vec::new(),
            next_id: 1,
            trad: false,
            spaced: false,
            broken: false,
            cols: Vec::new(),
            band: 1,
            base_year: None,
            target_year: None,
            evidence: Evidence::None,
            family: Family::Plan,
            place: String::new(),
            span: (2020, 2025),
        }
    }

    pub fn tag(&mut self, t: impl Into<String>) {
        let t = t.into();
        if !self.tags.contains(&t) {
            self.tags.push(t);
        }
    }

    fn id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    /// A header word: simplified, or traditional in a traditional table, with spaces or a
    /// line break inside now and then.
    fn word(&mut self, simp: &[&str], trad: &[&str]) -> String {
        let w = if self.trad && !trad.is_empty() && self.rng.chance(0.8) {
            (*self.rng.pick(trad)).to_string()
        } else {
            (*self.rng.pick(simp)).to_string()
        };
        self.decorate(w)
    }

    fn decorate(&mut self, w: String) -> String {
        if w.chars()
            .any(|c| c.is_ascii_digit() || c == '/' || c == '(' || c == '（')
        {
            return w;
        }
        let chars: Vec<char> = w.chars().collect();
        if chars.len() == 2 && self.rng.chance(0.12) {
            self.spaced = true;
            let gap = *self.rng.pick(&[" ", "  ", "　"]);
            return format!("{}{gap}{}", chars[0], chars[1]);
        }
        if chars.len() >= 4 && self.rng.chance(0.08) {
            self.broken = true;
            let mid = chars.len() / 2;
            let (a, b) = chars.split_at(mid);
            return format!(
                "{}\n{}",
                a.iter().collect::<String>(),
                b.iter().collect::<String>()
            );
        }
        w
    }

    fn head(&mut self, text: impl Into<String>) -> Head {
        let id = self.id();
        Head {
            text: text.into(),
            num: None,
            id,
        }
    }

    fn col(&mut self, path: Vec<Head>, role: Option<Role>, fill: Fill) {
        self.cols.push(Col { path, role, fill });
    }

    fn simple(&mut self, text: String, role: Role, fill: Fill) {
        let h = self.head(text);
        self.col(vec![h], Some(role), fill);
    }

    /// A pure-year header in the case's year style.
    fn year_head(&mut self, y: i32, style: YearStyle) -> Head {
        let id = self.id();
        let (text, num) = match style {
            YearStyle::Nian => (format!("{y}年"), None),
            YearStyle::Plain => (y.to_string(), None),
            YearStyle::Number => (String::new(), Some(f64::from(y))),
            YearStyle::Dot => (format!("{y}.0"), None),
            YearStyle::FullWidth => (full_width_digits(&format!("{y}年")), None),
        };
        Head { text, num, id }
    }

    fn year_style(&mut self) -> YearStyle {
        let s = *self.rng.pick(&[
            YearStyle::Nian,
            YearStyle::Nian,
            YearStyle::Nian,
            YearStyle::Plain,
            YearStyle::Number,
            YearStyle::Dot,
            YearStyle::FullWidth,
        ]);
        self.tag(format!(
            "yearstyle={}",
            match s {
                YearStyle::Nian => "2021年",
                YearStyle::Plain => "2021-text",
                YearStyle::Number => "2021-number",
                YearStyle::Dot => "2021.0",
                YearStyle::FullWidth => "full-width",
            }
        ));
        s
    }

    // -----------------------------------------------------------------------------------------
    // Families

    pub fn build(mut self, id: usize) -> Case {
        let r = self.rng.unit();
        self.family = if r < 0.52 {
            Family::Plan
        } else if r < 0.62 {
            Family::YearsPlan
        } else if r < 0.72 {
            Family::YearsStat
        } else if r < 0.86 {
            Family::Pair
        } else {
            Family::Nbs
        };
        self.trad = self.family != Family::Nbs && self.rng.chance(0.12);
        self.place = (*self.rng.pick(PLACES)).to_string();
        self.span = *self.rng.pick(&[
            (2015, 2020),
            (2016, 2020),
            (2020, 2025),
            (2020, 2025),
            (2020, 2025),
            (2020, 2023),
            (2021, 2025),
            (2022, 2025),
            (2010, 2015),
            (2023, 2027),
            (2024, 2030),
        ]);
        let fam = match self.family {
            Family::Plan => "plan",
            Family::YearsPlan => "years-plan",
            Family::YearsStat => "years-stat",
            Family::Pair => "pair-2020|2025",
            Family::Nbs => "nbs-export",
        };
        self.tag(format!("family={fam}"));
        if self.trad {
            self.tag("script=traditional");
        }
        let rows = super::render::Rows::choose(&mut self);
        self.columns(&rows);
        super::render::render(self, rows, id)
    }

    /// Lays out the columns for the family: identity columns, the value columns, the unit
    /// columns, spacers and extra columns.
    fn columns(&mut self, rows: &super::render::Rows) {
        if self.family == Family::Nbs {
            let w = if self.rng.chance(0.9) {
                "指标"
            } else {
                "指标名称"
            };
            let h = self.head(w);
            self.col(vec![h], Some(Role::Name), Fill::Name);
            let n = *self.rng.pick(&[5usize, 10, 10, 10, 20]);
            let last = *self.rng.pick(&[2022, 2023, 2024]);
            for k in 0..n as i32 {
                let y = last - k;
                let h = self.year_head(y, YearStyle::Nian);
                self.col(vec![h], Some(Role::Actual(y)), Fill::Actual(y));
            }
            self.tag(format!("nbs-years={n}"));
            self.evidence = Evidence::StatTitle;
            return;
        }
        if rows.seq {
            let w = self.word(SEQ, SEQ_TRAD);
            self.simple(w, Role::Seq, Fill::Seq);
        }
        if matches!(
            rows.cat,
            CatMode::ColEvery | CatMode::ColFirst | CatMode::ColMerged
        ) {
            let w = self.word(CATEGORY, CATEGORY_TRAD);
            self.simple(w, Role::Category, Fill::Category);
        }
        let name = self.word(NAME, NAME_TRAD);
        if rows.two_level {
            let h = self.head(name);
            self.col(vec![h.clone()], None, Fill::Parent);
            self.col(vec![h], Some(Role::Name), Fill::Name);
        } else {
            self.simple(name, Role::Name, Fill::Name);
        }
        if rows.unit_col {
            let w = self.word(UNIT, UNIT_TRAD);
            self.simple(w, Role::Unit, Fill::Unit);
        }
        // Direction / binding / weight: early (after the unit) or late (after the values).
        let attr = match self.family {
            Family::Pair => {
                if self.rng.chance(0.6) {
                    Some(Fill::Binding)
                } else {
                    None
                }
            }
            _ => {
                if rows.star {
                    None
                } else if self.rng.chance(0.3) {
                    Some(
                        *self
                            .rng
                            .pick(&[Fill::Binding, Fill::Direction, Fill::Direction]),
                    )
                } else {
                    None
                }
            }
        };
        let attr_early = self.family != Family::Pair && self.rng.chance(0.5);
        let weight = self.family == Family::Plan && self.rng.chance(0.15);
        if weight {
            let w = self.word(WEIGHT, &[]);
            self.simple(w, Role::Weight, Fill::Weight);
            self.tag("col=weight");
        }
        if let (Some(a), true) = (attr, attr_early) {
            self.attribute(a);
        }
        if self.rng.chance(0.12) {
            self.col(Vec::new(), None, Fill::Spacer);
            self.tag("col=spacer");
        }
        match self.family {
            Family::Plan => self.plan_values(),
            Family::YearsPlan => self.years_only(false),
            Family::YearsStat => self.years_only(true),
            Family::Pair => self.pair_values(),
            Family::Nbs => {}
        }
        if let (Some(a), false) = (attr, attr_early) {
            self.attribute(a);
        }
        if matches!(self.family, Family::Plan | Family::YearsPlan | Family::Pair) {
            self.unit_columns();
        } else if self.rng.chance(0.2) {
            let w = self.word(NOTE, NOTE_TRAD);
            self.simple(w, Role::Note, Fill::Note);
            self.tag("col=note");
        }
    }

    fn attribute(&mut self, a: Fill) {
        match a {
            Fill::Binding => {
                let w = self.word(ATTRIBUTE, &[]);
                self.simple(w, Role::Binding, Fill::Binding);
                self.tag("col=attribute-binding");
            }
            _ => {
                if self.rng.chance(0.5) {
                    let w = self.word(ATTRIBUTE, &[]);
                    self.simple(w, Role::Direction, Fill::Direction);
                    self.tag("col=attribute-direction");
                } else {
                    let w = self.word(DIRECTION, &[]);
                    self.simple(w, Role::Direction, Fill::Direction);
                    self.tag("col=direction");
                }
            }
        }
    }

    fn unit_columns(&mut self) {
        let r = self.rng.unit();
        if r < 0.45 {
            let w = self.word(LEAD, LEAD_TRAD);
            self.simple(w, Role::Lead, Fill::Lead);
            self.tag("col=lead");
            if self.rng.chance(0.6) {
                let w = self.word(OTHER, &[]);
                self.simple(w, Role::Other, Fill::Other);
                self.tag("col=lead+other");
            }
        } else if r < 0.7 {
            let w = self.word(RESPONSIBLE, RESPONSIBLE_TRAD);
            self.simple(w, Role::Lead, Fill::Lead);
            self.tag("col=responsible-alone");
        }
        if self.rng.chance(0.1) {
            let w = self.word(LEADER, &[]);
            self.simple(w, Role::Leader, Fill::Leader);
            self.tag("col=leader");
        }
        if self.rng.chance(0.25) {
            let w = self.word(NOTE, NOTE_TRAD);
            self.simple(w, Role::Note, Fill::Note);
            self.tag("col=note");
        }
    }

    fn plan_values(&mut self) {
        let (y0, y1) = self.span;
        let years: Vec<i32> = (y0 + 1..=y1).collect();
        #[derive(PartialEq, Clone, Copy)]
        enum Yearly {
            None,
            Run,
            RunGroup,
            YearTarget,
            Groups,
            RunThenActual,
            Interleaved,
        }
        let r = self.rng.unit();
        let yearly = if r < 0.2 {
            Yearly::None
        } else if r < 0.48 {
            Yearly::Run
        } else if r < 0.6 {
            Yearly::RunGroup
        } else if r < 0.7 {
            Yearly::YearTarget
        } else if r < 0.85 {
            Yearly::Groups
        } else if r < 0.94 {
            Yearly::RunThenActual
        } else {
            Yearly::Interleaved
        };
        let has_base = self.rng.chance(0.9);
        let base_with_year = self.rng.chance(0.8);
        let target_with_year = self.rng.chance(0.75);
        let base_pattern = if base_with_year {
            *self.rng.pick(BASE_YEAR)
        } else {
            *self.rng.pick(BASE_PLAIN)
        };
        let mut target_pattern = if target_with_year {
            *self.rng.pick(TARGET_YEAR)
        } else {
            *self.rng.pick(TARGET_PLAIN)
        };
        if matches!(yearly, Yearly::YearTarget | Yearly::Interleaved)
            && target_pattern == "{y}年目标"
        {
            target_pattern = "{y}年目标值";
        }
        let parent = has_base && base_with_year && target_with_year && self.rng.chance(0.25);
        if has_base {
            self.tag(format!("base={base_pattern}"));
        } else {
            self.tag("base=none");
        }
        self.tag(format!("target={target_pattern}"));
        let base_text = fill_year(base_pattern, y0);
        let target_text = fill_year(target_pattern, y1);
        if parent {
            let w = (*self.rng.pick(PLAN_PARENT)).to_string();
            self.tag(format!("base+target-under={w}"));
            let g = self.head(w);
            let b = self.head(base_text);
            let t = self.head(target_text);
            self.col(vec![g.clone(), b], Some(Role::Base), Fill::Base);
            self.col(vec![g, t], Some(Role::Target), Fill::Target);
            self.band = self.band.max(2);
        } else {
            if has_base {
                self.simple(base_text, Role::Base, Fill::Base);
            }
            self.simple(target_text, Role::Target, Fill::Target);
        }
        let mut yearly_years: Vec<i32> = Vec::new();
        match yearly {
            Yearly::None => self.tag("yearly=none"),
            Yearly::Run | Yearly::RunThenActual => {
                let style = self.year_style();
                self.tag("yearly=pure-years");
                for &y in &years {
                    let h = self.year_head(y, style);
                    self.col(vec![h], Some(Role::Yearly(y)), Fill::Yearly(y));
                }
                yearly_years = years.clone();
                if yearly == Yearly::RunThenActual {
                    self.tag("yearly=pure-years+actual-cols");
                    let k = self.rng.range(1, years.len());
                    let pattern = *self.rng.pick(ACTUAL);
                    self.tag(format!("actual={pattern}"));
                    for &y in &years[..k] {
                        let h = self.head(fill_year(pattern, y));
                        self.col(vec![h], Some(Role::Actual(y)), Fill::Actual(y));
                    }
                }
            }
            Yearly::RunGroup => {
                let style = self.year_style();
                let gw = (*self.rng.pick(YEARLY_GROUP)).to_string();
                self.tag(format!("yearly=pure-years-under-{gw}"));
                let g = self.head(gw);
                for &y in &years {
                    let h = self.year_head(y, style);
                    self.col(vec![g.clone(), h], Some(Role::Yearly(y)), Fill::Yearly(y));
                }
                yearly_years = years.clone();
                self.band = self.band.max(2);
            }
            Yearly::YearTarget => {
                self.tag("yearly={y}年目标");
                let g = if self.rng.chance(0.3) {
                    let w = (*self.rng.pick(YEARLY_GROUP)).to_string();
                    self.tag(format!("yearly={{y}}年目标-under-{w}"));
                    self.band = self.band.max(2);
                    Some(self.head(w))
                } else {
                    None
                };
                for &y in &years {
                    let h = self.head(format!("{y}年目标"));
                    let mut p: Vec<Head> = g.iter().cloned().collect();
                    p.push(h);
                    self.col(p, Some(Role::Yearly(y)), Fill::Yearly(y));
                }
                yearly_years = years.clone();
            }
            Yearly::Interleaved => {
                let pattern = *self.rng.pick(ACTUAL);
                self.tag(format!("yearly={{y}}年目标|{pattern}"));
                let k = self.rng.range(1, years.len());
                for &y in &years[..k] {
                    let h = self.head(format!("{y}年目标"));
                    self.col(vec![h], Some(Role::Yearly(y)), Fill::Yearly(y));
                    let h = self.head(fill_year(pattern, y));
                    self.col(vec![h], Some(Role::Actual(y)), Fill::Actual(y));
                }
                yearly_years = years[..k].to_vec();
            }
            Yearly::Groups => {
                let (a, b) = *self.rng.pick(YEAR_PAIR);
                let outer = self.rng.chance(0.5);
                let all = self.rng.chance(0.7);
                let k = if all {
                    years.len()
                } else {
                    self.rng.range(1, years.len())
                };
                self.tag(format!("yearly=year-groups-{a}|{b}"));
                let og = if outer {
                    let w = (*self.rng.pick(YEAR_PAIR_GROUP)).to_string();
                    self.tag(format!("year-groups-under={w}"));
                    Some(self.head(w))
                } else {
                    None
                };
                let fw = self.rng.chance(0.1);
                for &y in &years[..k] {
                    let yt = if fw {
                        full_width_digits(&format!("{y}年"))
                    } else {
                        format!("{y}年")
                    };
                    let yh = self.head(yt);
                    let ah = self.head(a);
                    let bh = self.head(b);
                    let mut pa = og.iter().cloned().collect::<Vec<_>>();
                    pa.push(yh.clone());
                    let mut pb = pa.clone();
                    pa.push(ah);
                    pb.push(bh);
                    self.col(pa, Some(Role::Yearly(y)), Fill::Yearly(y));
                    self.col(pb, Some(Role::Actual(y)), Fill::Actual(y));
                }
                yearly_years = years[..k].to_vec();
                self.band = self.band.max(if outer { 3 } else { 2 });
            }
        }
        self.base_year = if has_base && base_with_year {
            Some(y0)
        } else {
            yearly_years.first().map(|y| y - 1)
        };
        self.target_year = if target_with_year {
            Some(y1)
        } else {
            yearly_years.last().copied()
        };
    }

    fn years_only(&mut self, stat: bool) {
        let (y0, y1) = self.span;
        let style = self.year_style();
        if stat {
            let n = self.rng.range(3, 8) as i32;
            let last = *self.rng.pick(&[2021, 2022, 2023, 2024]);
            let newest_first = self.trad || self.rng.chance(0.5);
            let quiet = self.trad || (newest_first && self.rng.chance(0.5));
            self.evidence = if quiet {
                Evidence::None
            } else {
                Evidence::StatTitle
            };
            self.tag(if newest_first {
                "years=newest-first"
            } else {
                "years=ascending"
            });
            let years: Vec<i32> = if newest_first {
                (0..n).map(|k| last - k).collect()
            } else {
                (0..n).map(|k| last - n + 1 + k).collect()
            };
            // The evidence in the band instead of the title: a group over the years.
            let group = if self.evidence == Evidence::StatTitle && self.rng.chance(0.3) {
                let w = *self.rng.pick(STAT_GROUP);
                self.tag(format!("years-under={w}"));
                self.evidence = Evidence::None;
                self.band = self.band.max(2);
                Some(self.head(w))
            } else {
                None
            };
            for y in years {
                let h = self.year_head(y, style);
                let mut p: Vec<Head> = group.iter().cloned().collect();
                p.push(h);
                self.col(p, Some(Role::Actual(y)), Fill::Actual(y));
            }
            return;
        }
        let group = self.rng.chance(0.25);
        self.evidence = if group {
            Evidence::None
        } else if self.rng.chance(0.6) && !self.trad {
            Evidence::PlanTitle
        } else {
            Evidence::None
        };
        let years: Vec<i32> = (y0 + 1..=y1).collect();
        let g = if group {
            let w = (*self.rng.pick(YEARLY_GROUP)).to_string();
            self.tag(format!("years-under={w}"));
            self.band = self.band.max(2);
            Some(self.head(w))
        } else {
            None
        };
        for &y in &years {
            let h = self.year_head(y, style);
            let mut p: Vec<Head> = g.iter().cloned().collect();
            p.push(h);
            self.col(p, Some(Role::Yearly(y)), Fill::Yearly(y));
        }
        self.base_year = Some(y0);
        self.target_year = Some(y1);
    }

    fn pair_values(&mut self) {
        let (y0, y1) = self.span;
        let style = *self.rng.pick(&[
            YearStyle::Nian,
            YearStyle::Nian,
            YearStyle::Nian,
            YearStyle::Plain,
            YearStyle::Number,
        ]);
        let b = self.year_head(y0, style);
        let t = self.year_head(y1, style);
        self.col(vec![b], Some(Role::Base), Fill::Base);
        self.col(vec![t], Some(Role::Target), Fill::Target);
        if self.rng.chance(0.6) {
            let w = (*self.rng.pick(RATE)).to_string();
            let h = self.head(w);
            self.col(vec![h], Some(Role::Rate), Fill::Rate);
            self.tag("col=rate");
        }
        if self.rng.chance(0.3) {
            let pattern = *self.rng.pick(ACTUAL);
            self.tag(format!("pair+actual={pattern}"));
            let k = self.rng.range(1, ((y1 - y0) as usize).min(3));
            for y in y0 + 1..=y0 + k as i32 {
                let h = self.head(fill_year(pattern, y));
                self.col(vec![h], Some(Role::Actual(y)), Fill::Actual(y));
            }
        }
        self.base_year = Some(y0);
        self.target_year = Some(y1);
        if self.rng.chance(0.5) {
            self.evidence = Evidence::PlanTitle;
        }
    }
}

/// A text cell (or nothing for an empty text).
pub fn text(s: impl Into<String>) -> RawCell {
    let s = s.into();
    if s.is_empty() {
        RawCell::Empty
    } else {
        RawCell::Text { s: s.into() }
    }
}

/// A number cell with an optional format code.
pub fn number(n: f64, format: Option<&str>) -> RawCell {
    RawCell::Number {
        n,
        format: format.map(Arc::from),
    }
}

/// A grid being written: cells and merges.
#[derive(Default)]
pub struct Grid {
    pub rows: Vec<Vec<RawCell>>,
    pub merges: Vec<Merge>,
}

impl Grid {
    pub fn set(&mut self, r: usize, c: usize, cell: RawCell) {
        if matches!(cell, RawCell::Empty) {
            return;
        }
        if self.rows.len() <= r {
            self.rows.resize_with(r + 1, Vec::new);
        }
        let row = &mut self.rows[r];
        if row.len() <= c {
            row.resize(c + 1, RawCell::Empty);
        }
        row[c] = cell;
    }

    pub fn ensure_row(&mut self, r: usize) {
        if self.rows.len() <= r {
            self.rows.resize_with(r + 1, Vec::new);
        }
    }

    pub fn merge(&mut self, r1: usize, c1: usize, r2: usize, c2: usize) {
        if (r1, c1) != (r2, c2) {
            self.merges.push(Merge {
                first_row: r1 as u32,
                first_col: c1 as u32,
                last_row: r2 as u32,
                last_col: c2 as u32,
            });
        }
    }

    pub fn into_sheet(self, name: &str) -> Sheet {
        Sheet {
            name: name.to_string(),
            rows: self.rows,
            merges: self.merges,
        }
    }
}
