//! The page's words in 简体中文 (default) and English.
//!
//! A struct of fields rather than string keys: a missing translation does not compile.

use crate::error::Lang;

/// Every fixed text of the page, in one language.
pub struct Texts {
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub open: &'static str,
    pub demo: &'static str,
    pub export: &'static str,
    pub undo: &'static str,
    pub redo: &'static str,
    pub lang_switch: &'static str,
    pub empty_title: &'static str,
    pub empty_hint: &'static str,
    pub drop_hint: &'static str,
    /// Between a label and what it names: `：` in Chinese, `: ` in English.
    pub colon: &'static str,
    /// The empty page's two actions.
    pub empty_open: &'static str,
    pub empty_demo: &'static str,
    /// What the app does, in three lines, on the empty page.
    pub empty_points: [&'static str; 3],
    pub loading: &'static str,
    /// Progress bar stages: reading cells, finding the table, computing.
    pub stage_read: &'static str,
    pub stage_detect: &'static str,
    pub stage_compute: &'static str,
    pub stage_export: &'static str,
    pub ready: &'static str,
    /// The status after opening a file where no sheet holds a table.
    pub no_table_found: &'static str,
    pub computed_cells: &'static str,
    pub exported: &'static str,
    pub legend_file: &'static str,
    pub legend_computed: &'static str,
    pub legend_manual: &'static str,
    pub view_sheet: &'static str,
    pub view_summary: &'static str,
    pub view_draft: &'static str,
    pub assessment_year: &'static str,
    pub overall: &'static str,
    pub by_category: &'static str,
    pub unit_scores: &'static str,
    pub lagging: &'static str,
    pub no_actuals: &'static str,
    pub draft_hint: &'static str,
    /// Before and after the number of rows a long list leaves out.
    pub rows_left_out: (&'static str, &'static str),
    pub seq: &'static str,
    pub name: &'static str,
    pub unit: &'static str,
    pub cap: &'static str,
    pub cap_hint: &'static str,
    pub new: &'static str,
    pub save_html: &'static str,
    pub saved_html: &'static str,
    pub restored: &'static str,
    pub restored_page: &'static str,
    /// The autosaved file's bytes are gone from the browser's store.
    pub restore_failed: &'static str,
    pub confirm_replace: &'static str,
}

const ZH: Texts = Texts {
    app_name: "指标",
    tagline: "指标任务分解表测算",
    open: "打开",
    demo: "示例",
    export: "导出",
    undo: "撤销",
    redo: "重做",
    lang_switch: "English",
    empty_title: "打开指标任务分解表",
    empty_hint: "选择或拖入附件（.xlsx、.xls、WPS .et、.ods、.csv 等）；文件只在本机浏览器中处理，不会上传。",
    drop_hint: "松开鼠标以打开文件",
    colon: "：",
    empty_open: "打开附件",
    empty_demo: "试试示例",
    empty_points: [
        "自动识别表头、基期、目标和年度列，无须手工整理",
        "按线性、复合、年均增长、累计降低等方法测算年度目标，计算实现程度和考核得分",
        "导出带公式的 .xlsx，Excel、WPS 都能打开；也可保存为网页连同计划一起发送",
    ],
    loading: "正在读取",
    stage_read: "读取单元格",
    stage_detect: "识别表格",
    stage_compute: "计算指标",
    stage_export: "写出工作簿",
    ready: "已打开",
    no_table_found: "没有找到指标表，可选中表头后点“标记表格”",
    computed_cells: "个年度目标已测算",
    exported: "已导出",
    legend_file: "文件原值",
    legend_computed: "测算值",
    legend_manual: "手工输入",
    view_sheet: "表格",
    view_summary: "考核汇总",
    view_draft: "下年度目标",
    assessment_year: "考核年度",
    overall: "总体实现程度(%)",
    by_category: "分领域实现程度(%)",
    unit_scores: "单位考核得分",
    lagging: "滞后序时进度的指标",
    no_actuals: "表中还没有实际完成值。",
    draft_hint: "从该年实际值出发，重新测算其后各年目标；⚑ 表示所需改进超过原计划 1.5 倍。",
    rows_left_out: ("另有 ", " 行未列出；导出的工作簿中有全部指标。"),
    seq: "序号",
    name: "指标名称",
    unit: "单位",
    cap: "实现程度上限(%)",
    cap_hint: "留空表示不设上限",
    new: "新建",
    save_html: "保存为网页",
    saved_html: "已保存为网页",
    restored: "已恢复上次的工作",
    restored_page: "已打开网页中保存的计划",
    restore_failed: "无法恢复上次的工作（浏览器中保存的文件已不存在），请重新打开文件",
    confirm_replace: "当前计划有尚未导出或保存的修改。继续将替换当前计划（修改会丢失）。是否继续？",
};

const EN: Texts = Texts {
    app_name: "Zhibiao",
    tagline: "Planning target calculator",
    open: "Open",
    demo: "Demo",
    export: "Export",
    undo: "Undo",
    redo: "Redo",
    lang_switch: "中文",
    empty_title: "Open a target decomposition table",
    empty_hint: "Pick or drop an attachment (.xlsx, .xls, WPS .et, .ods, .csv\u{a0}…). It is processed in this browser only and never uploaded.",
    drop_hint: "Release to open the file",
    colon: ": ",
    empty_open: "Open an attachment",
    empty_demo: "Try the demo",
    empty_points: [
        "Finds the header, base, target and yearly columns by itself: nothing to tidy by hand",
        "Yearly targets by linear, compound, annual-growth or cumulative-reduction paths; completion and unit scores",
        "Exports an .xlsx with live formulas for Excel and WPS, or a web page that carries the plan",
    ],
    loading: "Reading",
    stage_read: "Reading cells",
    stage_detect: "Finding the table",
    stage_compute: "Computing",
    stage_export: "Writing the workbook",
    ready: "Opened",
    no_table_found: "no indicator table found; select the header and click Mark table",
    computed_cells: "yearly targets computed",
    exported: "Exported",
    legend_file: "from the file",
    legend_computed: "computed",
    legend_manual: "typed",
    view_sheet: "Table",
    view_summary: "Assessment",
    view_draft: "Next years",
    assessment_year: "Assessment year",
    overall: "Overall realization (%)",
    by_category: "Realization by category (%)",
    unit_scores: "Unit scores",
    lagging: "Indicators behind schedule",
    no_actuals: "The table has no actual values yet.",
    draft_hint: "Targets of the following years, recomputed from that year's actuals; ⚑: the needed improvement exceeds 1.5× the plan's.",
    rows_left_out: ("", " more rows not listed; the exported workbook has every indicator."),
    seq: "No.",
    name: "Indicator",
    unit: "Unit",
    cap: "Realization cap (%)",
    cap_hint: "Empty: no cap",
    new: "New",
    save_html: "Save as web page",
    saved_html: "Saved as a web page",
    restored: "Your last work was restored",
    restored_page: "Opened the plan saved in this page",
    restore_failed: "Your last work could not be restored (the file kept by the browser is gone); please open the file again",
    confirm_replace: "The current plan has changes that were not exported or saved. Replace it (the changes are lost)?",
};

/// The texts of a language.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

use crate::plan::{Direction, Method, Status};

/// The name of a method.
pub fn method_name(lang: Lang, method: Method) -> &'static str {
    match (lang, method) {
        (Lang::Zh, m) => crate::io::write::formulas::method_name(m),
        (Lang::En, Method::Linear) => "Linear",
        (Lang::En, Method::Compound) => "Compound",
        (Lang::En, Method::Rate) => "Annual growth rate",
        (Lang::En, Method::RateItself) => "Rate itself (r every year)",
        (Lang::En, Method::Reduction) => "Cumulative reduction",
        (Lang::En, Method::Hold) => "Hold",
        (Lang::En, Method::Manual) => "Manual",
        (Lang::En, Method::None) => "Not computed",
    }
}

