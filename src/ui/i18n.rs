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
    pub lang_switch: &'static str,
    pub empty_title: &'static str,
    pub empty_hint: &'static str,
    pub drop_hint: &'static str,
    pub loading: &'static str,
    pub ready: &'static str,
    pub indicators: &'static str,
    pub computed_cells: &'static str,
    pub exported: &'static str,
    pub legend_file: &'static str,
    pub legend_computed: &'static str,
    pub legend_manual: &'static str,
    pub read_failed: &'static str,
}

const ZH: Texts = Texts {
    app_name: "指标",
    tagline: "指标任务分解表测算",
    open: "打开",
    demo: "示例",
    export: "导出",
    lang_switch: "English",
    empty_title: "打开指标任务分解表",
    empty_hint: "选择或拖入 .xlsx、.xls、.ods 或 .csv 文件；文件只在本机浏览器中处理，不会上传。",
    drop_hint: "松开鼠标以打开文件",
    loading: "正在读取",
    ready: "已打开",
    indicators: "个指标",
    computed_cells: "个年度目标已测算",
    exported: "已导出",
    legend_file: "文件原值",
    legend_computed: "测算值",
    legend_manual: "手工输入",
    read_failed: "无法读取文件",
};

const EN: Texts = Texts {
    app_name: "Zhibiao",
    tagline: "Planning target calculator",
    open: "Open",
    demo: "Demo",
    export: "Export",
    lang_switch: "中文",
    empty_title: "Open a target decomposition table",
    empty_hint: "Pick or drop an .xlsx, .xls, .ods or .csv file. It is processed in this browser only and never uploaded.",
    drop_hint: "Release to open the file",
    loading: "Reading",
    ready: "Opened",
    indicators: "indicators",
    computed_cells: "yearly targets computed",
    exported: "Exported",
    legend_file: "from the file",
    legend_computed: "computed",
    legend_manual: "typed",
    read_failed: "Cannot read the file",
};

/// The texts of a language.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}
