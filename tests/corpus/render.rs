//! Rendering a case: title lines, header band, data rows, notes and footers, and the truth
//! written from the same decisions.

use super::gen::*;
use super::rng::Rng;
use super::words::*;
use std::collections::BTreeSet;
use zhibiao::plan::RawCell;

/// Row-level choices of a case.
pub struct Rows {
    pub seq: bool,
    pub cat: CatMode,
    pub unit_col: bool,
    pub two_level: bool,
    pub star: bool,
    pub subs: bool,
    pub n: usize,
    pub num: NumStyle,
    pub fw: bool,
    pub thousands: bool,
    pub blank_between: bool,
    pub titles: usize,
    pub blank_above_header: bool,
    pub extra_band: bool,
    pub extra_cols: bool,
    pub total_row: bool,
    pub blank_after: bool,
    pub notes: usize,
    pub footers: usize,
    pub seq_style: usize,
}

impl Rows {
    pub fn choose(b: &mut Builder) -> Self {
        let fam = b.family;
        let r = &mut b.rng;
        if fam == Family::Nbs {
            let n = r.range(5, 30);
            return Self {
                seq: false,
                cat: CatMode::None,
                unit_col: false,
                two_level: false,
                star: false,
                subs: false,
                n,
                num: NumStyle::Text,
                fw: false,
                thousands: true,
                blank_between: false,
                titles: 2,
                blank_above_header: false,
                extra_band: false,
                extra_cols: false,
                total_row: false,
                blank_after: r.chance(0.5),
                notes: r.range(0, 1),
                footers: 0,
                seq_style: 0,
            };
        }
        let stat = fam == Family::YearsStat;
        let seq = r.chance(if fam == Family::Pair { 0.6 } else { 0.85 });
        let c = r.unit();
        let cat = if stat {
            if c < 0.6 {
                CatMode::None
            } else if c < 0.8 {
                CatMode::Rows
            } else {
                CatMode::ColFirst
            }
        } else if c < 0.3 {
            CatMode::None
        } else if c < 0.6 {
            CatMode::Rows
        } else if c < 0.7 {
            CatMode::ColEvery
        } else if c < 0.85 {
            CatMode::ColFirst
        } else {
            CatMode::ColMerged
        };
        let unit_col = r.chance(if stat { 0.5 } else { 0.75 });
        let two_level = fam != Family::Pair && r.chance(0.1);
        let star = !two_level && fam != Family::Pair && r.chance(0.15);
        let subs = seq && !two_level && r.chance(0.15);
        let size = r.unit();
        let n = if size < 0.4 {
            r.range(5, 20)
        } else if size < 0.85 {
            r.range(20, 40)
        } else {
            r.range(40, 80)
        };
        let num = *r.pick(&[
            NumStyle::Number,
            NumStyle::Number,
            NumStyle::Text,
            NumStyle::Mixed,
        ]);
        Self {
            seq,
            cat,
            unit_col,
            two_level,
            star,
            subs,
            n,
            num,
            fw: r.chance(0.12),
            thousands: r.chance(0.2),
            blank_between: r.chance(0.2),
            titles: *r.pick(&[0, 1, 1, 1, 2, 2, 3]),
            blank_above_header: r.chance(0.1),
            extra_band: r.chance(0.2),
            extra_cols: r.chance(0.1),
            total_row: r.chance(0.12),
            blank_after: r.chance(0.5),
            notes: *r.pick(&[0, 0, 1, 1, 2]),
            footers: *r.pick(&[0, 0, 0, 1, 2]),
            seq_style: r.below(3),
        }
    }
}

/// A row of the body before it is written.
enum Item {
    Cat(String),
    Ind(Ind),
    /// A seq group row (`23`) with sub-indicators (`23(1)`).
    Group(Ind, Vec<Ind>),
    /// A two-level group: left cell merged over the sub-items.
    Two(String, Vec<Ind>),
    Blank,
}