/// The name of a direction.
pub fn direction_name(lang: Lang, direction: Direction) -> &'static str {
    match (lang, direction) {
        (Lang::Zh, Direction::Positive) => "正向（越大越好）",
        (Lang::Zh, Direction::Negative) => "逆向（越小越好）",
        (Lang::En, Direction::Positive) => "Positive (more is better)",
        (Lang::En, Direction::Negative) => "Negative (less is better)",
    }
}

/// What decided a direction (PLANNING-RULES "Direction", rules 1–5; 0 = the user), in plain
/// words: the user never needs the rule's number.
pub fn rule_name(lang: Lang, rule: u8) -> &'static str {
    match (lang, rule) {
        (Lang::Zh, 0) => "手工设定",
        (Lang::Zh, 1) => "表中的方向列",
        (Lang::Zh, 2) => "目标中的“以上/以内”（≥/≤）",
        (Lang::Zh, 3) => "累计降低目标",
        (Lang::Zh, 4) => "指标名称（如“能耗”“发生率”越小越好）",
        (Lang::Zh, _) => "表中未注明，按越大越好",
        (Lang::En, 0) => "set by hand",
        (Lang::En, 1) => "the table's direction column",
        (Lang::En, 2) => "the target says “at least / at most” (≥/≤)",
        (Lang::En, 3) => "a cumulative reduction target",
        (Lang::En, 4) => "the indicator's name (e.g. consumption, incidence, where less is better)",
        (Lang::En, _) => "not stated in the table, so more is better",
    }
}

/// One line that says why a status was given (PLANNING-RULES "Completion"), for hover.
pub fn status_explanation(lang: Lang, status: Status) -> &'static str {
    match (lang, status) {
        (Lang::Zh, Status::NoData) => "本年没有实际值，或实际值的文字没有说明是否完成",
        (Lang::Zh, Status::Met) => "实际值已达到规划期末目标（定性指标：实际写明已完成）",
        (Lang::Zh, Status::OnTrack) => "实际值达到本年度目标（按本指标的年度进度计划）",
        (Lang::Zh, Status::Lagging) => "实际值未达到本年度目标（定性指标：实际写明未完成）",
        (Lang::En, Status::NoData) => {
            "No actual this year, or its words do not say whether it was done"
        }
        (Lang::En, Status::Met) => {
            "The actual meets the final target (qualitative: the actual says it was done)"
        }
        (Lang::En, Status::OnTrack) => {
            "The actual meets this year's target on the indicator's own schedule"
        }
        (Lang::En, Status::Lagging) => {
            "The actual falls short of this year's target (qualitative: it says not done)"
        }
    }
}

/// A remark after a text: `（…）` in Chinese, ` (…)` in English.
pub fn aside(lang: Lang, text: &str) -> String {
    match lang {
        Lang::Zh => format!("（{text}）"),
        Lang::En => format!(" ({text})"),
    }
}

/// Between two clauses of a message: `；` / `; `.
pub fn clause_sep(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "；",
        Lang::En => "; ",
    }
}

/// Between two items of a list: `，` / `, `.
pub fn item_sep(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "，",
        Lang::En => ", ",
    }
}

/// "12 个指标" / "1 indicator", "12 indicators".
pub fn indicator_count(lang: Lang, n: usize) -> String {
    match (lang, n) {
        (Lang::Zh, n) => format!("{n} 个指标"),
        (Lang::En, 1) => "1 indicator".to_string(),
        (Lang::En, n) => format!("{n} indicators"),
    }
}

/// The name of a status.
pub fn status_name(lang: Lang, status: Status) -> &'static str {
    crate::io::appended::status_word(lang, status)
}

/// The words of the indicator panel.
pub struct PanelTexts {
    pub direction: &'static str,
    pub method: &'static str,
    pub decimals: &'static str,
    pub auto: &'static str,
    /// Before what decided the direction: `依据` / `Decided by` (then the colon).
    pub decided_by: &'static str,
    pub base: &'static str,
    pub target: &'static str,
    pub stretch: &'static str,
    /// Labels of the panel's base and target year inputs.
    pub base_year: &'static str,
    pub target_year: &'static str,
    /// What a year's input says when the table has no column for it.
    pub no_column: &'static str,
    pub year: &'static str,
    pub yearly_target: &'static str,
    pub source: &'static str,
    pub actual: &'static str,
    pub realization: &'static str,
    pub status: &'static str,
    pub draft: &'static str,
    pub needed: &'static str,
    pub original: &'static str,
    pub flagged: &'static str,
    pub close: &'static str,
    pub source_given: &'static str,
    pub source_computed: &'static str,
    pub source_manual: &'static str,
    pub gap: &'static str,
    pub fallback: &'static str,
}