#[derive(Clone)]
struct Ind {
    name: String,
    unit: String,
    starred: bool,
}

struct Names<'a> {
    pool: &'a [(&'a str, &'a str)],
    order: Vec<usize>,
    next: usize,
    prefixes: &'a [&'a str],
}

impl<'a> Names<'a> {
    fn new(rng: &mut Rng, trad: bool, nbs: bool) -> Self {
        let pool = if nbs {
            NAMES_NBS
        } else if trad {
            NAMES_TRAD
        } else {
            NAMES
        };
        let mut order: Vec<usize> = (0..pool.len()).collect();
        for i in (1..order.len()).rev() {
            let j = rng.below(i + 1);
            order.swap(i, j);
        }
        Self {
            pool,
            order,
            next: 0,
            prefixes: if trad {
                &["全港", "九龍", "新界", "離島"]
            } else {
                &["全县", "城区", "农村", "开发区", "重点区域"]
            },
        }
    }

    fn take(&mut self) -> (String, String) {
        let k = self.next;
        self.next += 1;
        let (name, unit) = self.pool[self.order[k % self.order.len()]];
        let round = k / self.order.len();
        let name = if round == 0 {
            name.to_string()
        } else {
            format!(
                "{}{}",
                self.prefixes[(round - 1) % self.prefixes.len()],
                name
            )
        };
        (name, unit.to_string())
    }
}

/// A category row's label: `一、经济发展`, `（一）经济发展` or the plain label (the row is
/// merged across, or its one cell is outside the name column).
fn ordinal_label(rng: &mut Rng, k: usize, cat: &str) -> String {
    let ord = ORDINALS[k % ORDINALS.len()];
    match rng.below(3) {
        0 => format!("{ord}、{cat}"),
        1 => format!("（{ord}）{cat}"),
        _ => cat.to_string(),
    }
}

fn fw(s: &str) -> String {
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

fn group_thousands(int: &str) -> String {
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

struct Values<'a> {
    rng: &'a mut Rng,
    num: NumStyle,
    fw: bool,
    thousands: bool,
}

impl Values<'_> {
    /// A level as a cell: a number (with a format) or a number stored as text.
    fn level(&mut self, unit: &str) -> RawCell {
        let (v, d) = match unit {
            "%" => (self.rng.unit() * 95.0 + 1.0, 1),
            "亿元" | "亿美元" | "億元" => (self.rng.unit() * 3000.0 + 20.0, 1),
            "元" => ((self.rng.unit() * 80000.0 + 8000.0).round(), 0),
            "" => (self.rng.unit() * 3.0 + 0.5, 2),
            _ => ((self.rng.unit() * 5000.0 + 1.0).round(), 0),
        };
        let as_text = match self.num {
            NumStyle::Number => false,
            NumStyle::Text => true,
            NumStyle::Mixed => self.rng.chance(0.5),
        };
        if !as_text {
            let format = match d {
                1 => Some("0.0"),
                2 => Some("0.00"),
                _ if v >= 1000.0 && self.thousands => Some("#,##0"),
                _ => None,
            };
            let f = 10f64.powi(d);
            return number((v * f).round() / f, format);
        }
        let mut s = format!("{v:.prec$}", prec = d as usize);
        if d == 0 && v >= 1000.0 && self.thousands {
            s = group_thousands(&s);
        }
        if self.fw && self.rng.chance(0.5) {
            s = fw(&s);
        }
        text(s)
    }

    fn target(&mut self, unit: &str) -> RawCell {
        if self.rng.chance(0.35) {
            let v = self.rng.range(2, 98);
            let r = self.rng.range(3, 15);
            let t = match self.rng.below(10) {
                0 => format!("≥{v}"),
                1 => format!("{v}以上"),
                2 => format!("年均增长{r}%"),
                3 => format!("累计降低{r}.5%"),
                4 => "翻一番".to_string(),
                5 => format!("{r}%以内"),
                6 => format!("控制在{r}以内"),
                7 => "上级下达指标".to_string(),
                8 => "完成上级下达任务".to_string(),
                _ => format!("{v}左右"),
            };
            return text(t);
        }
        self.level(unit)
    }

    fn nbs(&mut self, unit: &str) -> RawCell {
        if self.rng.chance(0.05) {
            return text("…");
        }
        let v = match unit {
            "%" => format!("{:.1}", self.rng.unit() * 95.0),
            _ => group_thousands(&format!("{}", self.rng.range(100, 999_999))),
        };
        text(v)
    }
}