const PANEL_ZH: PanelTexts = PanelTexts {
    direction: "方向",
    method: "测算方法",
    decimals: "小数位",
    auto: "自动",
    decided_by: "依据",
    base: "基期",
    target: "目标",
    stretch: "力争",
    base_year: "基期年份",
    target_year: "目标年份",
    no_column: "表中无此列",
    year: "年份",
    yearly_target: "年度目标",
    source: "来源",
    actual: "实际",
    realization: "实现程度(%)",
    status: "状态",
    draft: "下年度目标草案",
    needed: "所需年变化",
    original: "原计划年变化",
    flagged: "需关注：所需改进超过原计划 1.5 倍",
    close: "关闭",
    source_given: "文件",
    source_computed: "测算",
    source_manual: "手工",
    gap: "按年均增速推算的终点与目标值之差",
    fallback: "等比需要基期值和目标值均为正数，已改用等差",
};

const PANEL_EN: PanelTexts = PanelTexts {
    direction: "Direction",
    method: "Method",
    decimals: "Decimals",
    auto: "Auto",
    decided_by: "Decided by",
    base: "Base",
    target: "Target",
    stretch: "Stretch",
    base_year: "Base year",
    target_year: "Target year",
    no_column: "no column in the table",
    year: "Year",
    yearly_target: "Yearly target",
    source: "Source",
    actual: "Actual",
    realization: "Realization (%)",
    status: "Status",
    draft: "Draft of next years' targets",
    needed: "Needed annual change",
    original: "Original annual change",
    flagged: "Attention: the needed improvement exceeds 1.5× the original",
    close: "Close",
    source_given: "file",
    source_computed: "computed",
    source_manual: "typed",
    gap: "Gap between the rate path's end and the stated level",
    fallback: "Compound needs a positive base and target; linear was used",
};

/// The panel's words in a language.
pub fn panel_texts(lang: Lang) -> &'static PanelTexts {
    match lang {
        Lang::Zh => &PANEL_ZH,
        Lang::En => &PANEL_EN,
    }
}

/// The roles a column can have, as (key, 中文, English); "none" ignores the column.
pub const ROLES: [(&str, &str, &str); 18] = [
    ("seq", "序号", "No."),
    ("category", "领域/类别", "Category"),
    ("name", "指标名称", "Indicator name"),
    ("unit", "单位", "Unit"),
    ("direction", "方向（正向/逆向）", "Direction"),
    ("binding", "属性（预期性/约束性）", "Binding"),
    ("weight", "权重", "Weight"),
    ("base", "基期值", "Base value"),
    ("target", "目标值", "Target value"),
    ("yearly", "年度目标", "Yearly target"),
    ("actual", "实际完成值", "Actual value"),
    ("lead", "牵头单位", "Lead unit"),
    ("other", "配合单位", "Other units"),
    ("leader", "责任领导", "Leader"),
    ("note", "备注", "Note"),
    ("parent", "上级指标（分组）", "Group of items"),
    ("rate", "年均增长（%）", "Annual growth (%)"),
    ("none", "（忽略此列）", "(ignore)"),
];

/// The words of the layout view.
pub struct LayoutTexts {
    pub view: &'static str,
    pub intro: &'static str,
    pub header_rows: &'static str,
    pub data_rows: &'static str,
    pub base_year: &'static str,
    pub target_year: &'static str,
    pub column: &'static str,
    pub header: &'static str,
    pub role: &'static str,
    pub year: &'static str,
    pub why: &'static str,
    pub sure: &'static str,
    pub likely: &'static str,
    pub guess: &'static str,
    pub no_table: &'static str,
    pub looked_for: &'static str,
    pub mark: &'static str,
    pub mark_title: &'static str,
    pub mark_hint: &'static str,
    pub flip_actual: &'static str,
    pub flip_yearly: &'static str,
    pub add_target: &'static str,
    pub add_target_fill: &'static str,
    pub add_target_button: &'static str,
    pub col_menu: &'static str,
}

const LAYOUT_ZH: LayoutTexts = LayoutTexts {
    view: "表头识别",
    intro: "以下是自动识别的表格结构。如有误，可直接修改列的含义或年份，计算会立即更新，修改随计划一起保存。",
    header_rows: "表头行",
    data_rows: "数据行",
    base_year: "基期年",
    target_year: "目标年",
    column: "列",
    header: "表头文字",
    role: "识别为",
    year: "年份",
    why: "依据",
    sure: "确定",
    likely: "较确定",
    guess: "推测",
    no_table: "这个工作表中没有找到指标表。",
    looked_for: "找的是：一行表头（如“指标/指标名称/项目”“单位”“基期”“目标”“2021年”“实际”），其下一列指标名称、旁边几列数值。",
    mark: "标记表格",
    mark_title: "先在表格中选中表头里“指标名称”那一格（表头有多行就选中多行），再点“标记表格”：其余各列按表头自动识别，可在“表头识别”中修改。",
    mark_hint: "请先选中表头中指标名称所在的单元格（多行表头可选中多行），再点“标记表格”。",
    flip_actual: "年份列全部作为实际值",
    flip_yearly: "年份列全部作为年度目标",
    add_target: "添加目标列：",
    add_target_fill: "全部填入（可留空，如 年均增长5%）",
    add_target_button: "添加",
    col_menu: "这一列是…",
};

const LAYOUT_EN: LayoutTexts = LayoutTexts {
    view: "Layout",
    intro: "The table structure as detected. Correct a column's role or year here: results update at once, and the correction is kept with the plan.",
    header_rows: "Header rows",
    data_rows: "Data rows",
    base_year: "Base year",
    target_year: "Target year",
    column: "Column",
    header: "Header text",
    role: "Role",
    year: "Year",
    why: "Evidence",
    sure: "sure",
    likely: "likely",
    guess: "a guess",
    no_table: "No indicator table was found on this sheet.",
    looked_for: "Looked for: a header row (such as 指标/指标名称/项目, 单位, 基期, 目标, 2021年, 实际) with a column of indicator names below it and columns of values beside them.",
    mark: "Mark table",
    mark_title: "Select the header cell over the indicator names (several rows for a multi-row header), then click Mark table: the other columns are read from their headers and can be changed under Layout.",
    mark_hint: "First select the header cell over the indicator names (several rows for a multi-row header), then click Mark table.",
    flip_actual: "All year columns are actuals",
    flip_yearly: "All year columns are yearly targets",
    add_target: "Add a target column:",
    add_target_fill: "fill every row with (optional, e.g. 年均增长5%)",
    add_target_button: "Add",
    col_menu: "This column is…",
};

/// The layout view's words in a language.
pub fn layout_texts(lang: Lang) -> &'static LayoutTexts {
    match lang {
        Lang::Zh => &LAYOUT_ZH,
        Lang::En => &LAYOUT_EN,
    }
}

/// One piece of evidence for a column's role, in words.
pub fn why_text(lang: Lang, why: &crate::table::detect::Why) -> String {
    use crate::table::detect::Why;
    let zh = lang == Lang::Zh;
    match why {
        Why::Word(w) if zh => format!("表头“{w}”"),
        Why::Word(w) => format!("header word “{w}”"),
        Why::Year(y) if zh => format!("年份 {y}"),
        Why::Year(y) => format!("year {y}"),
        Why::Group(w) if zh => format!("上方合并表头“{w}”"),
        Why::Group(w) => format!("merged header “{w}” above"),
        Why::Title(w) if zh => format!("标题中的“{w}”"),
        Why::Title(w) => format!("“{w}” in the title"),
        Why::NewestFirst if zh => "年份由新到旧排列（统计数据）".into(),
        Why::NewestFirst => "years newest first (statistics)".into(),
        Why::YearPair if zh => "两个相隔的年份：前为基期、后为目标".into(),
        Why::YearPair => "two years apart: base, then target".into(),
        Why::YearRun if zh => "连续年份：年度目标".into(),
        Why::YearRun => "a run of years: yearly targets".into(),
        Why::Cells(w) if zh => format!("单元格中的“{w}”"),
        Why::Cells(w) => format!("“{w}” in its cells"),
        Why::BeforePlan if zh => "规划期之前一年的实际值：基期".into(),
        Why::BeforePlan => "an actual before the plan period: the base".into(),
        Why::Shape if zh => "文字列旁是数值列".into(),
        Why::Shape => "texts beside numbers".into(),
        Why::User if zh => "用户设定".into(),
        Why::User => "set by you".into(),
    }
}