fn title_text(b: &mut Builder, plan_words: bool, stat_words: bool) -> String {
    let p = b.place.clone();
    let (y0, y1) = b.span;
    let a = y0 + 1;
    if stat_words {
        let y = y1;
        return match b.rng.below(5) {
            0 => format!("{p}国民经济主要指标统计表"),
            4 => format!("{p}统计年鉴 表3-1 主要指标"),
            1 => format!("{p}{y}年主要指标完成情况"),
            2 => format!("{p}历年主要指标年度数据"),
            _ => format!("{p}主要经济指标实际完成值"),
        };
    }
    if plan_words {
        if b.trad {
            return format!("{p}主要指標目標任務分解表");
        }
        return match b.rng.below(5) {
            0 => format!("{p}\"十四五\"时期主要指标任务分解表"),
            1 => format!("{p}{a}—{y1}年主要指标目标任务分解表"),
            2 => format!("{p}全面建成小康社会指标任务进度计划表"),
            3 => format!("{p}国民经济和社会发展第十四个五年规划主要指标"),
            _ => format!("{p}主要指标目标任务分解表"),
        };
    }
    match b.rng.below(3) {
        0 => "附件2".to_string(),
        1 => "表1".to_string(),
        _ => format!("{p}主要指标一览表"),
    }
}