// ---------------------------------------------------------------------------------------------
// The grid's own words (issue 15: find, column widths, the panel dock). Kept in one block at
// the end so that changes elsewhere in this file merge cleanly.
// ---------------------------------------------------------------------------------------------

/// The grid's find box, column borders and the panel dock.
pub struct GridTexts {
    pub find_placeholder: &'static str,
    pub find_next: &'static str,
    pub find_prev: &'static str,
    pub find_close: &'static str,
    pub find_none: &'static str,
    pub resize: &'static str,
    pub panel_collapse: &'static str,
    pub panel_expand: &'static str,
    pub panel_label: &'static str,
    pub grid_label: &'static str,
    pub filter: &'static str,
    pub filter_all: &'static str,
    pub filter_apply: &'static str,
    pub filter_cancel: &'static str,
    pub filter_clear: &'static str,
    pub filter_clear_all: &'static str,
    pub filter_blank: &'static str,
    /// "Filtered: {shown} of {total} rows", in two pieces around the numbers.
    pub filter_shown: &'static str,
    pub filter_rows: &'static str,
    /// The hover text of a value cell that holds no number.
    pub not_a_number: &'static str,
    /// The hover text of 考核汇总's links to the grid.
    pub show_in_grid: &'static str,
    /// The button that clears the unit filter.
    pub unit_clear: &'static str,
}

const GRID_ZH: GridTexts = GridTexts {
    find_placeholder: "查找（Enter 下一个，Shift+Enter 上一个）",
    find_next: "下一个（Enter）",
    find_prev: "上一个（Shift+Enter）",
    find_close: "关闭（Esc）",
    find_none: "无匹配",
    resize: "拖动调整列宽，双击适应内容",
    panel_collapse: "收起面板（Esc 关闭）",
    panel_expand: "展开指标面板",
    panel_label: "指标",
    grid_label: "表格",
    filter: "筛选",
    filter_all: "全选",
    filter_apply: "确定",
    filter_cancel: "取消",
    filter_clear: "清除此列筛选",
    filter_clear_all: "清除筛选",
    filter_blank: "（空白）",
    filter_shown: "筛选后显示",
    filter_rows: "行",
    not_a_number: "不是数值：按原文保留，未参与计算",
    show_in_grid: "在表格中显示",
    unit_clear: "清除单位筛选",
};

const GRID_EN: GridTexts = GridTexts {
    find_placeholder: "Find (Enter next, Shift+Enter previous)",
    find_next: "Next (Enter)",
    find_prev: "Previous (Shift+Enter)",
    find_close: "Close (Esc)",
    find_none: "No match",
    resize: "Drag to resize, double-click to fit",
    panel_collapse: "Collapse the panel (Esc closes it)",
    panel_expand: "Expand the indicator panel",
    panel_label: "Indicator",
    grid_label: "Sheet",
    filter: "Filter",
    filter_all: "Select all",
    filter_apply: "OK",
    filter_cancel: "Cancel",
    filter_clear: "Clear this filter",
    filter_clear_all: "Clear filters",
    filter_blank: "(blank)",
    filter_shown: "Filtered: showing",
    filter_rows: "rows",
    not_a_number: "Not a number: kept as typed, left out of the computation",
    show_in_grid: "Show in the sheet",
    unit_clear: "Clear the unit filter",
};

/// The grid's words in a language.
pub fn grid_texts(lang: Lang) -> &'static GridTexts {
    match lang {
        Lang::Zh => &GRID_ZH,
        Lang::En => &GRID_EN,
    }
}

// ---------------------------------------------------------------------------------------------
// The first screen of a large file (issue 19): shown while the rest is read, read-only.
// ---------------------------------------------------------------------------------------------

/// The words of the first screen.
pub struct FirstScreenTexts {
    /// Above the grid while the rest of the file is read.
    pub loading_note: &'static str,
    /// An edit tried while the rest is read.
    pub edit_refused: &'static str,
}

const FIRST_SCREEN_ZH: FirstScreenTexts = FirstScreenTexts {
    loading_note: "已显示前几行，其余行正在读取；读取完成后即可编辑。",
    edit_refused: "文件尚未读完，这次修改没有保存。请在读取完成后再修改。",
};

const FIRST_SCREEN_EN: FirstScreenTexts = FirstScreenTexts {
    loading_note: "Showing the first rows while the rest is read; editing starts when it is done.",
    edit_refused:
        "The file is still being read: this change was not made. Edit again when it is done.",
};

/// The first screen's words in a language.
pub fn first_screen_texts(lang: Lang) -> &'static FirstScreenTexts {
    match lang {
        Lang::Zh => &FIRST_SCREEN_ZH,
        Lang::En => &FIRST_SCREEN_EN,
    }
}

// ---------------------------------------------------------------------------------------------
// Consolidation (汇总, 分发) words, kept apart for the same reason.
// ---------------------------------------------------------------------------------------------

/// The words of distribution, consolidation and the 汇总情况 view.
pub struct ConsolidateTexts {
    pub distribute: &'static str,
    pub distribute_hint: &'static str,
    /// The choice of what 分发 makes: workbooks or saved pages.
    pub distribute_as_hint: &'static str,
    pub distribute_xlsx: &'static str,
    pub distribute_html: &'static str,
    pub consolidate: &'static str,
    pub consolidate_hint: &'static str,
    pub view: &'static str,
    pub distributed: &'static str,
    /// "{n} returns added, {m} conflicts", in pieces.
    pub added: &'static str,
    pub conflicts_open: &'static str,
    pub no_table: &'static str,
    pub returns: &'static str,
    pub file: &'static str,
    pub unit: &'static str,
    pub filled: &'static str,
    pub changed: &'static str,
    pub added_at: &'static str,
    pub note: &'static str,
    pub no_returns: &'static str,
    pub missing: &'static str,
    pub none_missing: &'static str,
    pub conflicts: &'static str,
    pub none_conflicts: &'static str,
    pub row: &'static str,
    /// The row of an unmatched line, in the return's own sheet.
    pub return_row: &'static str,
    pub year: &'static str,
    pub take: &'static str,
    pub suggested: &'static str,
    pub taken: &'static str,
    pub base_value: &'static str,
    pub unmatched: &'static str,
    /// Matching an unmatched row by hand to a plan indicator.
    pub actuals: &'static str,
    pub match_to: &'static str,
    pub choose: &'static str,
    pub match_button: &'static str,
    pub match_hint: &'static str,
    pub matched: &'static str,
    pub no_actuals: &'static str,
    /// Removing a return; a missing unit's link.
    pub remove: &'static str,
    pub remove_hint: &'static str,
    pub missing_hint: &'static str,
    pub changed_targets: &'static str,
    pub what: &'static str,
    pub plan_value: &'static str,
    pub return_value: &'static str,
    /// The unit filter of the grid.
    pub unit_filter: &'static str,
    pub unit_all: &'static str,
    pub unit_lead: &'static str,
    pub unit_any: &'static str,
}