pub fn render(mut b: Builder, rows: Rows, id: usize) -> Case {
    let family = b.family;
    // Extra columns after the table: an empty column, then one without a header.
    let table_width = b.cols.len();
    if rows.extra_cols {
        b.cols.push(Col {
            path: Vec::new(),
            role: None,
            fill: Fill::Spacer,
        });
        b.cols.push(Col {
            path: Vec::new(),
            role: None,
            fill: Fill::Extra,
        });
        b.tag("cols=extra-after-table");
    }
    if rows.extra_band && b.band < 3 {
        b.band += 1;
        b.tag("band=roles-merged-over-extra-row");
    }
    let band = b.band;
    b.tag(format!("band={band}"));

    // Title lines.
    let mut titles: Vec<Vec<(usize, String, usize)>> = Vec::new();
    let last = table_width - 1;
    if family == Family::Nbs {
        let n = b
            .cols
            .iter()
            .filter(|c| matches!(c.fill, Fill::Actual(_)))
            .count();
        titles.push(vec![(0, "数据库：年度数据".to_string(), 0)]);
        titles.push(vec![(0, format!("时间：最近{n}年"), 0)]);
    } else {
        let need = b.evidence != Evidence::None;
        let count = if need {
            rows.titles.max(1)
        } else {
            rows.titles
        };
        for k in 0..count {
            let line = match k {
                0 => {
                    let ev = b.evidence;
                    let t = if matches!(family, Family::YearsPlan | Family::YearsStat)
                        && ev == Evidence::None
                    {
                        // No evidence either way: a neutral title.
                        title_text(&mut b, false, false)
                    } else {
                        let plan_words = ev == Evidence::PlanTitle
                            || (matches!(family, Family::Plan | Family::Pair) && b.rng.chance(0.8));
                        title_text(&mut b, plan_words, ev == Evidence::StatTitle)
                    };
                    vec![(0, t, last)]
                }
                1 => {
                    let actual: Vec<i32> = b
                        .cols
                        .iter()
                        .filter_map(|c| match c.fill {
                            Fill::Actual(y) => Some(y),
                            _ => None,
                        })
                        .collect();
                    let (from, to) = match family {
                        Family::YearsStat => (
                            actual.iter().copied().min().unwrap_or(b.span.0),
                            actual.iter().copied().max().unwrap_or(b.span.1),
                        ),
                        _ => (b.span.0 + 1, b.span.1),
                    };
                    vec![(0, format!("（{from}—{to}年）"), last)]
                }
                _ => {
                    if b.rng.chance(0.5) {
                        vec![(last, "单位：万元".to_string(), last)]
                    } else {
                        let mid = (last / 2).max(1).min(last);
                        let p = b.place.clone();
                        // A bureau's name is no statistics evidence (the lead's decision).
                        let bureau = if b.rng.chance(0.5) {
                            b.tag("title-line=填报单位-统计局");
                            "统计局"
                        } else {
                            "发展和改革局"
                        };
                        if mid >= 1 && last > mid {
                            vec![
                                (0, format!("填报单位：{p}{bureau}"), mid - 1),
                                (mid, "填报时间：2023年3月".to_string(), last),
                            ]
                        } else {
                            vec![(0, format!("填报单位：{p}{bureau}"), last)]
                        }
                    }
                }
            };
            titles.push(line);
        }
        let in_band = b.tags.iter().any(|t| t.starts_with("years-under="));
        b.tag(match b.evidence {
            Evidence::None if in_band && family == Family::YearsStat => "evidence=stat-band",
            Evidence::None if in_band && family == Family::YearsPlan => "evidence=plan-band",
            Evidence::None => "evidence=none",
            Evidence::PlanTitle => "evidence=plan-title",
            Evidence::StatTitle => "evidence=stat-title",
        });
    }
    b.tag(format!("titles={}", titles.len()));

    let mut g = Grid::default();
    let mut r = 0usize;
    for line in &titles {
        for (c0, t, c1) in line {
            g.set(r, *c0, text(t.clone()));
            if family != Family::Nbs {
                g.merge(r, *c0, r, *c1);
            }
        }
        r += 1;
    }
    if rows.blank_above_header && family != Family::Nbs {
        g.ensure_row(r);
        r += 1;
        b.tag("blank-row-above-header");
    }

    // The header band.
    let header_first = r;
    let ncols = b.cols.len();
    for lvl in 0..band {
        let mut c = 0;
        while c < ncols {
            let col = &b.cols[c];
            if col.path.len() <= lvl {
                c += 1;
                continue;
            }
            let e = col.path[lvl].clone();
            let mut end = c;
            while end + 1 < ncols
                && b.cols[end + 1].path.len() > lvl
                && b.cols[end + 1].path[lvl].id == e.id
            {
                end += 1;
            }
            let leaf = lvl + 1 == col.path.len();
            let bottom = if leaf { band - 1 } else { lvl };
            let cell = match e.num {
                Some(n) => number(n, None),
                None => text(e.text.clone()),
            };
            g.set(header_first + lvl, c, cell);
            g.merge(header_first + lvl, c, header_first + bottom, end);
            c = end + 1;
        }
    }
    g.ensure_row(header_first + band - 1);
    let header_last = header_first + band - 1;
    r = header_last + 1;
    if b.spaced {
        b.tag("header=spaces-inside");
    }
    if b.broken {
        b.tag("header=line-break-inside");
    }

    // Body items.
    let mut items: Vec<Item> = Vec::new();
    let mut names = Names::new(&mut b.rng, b.trad, family == Family::Nbs);
    let cats: &[&str] = if b.trad { CATEGORIES_TRAD } else { CATEGORIES };
    let mut cat_order: Vec<usize> = (0..cats.len()).collect();
    for i in (1..cat_order.len()).rev() {
        let j = b.rng.below(i + 1);
        cat_order.swap(i, j);
    }
    let mut made = 0usize;
    let mut group_k = 0usize;
    let mut used_subs = BTreeSet::new();
    let mut used_two = BTreeSet::new();
    let mut cat_groups: Vec<(String, usize, usize)> = Vec::new(); // (category, first item, end item)
    while made < rows.n {
        let in_group = if rows.cat == CatMode::None {
            rows.n
        } else {
            b.rng.range(2, 8)
        };
        let cat = if rows.cat == CatMode::None {
            String::new()
        } else {
            cats[cat_order[group_k % cat_order.len()]].to_string()
        };
        if rows.cat != CatMode::None && group_k > 0 && rows.blank_between {
            items.push(Item::Blank);
        }
        if rows.cat == CatMode::Rows {
            let label = ordinal_label(&mut b.rng, group_k, &cat);
            items.push(Item::Cat(label));
        }
        let first_item = items.len();
        let mut k = 0;
        while k < in_group && made < rows.n {
            if rows.subs && b.rng.chance(0.1) && used_subs.len() < SUB_GROUPS.len() {
                let gi = b.rng.below(SUB_GROUPS.len());
                if used_subs.insert(gi) {
                    let (gname, subs) = SUB_GROUPS[gi];
                    let inds = subs
                        .iter()
                        .map(|(n, u)| Ind {
                            name: (*n).to_string(),
                            unit: (*u).to_string(),
                            starred: false,
                        })
                        .collect::<Vec<_>>();
                    made += inds.len();
                    k += inds.len();
                    items.push(Item::Group(
                        Ind {
                            name: gname.to_string(),
                            unit: String::new(),
                            starred: false,
                        },
                        inds,
                    ));
                    continue;
                }
            }
            // A two-level table has at least one group (its first item): without one, the
            // name merged over two columns would be an ordinary name.
            if rows.two_level
                && (used_two.is_empty() || b.rng.chance(0.3))
                && used_two.len() < TWO_LEVEL.len()
            {
                let gi = b.rng.below(TWO_LEVEL.len());
                if used_two.insert(gi) {
                    let (gname, subs) = TWO_LEVEL[gi];
                    let inds = subs
                        .iter()
                        .map(|(n, u)| Ind {
                            name: (*n).to_string(),
                            unit: (*u).to_string(),
                            starred: false,
                        })
                        .collect::<Vec<_>>();
                    made += inds.len();
                    k += inds.len();
                    items.push(Item::Two(gname.to_string(), inds));
                    continue;
                }
            }
            let (name, unit) = names.take();
            let starred = rows.star && b.rng.chance(0.3);
            items.push(Item::Ind(Ind {
                name,
                unit,
                starred,
            }));
            made += 1;
            k += 1;
        }
        cat_groups.push((cat, first_item, items.len()));
        group_k += 1;
    }
    match rows.cat {
        CatMode::None => b.tag("category=none"),
        CatMode::Rows => b.tag("category=rows-across"),
        CatMode::ColEvery => b.tag("category=column-every-row"),
        CatMode::ColFirst => b.tag("category=column-first-row-only"),
        CatMode::ColMerged => b.tag("category=column-merged"),
    }
    b.tag(if rows.unit_col {
        "unit=column"
    } else {
        "unit=in-name"
    });
    if rows.two_level {
        b.tag("name=two-level");
    }
    if rows.star {
        b.tag("name=star-binding");
    }
    if items.iter().any(|i| matches!(i, Item::Group(..))) {
        b.tag("rows=sub-indicators");
    }
    if rows.blank_between && rows.cat != CatMode::None {
        b.tag("rows=blank-between-groups");
    }
    b.tag(format!(
        "seq={}",
        if !rows.seq {
            "none"
        } else {
            ["number", "text", "full-width"][rows.seq_style]
        }
    ));
    if family != Family::Nbs {
        b.tag(match rows.num {
            NumStyle::Number => "values=numbers",
            NumStyle::Text => "values=text",
            NumStyle::Mixed => "values=mixed",
        });
        if rows.fw && rows.num != NumStyle::Number {
            b.tag("values=full-width-digits");
        }
    }
    b.tag(format!(
        "size={}",
        match rows.n {
            0..=19 => "5-19",
            20..=39 => "20-39",
            _ => "40-80",
        }
    ));

    // Columns by fill.
    let col_of = |f: Fill| b.cols.iter().position(|c| c.fill == f);
    let seq_col = col_of(Fill::Seq);
    let cat_col = col_of(Fill::Category);
    let name_col = col_of(Fill::Name);
    let parent_col = col_of(Fill::Parent);
    let unit_col = col_of(Fill::Unit);
    let weight_col = col_of(Fill::Weight);
    let name_col = name_col.unwrap_or(0);
    let fills: Vec<Fill> = b.cols.iter().map(|c| c.fill).collect();

    let mut truth_rows = Vec::new();
    let mut seq_n = 0usize;
    let mut rng = b.rng.clone();
    let seq_cell = |s: String| -> RawCell {
        match rows.seq_style {
            0 => match s.parse::<f64>() {
                Ok(n) => number(n, None),
                Err(_) => text(s),
            },
            1 => text(s),
            _ => text(fw(&s)),
        }
    };
    // Writes one indicator row; returns nothing, pushes the truth.
    let name_cell = |ind: &Ind| -> String {
        let base = if ind.starred {
            format!("*{}", ind.name)
        } else {
            ind.name.clone()
        };
        if unit_col.is_some() || ind.unit.is_empty() {
            base
        } else if ind.name.len().is_multiple_of(2) {
            format!("{base}({})", ind.unit)
        } else {
            format!("{base}（{}）", ind.unit)
        }
    };
    for (gi, (cat, first, end)) in cat_groups.iter().enumerate() {
        let mut group_rows: Vec<usize> = Vec::new();
        let start_item = if rows.cat == CatMode::Rows {
            first - 1
        } else {
            *first
        };
        // Blank rows before the group belong to the previous position.
        let blank_before = rows.cat != CatMode::None
            && gi > 0
            && rows.blank_between
            && matches!(items.get(start_item.wrapping_sub(1)), Some(Item::Blank));
        if blank_before {
            g.ensure_row(r);
            r += 1;
        }
        if let Some(Item::Cat(label)) = items.get(start_item).filter(|_| rows.cat == CatMode::Rows)
        {
            let merged = seq_col != Some(0) || rng.chance(0.75);
            g.set(r, 0, text(label.clone()));
            if merged {
                g.merge(r, 0, r, table_width - 1);
            }
            r += 1;
        }
        let mut first_row_of_group = true;
        for item in &items[*first..*end] {
            match item {
                Item::Ind(ind) => {
                    seq_n += 1;
                    let row = r;
                    write_row(
                        &mut g,
                        &mut rng,
                        &rows,
                        &fills,
                        row,
                        ind,
                        seq_cell(seq_n.to_string()),
                        &name_cell(ind),
                        cat,
                        first_row_of_group,
                        family,
                    );
                    if let Some(p) = parent_col {
                        // An ordinary row of a two-level table: the name spans both columns.
                        let text_cell = g.rows[row].get(name_col).cloned().unwrap_or_default();
                        g.rows[row][name_col] = RawCell::Empty;
                        g.set(row, p, text_cell);
                        g.merge(row, p, row, name_col);
                    }
                    truth_rows.push(truth_of(row, ind, cat, ""));
                    group_rows.push(row);
                    r += 1;
                }
                Item::Group(head, subs) => {
                    seq_n += 1;
                    let row = r;
                    if let Some(sc) = seq_col {
                        g.set(row, sc, seq_cell(seq_n.to_string()));
                    }
                    g.set(row, name_col, text(head.name.clone()));
                    if let Some(cc) = cat_col {
                        if rows.cat == CatMode::ColEvery || first_row_of_group {
                            g.set(row, cc, text(cat.clone()));
                        }
                    }
                    truth_rows.push(truth_of(row, head, cat, ""));
                    group_rows.push(row);
                    r += 1;
                    first_row_of_group = false;
                    for (k, sub) in subs.iter().enumerate() {
                        let row = r;
                        write_row(
                            &mut g,
                            &mut rng,
                            &rows,
                            &fills,
                            row,
                            sub,
                            text(format!("{seq_n}({})", k + 1)),
                            &name_cell(sub),
                            cat,
                            false,
                            family,
                        );
                        truth_rows.push(truth_of(row, sub, cat, ""));
                        group_rows.push(row);
                        r += 1;
                    }
                    continue;
                }
                Item::Two(head, subs) => {
                    let top = r;
                    for sub in subs {
                        seq_n += 1;
                        let row = r;
                        write_row(
                            &mut g,
                            &mut rng,
                            &rows,
                            &fills,
                            row,
                            sub,
                            seq_cell(seq_n.to_string()),
                            &name_cell(sub),
                            cat,
                            first_row_of_group && row == top,
                            family,
                        );
                        truth_rows.push(truth_of(row, sub, cat, head));
                        group_rows.push(row);
                        r += 1;
                    }
                    if let Some(p) = parent_col {
                        g.set(top, p, text(head.clone()));
                        g.merge(top, p, r - 1, p);
                    }
                }
                Item::Cat(..) | Item::Blank => {}
            }
            first_row_of_group = false;
        }
        if rows.cat == CatMode::ColMerged {
            if let (Some(cc), Some(a), Some(z)) = (cat_col, group_rows.first(), group_rows.last()) {
                g.merge(*a, cc, *z, cc);
            }
        }
    }

    // Below the table.
    if rows.total_row {
        let c = seq_col.or(parent_col).unwrap_or(name_col);
        g.set(r, c, text(if rng.chance(0.5) { "合计" } else { "总计" }));
        if let Some(w) = weight_col {
            g.set(r, w, number(100.0, None));
        }
        r += 1;
        b.tag("below=total-row");
    }
    if rows.blank_after && (rows.notes + rows.footers > 0 || family == Family::Nbs) {
        g.ensure_row(r);
        r += 1;
    }
    let mut notes: Vec<String> = Vec::new();
    if family == Family::Nbs {
        if rows.notes > 0 {
            notes.push("注：按现行价格计算。".to_string());
        }
        notes.push("数据来源：国家统计局".to_string());
    } else {
        for _ in 0..rows.notes {
            let n = (*rng.pick(NOTES)).to_string();
            if !notes.contains(&n) {
                notes.push(n);
            }
        }
    }
    if !notes.is_empty() {
        b.tag("below=notes");
    }
    for n in notes {
        g.set(r, 0, text(n));
        if family != Family::Nbs && rng.chance(0.5) {
            g.merge(r, 0, r, table_width - 1);
        }
        r += 1;
    }
    if rows.footers > 0 {
        b.tag("below=footers");
    }
    for _ in 0..rows.footers {
        let f = (*rng.pick(FOOTERS)).to_string();
        g.set(r, 0, text(f));
        if rng.chance(0.3) && table_width > 3 {
            g.set(r, table_width / 2, text("审核人：陈某"));
        }
        r += 1;
    }

    // The truth.
    let columns: BTreeSet<(usize, zhibiao::table::detect::Role)> = b
        .cols
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.role.map(|role| (i, role)))
        .collect();
    let truth = Truth {
        header_first,
        header_last,
        columns,
        parent_col,
        base_year: b.base_year,
        target_year: b.target_year,
        indicators: truth_rows,
    };
    let sheet_name = match family {
        Family::Nbs => "年度数据",
        _ => *rng.pick(&["Sheet1", "主要指标分解", "指标任务进度计划表", "表1"]),
    };
    let mut tags = b.tags;
    tags.sort();
    Case {
        id,
        tags,
        sheet: g.into_sheet(sheet_name),
        truth,
        file: None,
    }
}