const CONSOLIDATE_ZH: ConsolidateTexts = ConsolidateTexts {
    distribute: "分发",
    distribute_hint: "为每个责任单位生成一份填报表（打包为 .zip）",
    distribute_as_hint:
        "分发的文件：Excel 表格，或可离线打开的网页（单位在网页中填报后“保存为网页”报送）",
    distribute_xlsx: "表格",
    distribute_html: "网页",
    consolidate: "汇总",
    consolidate_hint: "选择各单位报送的文件（可多选），汇总到当前计划",
    view: "汇总情况",
    distributed: "已分发",
    added: "已汇总报送",
    conflicts_open: "待处理冲突",
    no_table: "请先打开计划表",
    returns: "报送情况",
    file: "文件",
    unit: "报送单位",
    filled: "填报数",
    changed: "改动数",
    added_at: "汇总时间",
    note: "说明",
    no_returns: "尚未汇总报送文件。点击“汇总”选择各单位报送的文件，或把多个文件拖到页面上。",
    missing: "未报送单位",
    none_missing: "各单位均已报送。",
    conflicts: "冲突",
    none_conflicts: "没有冲突。",
    row: "计划行",
    return_row: "报送表行",
    year: "年份",
    take: "采用",
    suggested: "建议（牵头单位）",
    taken: "已采用",
    base_value: "计划原值",
    unmatched: "未匹配的行",
    actuals: "实际值",
    match_to: "对应计划指标",
    choose: "选择计划指标…",
    match_button: "对应",
    match_hint:
        "把这一行作为所选的计划指标：其实际值填入空白单元格，与计划不同的值列为冲突（可撤销）",
    matched: "已对应",
    no_actuals: "没有可采用的实际值",
    remove: "移除",
    remove_hint: "移除这份报送：它填报的值恢复为汇总前的值，冲突重新计算（可撤销）",
    missing_hint: "在表格中查看该单位的指标",
    changed_targets: "与计划不同的目标（未采用）",
    what: "项目",
    plan_value: "计划值",
    return_value: "报送值",
    unit_filter: "责任单位",
    unit_all: "全部单位",
    unit_lead: "牵头",
    unit_any: "牵头或配合",
};

const CONSOLIDATE_EN: ConsolidateTexts = ConsolidateTexts {
    distribute: "Distribute",
    distribute_hint: "One copy to fill in per responsible unit (in one .zip)",
    distribute_as_hint: "What to send: workbooks, or pages that open offline (a unit fills its page and returns it saved as a page)",
    distribute_xlsx: ".xlsx",
    distribute_html: ".html",
    consolidate: "Consolidate",
    consolidate_hint: "Pick the units' returns (several at once) to fold into this plan",
    view: "Returns",
    distributed: "Distributed",
    added: "Returns added",
    conflicts_open: "open conflicts",
    no_table: "Open a plan first",
    returns: "Returns",
    file: "File",
    unit: "Unit",
    filled: "Filled",
    changed: "Changed",
    added_at: "Added",
    note: "Note",
    no_returns: "No return added yet. Click Consolidate and pick the units' files, or drop several files on the page.",
    missing: "Units that have not returned",
    none_missing: "Every unit has returned.",
    conflicts: "Conflicts",
    none_conflicts: "No conflict.",
    row: "Plan row",
    return_row: "Row in the return",
    year: "Year",
    take: "Take",
    suggested: "suggested (lead unit)",
    taken: "taken",
    base_value: "plan's value",
    unmatched: "Rows that match no indicator",
    actuals: "Actuals",
    match_to: "Plan indicator",
    choose: "Choose an indicator…",
    match_button: "Match",
    match_hint: "Take this row as the chosen plan indicator: its actuals fill empty cells, values that differ from the plan's are listed as conflicts (undoable)",
    matched: "matched to",
    no_actuals: "no actual to take",
    remove: "Remove",
    remove_hint: "Remove this return: the values it gave go back to what the plan had before, conflicts recomputed (undoable)",
    missing_hint: "Show this unit's rows in the grid",
    changed_targets: "Targets stated differently (not taken)",
    what: "Figure",
    plan_value: "Plan",
    return_value: "Return",
    unit_filter: "Unit",
    unit_all: "All units",
    unit_lead: "lead",
    unit_any: "lead or other",
};

/// The consolidation words in a language.
pub fn consolidate_texts(lang: Lang) -> &'static ConsolidateTexts {
    match lang {
        Lang::Zh => &CONSOLIDATE_ZH,
        Lang::En => &CONSOLIDATE_EN,
    }
}