fn truth_of(row: usize, ind: &Ind, cat: &str, parent: &str) -> TruthRow {
    TruthRow {
        row: (row + 1) as u32,
        name: ind.name.clone(),
        unit: ind.unit.clone(),
        category: cat.to_string(),
        parent: parent.to_string(),
    }
}

#[allow(clippy::too_many_arguments)]
fn write_row(
    g: &mut Grid,
    rng: &mut Rng,
    rows: &Rows,
    fills: &[Fill],
    row: usize,
    ind: &Ind,
    seq: RawCell,
    name: &str,
    cat: &str,
    first_of_group: bool,
    family: Family,
) {
    let mut v = Values {
        rng,
        num: rows.num,
        fw: rows.fw,
        thousands: rows.thousands,
    };
    let mut first_year_done = false;
    for (c, fill) in fills.iter().enumerate() {
        let cell = match *fill {
            Fill::Seq => seq.clone(),
            Fill::Category => match rows.cat {
                CatMode::ColEvery => text(cat),
                CatMode::ColFirst | CatMode::ColMerged if first_of_group => text(cat),
                _ => RawCell::Empty,
            },
            Fill::Name => text(name),
            Fill::Parent => RawCell::Empty,
            Fill::Unit => text(ind.unit.clone()),
            Fill::Direction => text(if v.rng.chance(0.7) {
                "正向"
            } else {
                "逆向"
            }),
            Fill::Binding => text(if v.rng.chance(0.7) {
                "预期性"
            } else {
                "约束性"
            }),
            Fill::Weight => number(v.rng.range(2, 10) as f64, None),
            Fill::Base => {
                if v.rng.chance(0.05) {
                    text("—")
                } else {
                    v.level(&ind.unit)
                }
            }
            Fill::Target => {
                if family == Family::Pair && v.rng.chance(0.5) {
                    v.level(&ind.unit)
                } else {
                    v.target(&ind.unit)
                }
            }
            Fill::Yearly(_) => {
                let must = !first_year_done
                    && matches!(family, Family::YearsPlan | Family::YearsStat | Family::Nbs);
                first_year_done = true;
                let p = if family == Family::YearsPlan {
                    0.9
                } else {
                    0.5
                };
                if must || v.rng.chance(p) {
                    v.level(&ind.unit)
                } else {
                    RawCell::Empty
                }
            }
            Fill::Actual(_) => {
                let must = !first_year_done
                    && matches!(family, Family::YearsPlan | Family::YearsStat | Family::Nbs);
                first_year_done = true;
                if family == Family::Nbs {
                    if must || v.rng.chance(0.93) {
                        v.nbs(&ind.unit)
                    } else {
                        RawCell::Empty
                    }
                } else if must || v.rng.chance(0.8) {
                    v.level(&ind.unit)
                } else if v.rng.chance(0.5) {
                    text("—")
                } else {
                    RawCell::Empty
                }
            }
            Fill::Rate => match v.rng.below(4) {
                0 => text(format!("[{}]", v.rng.range(3, 20))),
                1 => text(format!("{}左右", v.rng.range(4, 8))),
                _ => number(v.rng.range(3, 12) as f64, None),
            },
            Fill::Lead | Fill::Other => {
                let a = *v.rng.pick(UNITS_ORGS);
                let b = *v.rng.pick(UNITS_ORGS);
                if a != b && v.rng.chance(0.3) {
                    text(format!("{a}、{b}"))
                } else {
                    text(a)
                }
            }
            Fill::Leader => text(*v.rng.pick(LEADERS)),
            Fill::Note => {
                if v.rng.chance(0.2) {
                    text("新增指标")
                } else {
                    RawCell::Empty
                }
            }
            Fill::Spacer => RawCell::Empty,
            Fill::Extra => {
                if v.rng.chance(0.5) {
                    number(v.rng.range(1, 500) as f64, None)
                } else {
                    RawCell::Empty
                }
            }
        };
        g.set(row, c, cell);
    }
}
