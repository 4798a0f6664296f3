//! The expected values of `shared/samples/README.md`, reproduced on plans built by hand from the
//! sample content (`shared/samples/build/plans.py`), cell by cell as the workbooks store them.

use super::model::{
    Direction, Given, Indicator, IndicatorResult, Method, Plan, PlanResults, RawCell, Source,
    Status, Warning, Year,
};
use super::value::parse;
use super::{compute, Options};

/// A cell as `make_samples.py`'s `put()` stores it: a plain number (optionally with a trailing %)
/// becomes a numeric cell whose format shows the written decimals; anything else is text.
fn cell(s: &str) -> Given {
    let t = s.strip_suffix('%').unwrap_or(s);
    let plain = !t.is_empty()
        && t.trim() == t
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        && t.parse::<f64>().is_ok();
    if plain {
        let d = t.split_once('.').map_or(0, |(_, f)| f.len());
        let format = if d == 0 {
            "0".to_string()
        } else {
            format!("0.{}", "0".repeat(d))
        };
        parse(&RawCell::Number {
            n: t.parse().unwrap(),
            format: Some(format.into()),
        })
    } else {
        parse(&RawCell::Text { s: s.into() })
    }
}

/// A text cell.
fn text(s: &str) -> Given {
    parse(&RawCell::Text { s: s.into() })
}

/// One indicator row.
#[allow(clippy::too_many_arguments)]
fn row(
    seq: &str,
    category: &str,
    name: &str,
    unit: &str,
    base: Given,
    target: Given,
    (t0, t1): (Year, Year),
    lead: &str,
    other: &str,
) -> Indicator {
    Indicator {
        seq: seq.into(),
        category: category.into(),
        name: name.into(),
        unit: unit.into(),
        base,
        base_year: Some(t0),
        target,
        target_year: Some(t1),
        lead_units: lead.into(),
        other_units: other.into(),
        ..Indicator::default()
    }
}

fn shown_yearly(r: &IndicatorResult) -> Vec<String> {
    r.yearly.values().map(|t| t.shown()).collect()
}

fn real(r: &IndicatorResult, y: Year) -> Option<String> {
    r.realization.get(&y).map(|s| s.shown())
}

fn status_word(s: Option<&Status>) -> &'static str {
    match s {
        Some(Status::NoData) => "无数据",
        Some(Status::Met) => "已达标",
        Some(Status::OnTrack) => "达到",
        Some(Status::Lagging) => "滞后",
        None => "none",
    }
}

fn overall(res: &PlanResults, y: Year) -> Option<String> {
    res.assessment
        .get(&y)
        .and_then(|a| a.overall.as_ref())
        .map(|s| s.shown())
}

fn unit(res: &PlanResults, y: Year, name: &str) -> Option<(String, usize)> {
    res.assessment
        .get(&y)
        .and_then(|a| a.units.get(name))
        .map(|u| (u.score.shown(), u.count))
}

fn category(res: &PlanResults, y: Year, name: &str) -> Option<String> {
    res.assessment
        .get(&y)
        .and_then(|a| a.categories.get(name))
        .map(|s| s.shown())
}

// ---------------------------------------------------------------------------------------------
// 青岚县 (files 2 and 3): base 2020, target 2025
// ---------------------------------------------------------------------------------------------

type QRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(Year, &'static str)],
    &'static str,
    &'static str,
    [&'static str; 2],
);

const QINGLAN: [QRow; 27] = [
    (
        "1",
        "经济发展",
        "地区生产总值",
        "亿元",
        "186.4",
        "年均增长8%",
        &[],
        "县发展改革局",
        "县统计局",
        ["203.5", "214.6"],
    ),
    (
        "2",
        "经济发展",
        "规模以上工业增加值增速",
        "%",
        "4.2",
        "年均增长8.5%",
        &[],
        "县工业和信息化局",
        "县统计局",
        ["9.1%", "6.3%"],
    ),
    (
        "3",
        "经济发展",
        "一般公共预算收入",
        "亿元",
        "9.82",
        "14.5",
        &[
            (2021, "10.5"),
            (2022, "11.3"),
            (2023, "12.2"),
            (2024, "13.3"),
            (2025, "14.5"),
        ],
        "县财政局",
        "县税务局",
        ["10.62", "11.05"],
    ),
    (
        "4",
        "经济发展",
        "全社会固定资产投资",
        "亿元",
        "120.6",
        "年均增长9%",
        &[],
        "县发展改革局",
        "各乡(镇)人民政府",
        ["128.4", "135.2"],
    ),
    (
        "5",
        "经济发展",
        "社会消费品零售总额",
        "亿元",
        "68.3",
        "95",
        &[],
        "县商务局",
        "县统计局",
        ["72.6", "74.1"],
    ),
    (
        "6",
        "经济发展",
        "常住人口城镇化率",
        "%",
        "48.6",
        "56",
        &[(2021, "50.0"), (2023, "53.0")],
        "县住房城乡建设局",
        "县公安局、县自然资源局",
        ["50.2", "51.3"],
    ),
    (
        "7",
        "创新驱动",
        "研究与试验发展经费投入强度",
        "%",
        "1.12",
        "≥2.0",
        &[],
        "县科技局",
        "县统计局、县财政局",
        ["1.28", "1.51"],
    ),
    (
        "8",
        "创新驱动",
        "每万人口高价值发明专利拥有量",
        "件",
        "0.8",
        "2.5",
        &[],
        "县市场监管局",
        "县科技局",
        ["1.1", "1.3"],
    ),
    (
        "9",
        "创新驱动",
        "数字经济核心产业增加值占地区生产总值比重",
        "%",
        "3.5",
        "8",
        &[],
        "县工业和信息化局",
        "县发展改革局",
        ["4.3", "—"],
    ),
    (
        "10",
        "创新驱动",
        "高新技术企业数",
        "家",
        "24",
        "翻一番",
        &[],
        "县科技局",
        "",
        ["29", "33"],
    ),
    (
        "11",
        "民生福祉",
        "城镇居民人均可支配收入",
        "元",
        "35620",
        "年均增长7%",
        &[],
        "县人力资源社会保障局",
        "县统计局",
        ["38105", "40120"],
    ),
    (
        "12",
        "民生福祉",
        "农村居民人均可支配收入",
        "元",
        "16860",
        "26000，年均增长9%",
        &[],
        "县农业农村局",
        "县统计局",
        ["18390", "19820"],
    ),
    (
        "13",
        "民生福祉",
        "城镇调查失业率",
        "%",
        "5.1",
        "5.5%以内",
        &[],
        "县人力资源社会保障局",
        "",
        ["5.3", "5.8"],
    ),
    (
        "14",
        "民生福祉",
        "劳动年龄人口平均受教育年限",
        "年",
        "10.2",
        "11.0",
        &[],
        "县教育局",
        "",
        ["10.3", "10.5"],
    ),
    (
        "15",
        "民生福祉",
        "每千人口拥有执业(助理)医师数",
        "人",
        "2.31",
        "3",
        &[],
        "县卫生健康局",
        "",
        ["2.42", "2.55"],
    ),
    (
        "16",
        "民生福祉",
        "人均预期寿命",
        "岁",
        "77.2",
        "78.5",
        &[],
        "县卫生健康局",
        "",
        ["77.5", "77.6"],
    ),
    (
        "17",
        "民生福祉",
        "每千人口拥有3岁以下婴幼儿托位数",
        "个",
        "1.2",
        "4.5",
        &[(2022, "2.6")],
        "县卫生健康局",
        "县教育局、县妇联",
        ["1.9", "2.3"],
    ),
    (
        "18",
        "民生福祉",
        "基本养老保险参保率",
        "%",
        "93.5",
        "≥95",
        &[],
        "县人力资源社会保障局",
        "县医疗保障局",
        ["94.0", "94.3"],
    ),
    (
        "19",
        "绿色生态",
        "单位地区生产总值能源消耗",
        "吨标准煤/万元",
        "0.482",
        "累计降低13.5%",
        &[],
        "县发展改革局",
        "县工业和信息化局、县统计局",
        ["0.471", "0.455"],
    ),
    (
        "20",
        "绿色生态",
        "单位地区生产总值二氧化碳排放",
        "吨/万元",
        "1.26",
        "累计降低18%",
        &[],
        "县生态环境局",
        "县发展改革局",
        ["1.22", "1.19"],
    ),
    (
        "21",
        "绿色生态",
        "单位地区生产总值用水量降低",
        "%",
        "—",
        "上级下达指标",
        &[],
        "县水利局",
        "",
        ["—", "—"],
    ),
    (
        "22",
        "绿色生态",
        "森林覆盖率",
        "%",
        "62.35",
        "63.5",
        &[],
        "县林业局",
        "各乡(镇)人民政府",
        ["62.61", "62.79"],
    ),
    (
        "23",
        "绿色生态",
        "细颗粒物(PM2.5)平均浓度",
        "微克/立方米",
        "32",
        "30以内",
        &[],
        "县生态环境局",
        "县住房城乡建设局、县交通运输局",
        ["31", "33"],
    ),
    (
        "24",
        "绿色生态",
        "地表水达到或好于Ⅲ类水体比例",
        "%",
        "85.7",
        "完成上级下达任务",
        &[],
        "县生态环境局",
        "县水利局",
        ["88.9", "90.0"],
    ),
    (
        "25",
        "安全保障",
        "耕地保有量",
        "万亩",
        "42.6",
        "不低于42.1",
        &[],
        "县自然资源局",
        "各乡(镇)人民政府",
        ["42.5", "42.3"],
    ),
    (
        "26",
        "安全保障",
        "粮食综合生产能力",
        "万吨",
        "21.8",
        "≥22",
        &[],
        "县农业农村局",
        "县发展改革局",
        ["21.9", "21.7"],
    ),
    (
        "27",
        "安全保障",
        "城乡居民收入比",
        "—",
        "2.18:1",
        "2.0:1以内",
        &[],
        "县农业农村局",
        "县人力资源社会保障局",
        ["2.15", "2.12"],
    ),
];

/// The Qinglan plan; `with_actuals` adds the 2021 and 2022 actuals of the progress file.
fn qinglan(with_actuals: bool) -> Plan {
    let indicators = QINGLAN
        .iter()
        .map(|q| {
            let mut i = row(
                q.0,
                q.1,
                q.2,
                q.3,
                cell(q.4),
                cell(q.5),
                (2020, 2025),
                q.7,
                q.8,
            );
            for (y, s) in q.6 {
                i.yearly.insert(*y, cell(s));
            }
            if with_actuals {
                // The progress file stores a few actuals as text; the value is the same.
                i.actual.insert(2021, text(q.9[0]));
                i.actual.insert(2022, text(q.9[1]));
            }
            i
        })
        .collect();
    Plan {
        title: "青岚县".into(),
        years: (2021..=2025).collect(),
        indicators,
        ..Plan::default()
    }
}

#[test]
fn qinglan_yearly_targets() {
    // (seq, method, direction, rule, d, 2021..2025) — the README's table.
    use Direction::{Negative as N, Positive as P};
    use Method::*;
    let expected: [(Method, Direction, u8, u8, [&str; 5]); 27] = [
        (Rate, P, 5, 1, ["201.3", "217.4", "234.8", "253.6", "273.9"]),
        (RateItself, P, 5, 1, ["8.5", "8.5", "8.5", "8.5", "8.5"]),
        (
            Linear,
            P,
            5,
            2,
            ["10.50", "11.30", "12.20", "13.30", "14.50"],
        ),
        (Rate, P, 5, 1, ["131.5", "143.3", "156.2", "170.2", "185.6"]),
        (Linear, P, 5, 1, ["73.6", "79.0", "84.3", "89.7", "95.0"]),
        (Linear, P, 5, 1, ["50.0", "51.5", "53.0", "54.5", "56.0"]),
        (Linear, P, 2, 2, ["1.30", "1.47", "1.65", "1.82", "2.00"]),
        (Linear, P, 5, 1, ["1.1", "1.5", "1.8", "2.2", "2.5"]),
        (Linear, P, 5, 1, ["4.4", "5.3", "6.2", "7.1", "8.0"]),
        (Compound, P, 5, 0, ["28", "32", "36", "42", "48"]),
        (Rate, P, 5, 0, ["38113", "40781", "43636", "46691", "49959"]),
        // 2025 of seq 12 is not settled by the README; checked separately.
        (Rate, P, 5, 0, ["18377", "20031", "21834", "23799", "*"]),
        (Hold, N, 2, 1, ["5.5", "5.5", "5.5", "5.5", "5.5"]),
        (Linear, P, 5, 1, ["10.4", "10.5", "10.7", "10.8", "11.0"]),
        (Linear, P, 5, 2, ["2.45", "2.59", "2.72", "2.86", "3.00"]),
        (Linear, P, 5, 1, ["77.5", "77.7", "78.0", "78.2", "78.5"]),
        (Linear, P, 5, 1, ["1.9", "2.6", "3.2", "3.9", "4.5"]),
        (Linear, P, 2, 1, ["93.8", "94.1", "94.4", "94.7", "95.0"]),
        (
            Reduction,
            N,
            3,
            3,
            ["0.468", "0.455", "0.442", "0.429", "0.417"],
        ),
        (Reduction, N, 3, 2, ["1.21", "1.16", "1.12", "1.08", "1.03"]),
        (None, P, 4, 0, ["-", "-", "-", "-", "-"]),
        (
            Linear,
            P,
            5,
            2,
            ["62.58", "62.81", "63.04", "63.27", "63.50"],
        ),
        (Linear, N, 2, 0, ["32", "31", "31", "30", "30"]),
        (None, P, 5, 1, ["-", "-", "-", "-", "-"]),
        (Hold, P, 2, 1, ["42.1", "42.1", "42.1", "42.1", "42.1"]),
        (Linear, P, 2, 1, ["21.8", "21.9", "21.9", "22.0", "22.0"]),
        (Linear, N, 2, 2, ["2.14", "2.11", "2.07", "2.04", "2.00"]),
    ];
    let res = compute(&qinglan(false), &Options::default());
    for (i, (r, (method, dir, rule, d, years))) in res.indicators.iter().zip(expected).enumerate() {
        let seq = i + 1;
        assert_eq!(r.method, method, "seq {seq} method");
        assert_eq!(
            (r.direction, r.direction_rule),
            (dir, rule),
            "seq {seq} direction"
        );
        if method != Method::None {
            assert_eq!(r.decimals, d, "seq {seq} decimals");
        }
        for (k, want) in years.iter().enumerate() {
            let y = 2021 + Year::try_from(k).unwrap();
            let got = r.yearly.get(&y).map_or("-".to_string(), |t| t.shown());
            if *want != "*" {
                assert_eq!(got, *want, "seq {seq} {y}");
            }
        }
    }
    // Seq 3: all given; seq 6: the anchors are Given, the others Computed.
    assert!(res.indicators[2]
        .yearly
        .values()
        .all(|t| t.source == Source::Given));
    assert_eq!(res.indicators[5].yearly[&2021].source, Source::Given);
    assert_eq!(res.indicators[5].yearly[&2022].source, Source::Computed);
}

#[test]
fn qinglan_worked_examples() {
    let res = compute(&qinglan(false), &Options::default());
    let at = |seq: usize, y: Year| res.indicators[seq - 1].yearly[&y].value;
    let close = |a: f64, b: f64, tol: f64| (a - b).abs() < tol;
    // seq 14: 10.2 + 0.8·0.2 = 10.36; 2023: 10.68.
    assert!(close(at(14, 2021), 10.36, 1e-12));
    assert!(close(at(14, 2023), 10.68, 1e-12));
    // seq 7: 1.12 + 0.88·0.2 = 1.296 → 1.30.
    assert!(close(at(7, 2021), 1.296, 1e-12));
    // seq 17: 2.6 + 1.9·⅓ = 3.2333, 2.6 + 1.9·⅔ = 3.8667.
    assert!(close(at(17, 2023), 3.233_333_333, 1e-9));
    assert!(close(at(17, 2024), 3.866_666_667, 1e-9));
    // seq 1: 186.4·1.08 = 201.312; 186.4·1.08² = 217.41696; 186.4·1.08⁵ = 273.88275.
    assert!(close(at(1, 2021), 201.312, 1e-9));
    assert!(close(at(1, 2022), 217.416_96, 1e-9));
    assert!(close(at(1, 2025), 273.882_75, 1e-5));
    // seq 10: 24·2^0.2 = 27.5688, 24·2^0.6 = 36.3772, 24·2^0.8 = 41.7864.
    assert!(close(at(10, 2021), 27.5688, 1e-4));
    assert!(close(at(10, 2024), 41.7864, 1e-4));
    // seq 19: 0.482·0.865^0.2 = 0.468220; 0.482·0.865^0.4 = 0.454835; 0.482·0.865 = 0.41693.
    assert!(close(at(19, 2021), 0.468_220, 1e-6));
    assert!(close(at(19, 2022), 0.454_835, 1e-6));
    assert!(close(at(19, 2025), 0.416_93, 1e-12));
    // seq 12: rate with a level; T = 26000 and the gap 25941.1999 − 26000 = −58.80 → −59.
    let r12 = &res.indicators[11];
    assert_eq!(r12.target, Some(26000.0));
    match r12.warnings.as_slice() {
        [Warning::RateLevelGap { gap }] => {
            assert!(close(gap.value, -58.800_1, 1e-3), "{}", gap.value);
            assert_eq!(gap.shown(), "-59");
        }
        w => panic!("{w:?}"),
    }
    // seq 21, 24: qualitative, nothing computed.
    assert!(res.indicators[20].yearly.is_empty());
    assert!(res.indicators[23].yearly.is_empty());
    assert!(res.assessment.is_empty());
}

#[test]
fn qinglan_progress_realization_and_status() {
    let res = compute(&qinglan(true), &Options::default());
    // seq: (2021 realization, status, 2022 realization, status); "-" = no realization.
    let expected: [(&str, &str, &str, &str); 27] = [
        ("100.00", "达到", "98.70", "滞后"),
        ("100.00", "已达标", "74.12", "滞后"),
        ("100.00", "达到", "97.79", "滞后"),
        ("97.68", "滞后", "94.36", "滞后"),
        ("98.59", "滞后", "93.82", "滞后"),
        ("100.00", "达到", "99.61", "滞后"),
        ("98.77", "滞后", "100.00", "达到"),
        ("96.49", "滞后", "87.84", "滞后"),
        ("97.73", "滞后", "-", "无数据"),
        ("100.00", "达到", "100.00", "达到"),
        ("99.98", "滞后", "98.38", "滞后"),
        ("100.00", "达到", "98.94", "滞后"),
        ("100.00", "已达标", "94.83", "滞后"),
        ("99.42", "滞后", "99.81", "滞后"),
        ("98.86", "滞后", "98.61", "滞后"),
        ("100.00", "达到", "99.85", "滞后"),
        ("100.00", "达到", "88.46", "滞后"),
        ("100.00", "达到", "100.00", "达到"),
        ("99.41", "滞后", "99.96", "滞后"),
        ("99.26", "滞后", "97.80", "滞后"),
        ("-", "无数据", "-", "无数据"),
        ("100.00", "达到", "99.97", "滞后"),
        ("100.00", "达到", "94.55", "滞后"),
        // Qualitative target with numeric actuals: not assessed (no status).
        ("-", "none", "-", "none"),
        ("100.00", "已达标", "100.00", "已达标"),
        ("100.00", "达到", "99.18", "滞后"),
        ("99.72", "滞后", "99.43", "滞后"),
    ];
    for (i, (r, (r21, s21, r22, s22))) in res.indicators.iter().zip(expected).enumerate() {
        let seq = i + 1;
        assert_eq!(
            real(r, 2021).as_deref().unwrap_or("-"),
            r21,
            "seq {seq} 2021"
        );
        assert_eq!(status_word(r.status.get(&2021)), s21, "seq {seq} 2021");
        assert_eq!(
            real(r, 2022).as_deref().unwrap_or("-"),
            r22,
            "seq {seq} 2022"
        );
        assert_eq!(status_word(r.status.get(&2022)), s22, "seq {seq} 2022");
    }
    // Worked progress values.
    let p = |seq: usize, y: Year| res.indicators[seq - 1].progress[&y];
    assert!((p(15, 2022) - 0.24 / 0.69).abs() < 1e-12); // 0.3478 < 0.4
    assert!((p(1, 2022) - 28.2 / 87.48275).abs() < 1e-6); // 0.3223
    assert!((p(1, 2021) - 17.1 / 87.48275).abs() < 1e-6); // 0.1955 < 0.2
    assert!((p(19, 2022) - 0.41494).abs() < 1e-4); // ≥ 0.4
                                                   // Hold and rate itself: progress has no meaning.
    assert!(res.indicators[12].progress.is_empty());
    assert!(res.indicators[1].progress.is_empty());
    // seq 24 keeps its numeric actuals but is not assessed.
    assert_eq!(res.indicators[23].actual.get(&2022), Some(&90.0));
    // seq 2: the text actual 6.3% is read as 6.3.
    assert_eq!(res.indicators[1].actual.get(&2022), Some(&6.3));
}

#[test]
fn qinglan_scores() {
    let res = compute(&qinglan(true), &Options::default());
    // Overall, equal weights: 2021 over 25 indicators, 2022 over 24.
    assert_eq!(overall(&res, 2021).as_deref(), Some("99.44"));
    assert_eq!(overall(&res, 2022).as_deref(), Some("96.50"));
    // 县卫生健康局: (98.6079 + 99.8456 + 88.4615) / 3 = 95.64.
    assert_eq!(unit(&res, 2022, "县卫生健康局"), Some(("95.64".into(), 3)));
    assert_eq!(unit(&res, 2022, "县统计局"), Some(("94.85".into(), 7)));
    assert_eq!(unit(&res, 2022, "县发展改革局"), Some(("98.00".into(), 5)));
    assert_eq!(unit(&res, 2022, "县妇联"), Some(("88.46".into(), 1)));
    assert_eq!(
        unit(&res, 2022, "各乡(镇)人民政府"),
        Some(("98.11".into(), 3))
    );
    assert_eq!(unit(&res, 2022, "县水利局"), None);
    for (cat, want) in [
        ("经济发展", "93.07"),
        ("创新驱动", "95.95"),
        ("民生福祉", "97.36"),
        ("绿色生态", "98.07"),
        ("安全保障", "99.54"),
    ] {
        assert_eq!(category(&res, 2022, cat).as_deref(), Some(want), "{cat}");
    }
}

#[test]
fn qinglan_draft_from_2022() {
    let res = compute(&qinglan(true), &Options::default());
    // seq 15, linear: from (2022, 2.55) to (2025, 3): 2.70, 2.85, 3.00; needed 0.15 a year vs the
    // original (3 − 2.586)/3 = 0.138: not more than 1.5 times → not flagged.
    let d = res.indicators[14].draft.as_ref().unwrap();
    assert_eq!(d.from_year, 2022);
    let shown: Vec<String> = d.years.values().map(|s| s.shown()).collect();
    assert_eq!(shown, vec!["2.70", "2.85", "3.00"]);
    assert!(!d.flag);
    // seq 13, hold that slipped (5.8 > 5.5): always flagged.
    assert!(res.indicators[12].draft.as_ref().unwrap().flag);
    // seq 2, rate itself, 6.3 < 8.5: keeps r, flagged.
    let d2 = res.indicators[1].draft.as_ref().unwrap();
    assert!(d2.flag && d2.years.values().all(|s| s.shown() == "8.5"));
    // seq 25 already meets its floor: holds the actual 42.3 (never plans backwards), not flagged.
    let d25 = res.indicators[24].draft.as_ref().unwrap();
    assert!(!d25.flag && d25.years.values().all(|s| s.shown() == "42.3"));
    // seq 9 has no 2022 actual: its draft starts from 2021.
    assert_eq!(res.indicators[8].draft.as_ref().unwrap().from_year, 2021);
    // Qualitative rows have no draft.
    assert!(res.indicators[20].draft.is_none() && res.indicators[23].draft.is_none());
    // With an explicit assessment year, seq 9 has no draft (no 2022 actual).
    let res = compute(
        &qinglan(true),
        &Options {
            assessment_year: Some(2022),
        },
    );
    assert!(res.indicators[8].draft.is_none());
}

// ---------------------------------------------------------------------------------------------
// 望川市 (file 4): base 2015, target 2020, weights, actuals 2018 and 2019
// ---------------------------------------------------------------------------------------------

type WRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    f64,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    [&'static str; 2],
);

const WANGCHUAN: [WRow; 20] = [
    (
        "1",
        "经济发展",
        "地区生产总值",
        "亿元",
        8.0,
        "1268",
        "年均增长7%",
        "市发展改革委",
        "市统计局、各县(市、区)人民政府",
        ["1538.2", "1671.3"],
    ),
    (
        "2",
        "经济发展",
        "人均地区生产总值",
        "元",
        5.0,
        "42300",
        "60000",
        "市发展改革委",
        "市统计局",
        ["51880", "55240"],
    ),
    (
        "3",
        "经济发展",
        "一般公共预算收入",
        "亿元",
        6.0,
        "86.5",
        "翻一番",
        "市财政局",
        "市税务局、各县(市、区)人民政府",
        ["124.6", "139.8"],
    ),
    (
        "4",
        "经济发展",
        "服务业增加值占地区生产总值比重",
        "%",
        5.0,
        "41.2",
        "47",
        "市发展改革委",
        "市商务局、市旅游局",
        ["44.1", "45.9"],
    ),
    (
        "5",
        "经济发展",
        "常住人口城镇化率",
        "%",
        5.0,
        "52.3",
        "58",
        "市住房城乡建设局",
        "市公安局、市发展改革委",
        ["55.4", "56.5"],
    ),
    (
        "6",
        "创新驱动",
        "研究与试验发展经费支出占地区生产总值比重",
        "%",
        5.0,
        "1.45",
        "2.5",
        "市科技局",
        "市统计局 市财政局",
        ["1.96", "2.12"],
    ),
    (
        "7",
        "创新驱动",
        "每万人口发明专利拥有量",
        "件",
        4.0,
        "2.1",
        "6",
        "市市场监管局",
        "市科技局",
        ["4.6", "5.1"],
    ),
    (
        "8",
        "创新驱动",
        "互联网宽带接入用户数",
        "万户",
        4.0,
        "38.6",
        "65",
        "市经济和信息化委",
        "市通信发展管理办公室",
        ["55.3", "61.2"],
    ),
    (
        "9",
        "民生福祉",
        "城乡居民人均可支配收入",
        "元",
        6.0,
        "21450",
        "年均增长8%",
        "市人力资源社会保障局、市农业局",
        "市统计局",
        ["26860", "29010"],
    ),
    (
        "10",
        "民生福祉",
        "城镇登记失业率",
        "%",
        4.0,
        "3.2",
        "控制在3.5%以内",
        "市人力资源社会保障局",
        "",
        ["3.3", "3.6"],
    ),
    (
        "11",
        "民生福祉",
        "劳动年龄人口平均受教育年限",
        "年",
        4.0,
        "9.8",
        "10.5",
        "市教育局",
        "各县(市、区)人民政府",
        ["10.2", "10.4"],
    ),
    (
        "12",
        "民生福祉",
        "每千人口执业(助理)医师数",
        "人",
        4.0,
        "1.92",
        "2.5",
        "市卫生计生委",
        "市人力资源社会保障局",
        ["2.25", "—"],
    ),
    (
        "13",
        "民生福祉",
        "城镇保障性安居工程住房建设",
        "万套",
        4.0,
        "—",
        "完成上级下达任务",
        "市住房城乡建设局",
        "各县(市、区)人民政府",
        ["完成", "完成"],
    ),
    (
        "14",
        "民生福祉",
        "每千名老年人拥有养老床位数",
        "张",
        4.0,
        "28",
        "35",
        "市民政局",
        "市发展改革委；市财政局",
        ["31.5", "34.0"],
    ),
    (
        "15",
        "资源环境",
        "单位地区生产总值能源消耗",
        "吨标准煤/万元",
        6.0,
        "0.638",
        "累计下降16%",
        "市发展改革委",
        "市经济和信息化委、市统计局",
        ["0.571", "0.560"],
    ),
    (
        "16",
        "资源环境",
        "空气质量优良天数比率",
        "%",
        6.0,
        "86.3",
        "≥88",
        "市环境保护局",
        "各县(市、区)人民政府、市住房城乡建设局",
        ["87.9", "86.8"],
    ),
    (
        "17",
        "资源环境",
        "细颗粒物(PM2.5)年均浓度",
        "微克/立方米",
        5.0,
        "41",
        "≤35",
        "市环境保护局",
        "市交通运输局、市住房城乡建设局、市气象局",
        ["38", "36"],
    ),
    (
        "18",
        "资源环境",
        "森林覆盖率",
        "%",
        5.0,
        "56.8",
        "58",
        "市林业局",
        "各县（市、区）人民政府",
        ["57.6", "57.8"],
    ),
    (
        "19",
        "资源环境",
        "城市污水处理率",
        "%",
        5.0,
        "88.5",
        "95以上",
        "市住房城乡建设局",
        "市水务局",
        ["91.8", "94.2"],
    ),
    (
        "20",
        "资源环境",
        "主要污染物排放总量减少",
        "—",
        5.0,
        "—",
        "上级下达指标",
        "市环境保护局",
        "各县(市、区)人民政府",
        ["完成", "完成"],
    ),
];

/// A Wangchuan number cell: seq 2 and 9 use `#,##0`, seq 16's actuals are percent-formatted.
fn wangchuan_cell(seq: &str, s: &str, actual: bool) -> Given {
    let n = s.parse::<f64>();
    match (seq, n) {
        ("2" | "9", Ok(n)) => parse(&RawCell::Number {
            n,
            format: Some(if n >= 1000.0 { "#,##0" } else { "0" }.into()),
        }),
        ("16", Ok(n)) if actual => parse(&RawCell::Number {
            n: (n / 100.0 * 1e6).round() / 1e6,
            format: Some("0.0%".into()),
        }),
        _ => cell(s),
    }
}

fn wangchuan() -> Plan {
    let indicators = WANGCHUAN
        .iter()
        .map(|w| {
            let mut i = row(
                w.0,
                w.1,
                w.2,
                w.3,
                wangchuan_cell(w.0, w.5, false),
                wangchuan_cell(w.0, w.6, false),
                (2015, 2020),
                w.7,
                w.8,
            );
            i.weight = Some(w.4);
            i.actual.insert(2018, wangchuan_cell(w.0, w.9[0], true));
            i.actual.insert(2019, wangchuan_cell(w.0, w.9[1], true));
            i
        })
        .collect();
    Plan {
        title: "望川市".into(),
        years: Vec::new(),
        indicators,
        ..Plan::default()
    }
}

#[test]
fn wangchuan_yearly_realization_status() {
    use Direction::{Negative as N, Positive as P};
    use Method::*;
    type Exp = (
        Method,
        Direction,
        u8,
        u8,
        [&'static str; 5],
        [&'static str; 4],
    );
    let expected: [Exp; 20] = [
        (
            Rate,
            P,
            5,
            0,
            ["1357", "1452", "1553", "1662", "1778"],
            ["99.02", "滞后", "100.00", "达到"],
        ),
        (
            Linear,
            P,
            5,
            0,
            ["45840", "49380", "52920", "56460", "60000"],
            ["98.03", "滞后", "97.84", "滞后"],
        ),
        (
            Compound,
            P,
            5,
            1,
            ["99.4", "114.1", "131.1", "150.6", "173.0"],
            ["95.04", "滞后", "92.83", "滞后"],
        ),
        (
            Linear,
            P,
            5,
            1,
            ["42.4", "43.5", "44.7", "45.8", "47.0"],
            ["98.70", "滞后", "100.00", "达到"],
        ),
        (
            Linear,
            P,
            5,
            1,
            ["53.4", "54.6", "55.7", "56.9", "58.0"],
            ["99.43", "滞后", "99.37", "滞后"],
        ),
        (
            Linear,
            P,
            5,
            2,
            ["1.66", "1.87", "2.08", "2.29", "2.50"],
            ["94.23", "滞后", "92.58", "滞后"],
        ),
        (
            Linear,
            P,
            5,
            1,
            ["2.9", "3.7", "4.4", "5.2", "6.0"],
            ["100.00", "达到", "97.70", "滞后"],
        ),
        (
            Linear,
            P,
            5,
            1,
            ["43.9", "49.2", "54.4", "59.7", "65.0"],
            ["100.00", "达到", "100.00", "达到"],
        ),
        (
            Rate,
            P,
            5,
            0,
            ["23166", "25019", "27021", "29182", "31517"],
            ["99.40", "滞后", "99.41", "滞后"],
        ),
        (
            Hold,
            N,
            2,
            1,
            ["3.5", "3.5", "3.5", "3.5", "3.5"],
            ["100.00", "已达标", "97.22", "滞后"],
        ),
        (
            Linear,
            P,
            5,
            1,
            ["9.9", "10.1", "10.2", "10.4", "10.5"],
            ["99.80", "滞后", "100.00", "达到"],
        ),
        (
            Linear,
            P,
            5,
            2,
            ["2.04", "2.15", "2.27", "2.38", "2.50"],
            ["99.21", "滞后", "-", "无数据"],
        ),
        (
            None,
            P,
            5,
            0,
            ["-", "-", "-", "-", "-"],
            ["-", "已达标", "-", "已达标"],
        ),
        (
            Linear,
            P,
            5,
            0,
            ["29", "31", "32", "34", "35"],
            ["97.83", "滞后", "100.00", "达到"],
        ),
        (
            Reduction,
            N,
            3,
            3,
            ["0.616", "0.595", "0.575", "0.555", "0.536"],
            ["100.00", "达到", "99.10", "滞后"],
        ),
        (
            Linear,
            P,
            2,
            1,
            ["86.6", "87.0", "87.3", "87.7", "88.0"],
            ["100.00", "达到", "99.02", "滞后"],
        ),
        (
            Linear,
            N,
            2,
            0,
            ["40", "39", "37", "36", "35"],
            ["98.42", "滞后", "100.00", "达到"],
        ),
        (
            Linear,
            P,
            5,
            1,
            ["57.0", "57.3", "57.5", "57.8", "58.0"],
            ["100.00", "达到", "100.00", "达到"],
        ),
        (
            Linear,
            P,
            2,
            1,
            ["89.8", "91.1", "92.4", "93.7", "95.0"],
            ["99.35", "滞后", "100.00", "达到"],
        ),
        // seq 20: 减少 in the name makes it positive by rule 4; qualitative.
        (
            None,
            P,
            4,
            0,
            ["-", "-", "-", "-", "-"],
            ["-", "已达标", "-", "已达标"],
        ),
    ];
    let res = compute(&wangchuan(), &Options::default());
    for (i, (r, (method, dir, rule, d, years, comp))) in
        res.indicators.iter().zip(expected).enumerate()
    {
        let seq = i + 1;
        assert_eq!(r.method, method, "seq {seq}");
        assert_eq!((r.direction, r.direction_rule), (dir, rule), "seq {seq}");
        if method != Method::None {
            assert_eq!(r.decimals, d, "seq {seq} decimals");
        }
        for (k, want) in years.iter().enumerate() {
            let y = 2016 + Year::try_from(k).unwrap();
            let got = r.yearly.get(&y).map_or("-".to_string(), |t| t.shown());
            assert_eq!(got, *want, "seq {seq} {y}");
        }
        assert_eq!(
            real(r, 2018).as_deref().unwrap_or("-"),
            comp[0],
            "seq {seq} 2018"
        );
        assert_eq!(status_word(r.status.get(&2018)), comp[1], "seq {seq} 2018");
        assert_eq!(
            real(r, 2019).as_deref().unwrap_or("-"),
            comp[2],
            "seq {seq} 2019"
        );
        assert_eq!(status_word(r.status.get(&2019)), comp[3], "seq {seq} 2019");
    }
    // Worked: seq 2, 2018: 42300 + 17700·0.6 = 52920; seq 16's percent actual 0.868 → 86.8.
    assert_eq!(res.indicators[1].yearly[&2018].value, 52920.0);
    assert_eq!(res.indicators[15].actual[&2019], 86.8);
}

#[test]
fn wangchuan_scores() {
    let res = compute(&wangchuan(), &Options::default());
    // Weighted by 权重; 2019 excludes 12, 13 and 20, so Σ w = 87.
    assert_eq!(overall(&res, 2018).as_deref(), Some("98.76"));
    assert_eq!(overall(&res, 2019).as_deref(), Some("98.51"));
    // (99.0189 + 100) / 2 = 99.51; seq 20 is qualitative.
    assert_eq!(unit(&res, 2019, "市环境保护局"), Some(("99.51".into(), 2)));
    // seq 1, 3, 11, 16 and 18 (full-width brackets, the same unit after folding).
    assert_eq!(
        unit(&res, 2019, "各县(市、区)人民政府"),
        Some(("98.37".into(), 5))
    );
    assert_eq!(
        unit(&res, 2018, "各县(市、区)人民政府").map(|u| u.0),
        Some("98.77".into())
    );
    assert!(res.assessment[&2019]
        .units
        .keys()
        .all(|k| !k.contains('（')));
    assert_eq!(unit(&res, 2019, "市卫生计生委"), None);
    assert_eq!(unit(&res, 2018, "市卫生计生委"), Some(("99.21".into(), 1)));
    // `市统计局 市财政局` (space) and `市发展改革委；市财政局` (；) split into units.
    assert!(unit(&res, 2019, "市财政局").is_some());
    for (cat, want) in [
        ("经济发展", "98.03"),
        ("创新驱动", "96.44"),
        ("民生福祉", "99.19"),
        ("资源环境", "99.58"),
    ] {
        assert_eq!(category(&res, 2019, cat).as_deref(), Some(want), "{cat}");
    }
}

// ---------------------------------------------------------------------------------------------
// 柳湾镇 (files 5, 6): base 2021, target 2023, actual 2022; every cell text but D5
// ---------------------------------------------------------------------------------------------

fn liuwan() -> Plan {
    let rows: [(&str, &str, &str, Given, &str, &str, &str); 8] = [
        (
            "1",
            "农村居民人均可支配收入",
            "元",
            text("１６８５０"),
            "１９５００",
            "１８０２０",
            "镇农业农村办",
        ),
        (
            "2",
            "农村自来水普及率",
            "%",
            text("８６．４％"),
            "≥９５％",
            "９０．１％",
            "镇水利站",
        ),
        (
            "3",
            "农产品加工转化率",
            "%",
            parse(&RawCell::Number {
                n: 0.356,
                format: Some("0.0%".into()),
            }),
            "45%",
            "３９．２％",
            "镇经济发展办",
        ),
        (
            "4",
            "集体经济收入10万元以上村占比",
            "%",
            text("62.5%"),
            "８０％以上",
            "70.8%",
            "镇农业农村办",
        ),
        (
            "5",
            "农村生活垃圾收运处置体系覆盖率",
            "%",
            text("100%"),
            "保持１００％",
            "100%",
            "镇环卫所",
        ),
        (
            "6",
            "高标准农田面积",
            "万亩",
            text(" 3.25 "),
            "４．１",
            "3.6",
            "镇农业农村办",
        ),
        (
            "7",
            "农村卫生厕所普及率",
            "%",
            text("91.3 %"),
            "９８％",
            "—",
            "镇卫生院、镇爱卫办",
        ),
        (
            "8",
            "化肥使用量",
            "吨",
            text("1,286"),
            "累计下降８％",
            "1,240",
            "镇农技站",
        ),
    ];
    let indicators = rows
        .into_iter()
        .map(|(seq, name, u, base, target, actual, lead)| {
            let mut i = row(seq, "", name, u, base, text(target), (2021, 2023), lead, "");
            i.actual.insert(2022, text(actual));
            i
        })
        .collect();
    Plan {
        title: "柳湾镇".into(),
        years: Vec::new(),
        indicators,
        ..Plan::default()
    }
}

#[test]
fn liuwan_text_numbers() {
    let res = compute(&liuwan(), &Options::default());
    let g = |seq: usize| res.indicators[seq - 1].yearly[&2022].shown();
    let r = |seq: usize| {
        real(&res.indicators[seq - 1], 2022)
            .as_deref()
            .unwrap_or("-")
            .to_string()
    };
    let s = |seq: usize| status_word(res.indicators[seq - 1].status.get(&2022));
    // seq 1: 16850 + 2650·½ = 18175; 18020 / 18175 = 99.1472 %; progress 0.4415 < 0.5.
    assert_eq!((g(1), r(1), s(1)), ("18175".into(), "99.15".into(), "滞后"));
    // seq 2: 86.4 + 8.6·½ = 90.7; 90.1 / 90.7.
    assert_eq!((g(2), r(2)), ("90.7".into(), "99.34".into()));
    // seq 3: the base from the percent cell, 35.6 with 1 decimal; 39.2 / 40.3.
    assert_eq!(res.indicators[2].base, Some(35.6));
    assert_eq!(res.indicators[2].decimals, 1);
    assert_eq!((g(3), r(3)), ("40.3".into(), "97.27".into()));
    // seq 8: 1286·0.92^0.5 = 1233.488 → 1233; g / a = 1233.488 / 1240.
    assert_eq!(res.indicators[7].direction_rule, 3);
    assert_eq!((g(8), r(8)), ("1233".into(), "99.47".into()));
    // seq 5: hold 100, met.
    assert_eq!(res.indicators[4].method, Method::Hold);
    assert_eq!(
        (g(5), r(5), s(5)),
        ("100".into(), "100.00".into(), "已达标")
    );
    // seq 7: no actual.
    assert_eq!(s(7), "无数据");
    // Exact decimal ties: 71.25 → 71.3, 3.675 → 3.68, 94.65 → 94.7.
    assert_eq!(
        (g(4), g(6), g(7)),
        ("71.3".into(), "3.68".into(), "94.7".into())
    );
    // Overall (7 indicators) and 镇农业农村办 (seq 1, 4, 6).
    assert_eq!(overall(&res, 2022).as_deref(), Some("98.94"));
    assert_eq!(unit(&res, 2022, "镇农业农村办"), Some(("98.82".into(), 3)));
    // The percent-formatted base cell is shown as the user sees it.
    assert_eq!(&*liuwan().indicators[2].base.text, "35.6%");
}

// ---------------------------------------------------------------------------------------------
// Three districts (file 7): base 2020, target 2023, yearly targets and actuals 2021 and 2022
// ---------------------------------------------------------------------------------------------

const DISTRICT_INDICATORS: [(&str, &str, &str, &str, &str); 8] = [
    ("1", "新增城镇就业人数", "人", "+", "人力资源社会保障局"),
    ("2", "城镇调查失业率", "%", "-", "人力资源社会保障局"),
    ("3", "义务教育学校标准化达标率", "%", "+", "教育局"),
    ("4", "每千人口执业(助理)医师数", "人", "+", "卫生健康局"),
    ("5", "城市生活垃圾回收利用率", "%", "+", "城市管理局"),
    ("6", "新增公共停车泊位", "个", "", "城市管理局、交警大队"),
    ("7", "老旧小区改造户数", "户", "+", "住房城乡建设局"),
    ("8", "道路交通事故万车死亡率", "人/万车", "-", "交警大队"),
];

type District = (&'static str, [[&'static str; 6]; 8]);

const DISTRICTS: [District; 3] = [
    (
        "川东区",
        [
            ["3200", "3500", "3300", "3412", "3400", "3385"],
            ["5.0", "5.5%以内", "5.5", "5.2", "5.5", "5.6"],
            ["88", "100", "92", "93", "96", "95"],
            ["2.6", "3.0", "2.7", "2.72", "2.85", "2.83"],
            ["28", "35", "30", "31.2", "33", "32.4"],
            ["450", "1200", "700", "760", "950", "1010"],
            ["1850", "5200", "3000", "2960", "4100", "4230"],
            ["1.9", "1.6", "1.8", "1.75", "1.7", "1.72"],
        ],
    ),
    (
        "川西区",
        [
            ["2650", "3000", "2750", "2718", "2880", "2906"],
            ["5.3", "5.5%以内", "5.5", "5.4", "5.5", "5.3"],
            ["82", "100", "88", "87", "94", "94"],
            ["2.2", "2.8", "2.4", "2.41", "2.6", "2.55"],
            ["25", "35", "28", "29.5", "31", "30.6"],
            ["300", "900", "500", "480", "700", "715"],
            ["1200", "4000", "2100", "2240", "3000", "3050"],
            ["2.1", "1.7", "2.0", "1.96", "1.85", "1.9"],
        ],
    ),
    (
        "新港区",
        [
            ["1800", "2200", "1950", "2013", "2080", "2065"],
            ["4.8", "5.5%以内", "5.5", "4.9", "5.5", "5.1"],
            ["91", "100", "94", "95", "97", "98"],
            ["2.9", "3.2", "3.0", "3.04", "3.1", "3.12"],
            ["31", "38", "33", "32.8", "35", "35.6"],
            ["600", "1500", "900", "950", "1200", "1180"],
            ["900", "2600", "1500", "1480", "2000", "2110"],
            ["1.7", "1.5", "1.65", "1.62", "1.6", "1.58"],
        ],
    ),
];

fn district_rows(district: &District) -> Vec<Indicator> {
    let (name, values) = district;
    DISTRICT_INDICATORS
        .iter()
        .zip(values)
        .map(|((seq, iname, u, dir, units), v)| {
            let lead: Vec<String> = units.split('、').map(|s| format!("{name}{s}")).collect();
            let mut i = row(
                seq,
                "",
                iname,
                u,
                cell(v[0]),
                cell(v[1]),
                (2020, 2023),
                &lead.join("、"),
                "",
            );
            i.direction_text = (!dir.is_empty()).then(|| dir.to_string());
            i.yearly.insert(2021, cell(v[2]));
            i.actual.insert(2021, cell(v[3]));
            i.yearly.insert(2022, cell(v[4]));
            i.actual.insert(2022, cell(v[5]));
            i
        })
        .collect()
}

fn district_plan(indicators: Vec<Indicator>) -> Plan {
    Plan {
        title: "三区".into(),
        years: vec![2021, 2022],
        indicators,
        ..Plan::default()
    }
}

#[test]
fn three_districts() {
    let sheets: Vec<PlanResults> = DISTRICTS
        .iter()
        .map(|d| compute(&district_plan(district_rows(d)), &Options::default()))
        .collect();
    // 川东区 8, 2022: `-` → negative by rule 1; 1.7 / 1.72 = 98.84 %; progress 0.6 < ⅔.
    let r = &sheets[0].indicators[7];
    assert_eq!((r.direction, r.direction_rule), (Direction::Negative, 1));
    assert_eq!(real(r, 2022).as_deref(), Some("98.84"));
    assert_eq!(status_word(r.status.get(&2022)), "滞后");
    // 川西区 3, 2022: a = g = 94 → 100 %; progress 12/18 = ⅔ = τ exactly → 达到序时进度.
    let r = &sheets[1].indicators[2];
    assert_eq!(real(r, 2022).as_deref(), Some("100.00"));
    assert!((r.progress[&2022] - 2.0 / 3.0).abs() < 1e-12);
    assert_eq!(status_word(r.status.get(&2022)), "达到");
    // 新港区 6, 2022: blank direction → rule 5; 1180 / 1200.
    let r = &sheets[2].indicators[5];
    assert_eq!((r.direction, r.direction_rule), (Direction::Positive, 5));
    assert_eq!(real(r, 2022).as_deref(), Some("98.33"));
    // 川东区 2: `5.5%以内` with base 5.0 → hold; 5.5 / 5.6, 滞后.
    let r = &sheets[0].indicators[1];
    assert_eq!(r.method, Method::Hold);
    assert_eq!(real(r, 2022).as_deref(), Some("98.21"));
    assert_eq!(status_word(r.status.get(&2022)), "滞后");
    // Overall per sheet and for all 24 rows as one plan.
    assert_eq!(overall(&sheets[0], 2022).as_deref(), Some("99.13"));
    assert_eq!(overall(&sheets[1], 2022).as_deref(), Some("99.27"));
    assert_eq!(overall(&sheets[2], 2022).as_deref(), Some("99.70"));
    let all = district_plan(DISTRICTS.iter().flat_map(district_rows).collect());
    let res = compute(&all, &Options::default());
    assert_eq!(overall(&res, 2022).as_deref(), Some("99.37"));
    assert_eq!(overall(&res, 2021).as_deref(), Some("99.60"));
    // The given yearly targets are anchors; 2023 is computed towards T.
    let r = &sheets[0].indicators[0];
    assert_eq!(r.yearly[&2021].source, Source::Given);
    assert_eq!(r.yearly[&2023].shown(), "3500");
    // Units carry the district.
    assert!(unit(&sheets[0], 2022, "川东区交警大队").is_some());
}

// ---------------------------------------------------------------------------------------------
// 云浮 demo (file 1): a few rows with years in cells, a floor/stretch, a group row
// ---------------------------------------------------------------------------------------------

#[test]
fn yunfu_rows() {
    let yrow = |name: &str, u: &str, base: &str, target: &str| {
        row(
            "",
            "",
            name,
            u,
            cell(base),
            cell(target),
            (2016, 2020),
            "",
            "",
        )
    };
    let mut group = yrow("公共交通服务指数", "", "", "");
    group.base = Given::default();
    group.target = Given::default();
    group.is_group = true;
    let plan = Plan {
        years: vec![2017, 2018, 2019, 2020],
        indicators: vec![
            yrow("人均GDP(2010年不变价)", "元", "31502", "58000"),
            yrow("基层民主参选率", "%", "95.68", "95"),
            yrow("劳动年龄人口平均受教育年限", "年", "9.60（2014年）", "11.5"),
            yrow(
                "农村贫困人口累计脱贫率(现行标准)",
                "%",
                "34.8",
                "100%（2018年）",
            ),
            yrow(
                "单位GDP用水量(2010年不变价)",
                "立方米/万元",
                "207.48",
                "确保125.4，力争80",
            ),
            yrow("每万人拥有公共交通车辆", "标台", "3.84", "14标台以上"),
            group,
            yrow("基尼系数", "", "", "努力完成"),
            yrow("每万人口行政诉讼发案率", "件", "0.67", "1"),
        ],
        ..Plan::default()
    };
    let res = compute(&plan, &Options::default());
    let r = &res.indicators;
    assert_eq!(
        shown_yearly(&r[0]),
        vec!["38127", "44751", "51376", "58000"]
    );
    assert_eq!(r[1].method, Method::Hold);
    assert_eq!(shown_yearly(&r[1]), vec!["95.00"; 4]);
    assert_eq!(r[2].base_year, Some(2014));
    assert_eq!(r[3].target_year, Some(2018));
    assert_eq!(shown_yearly(&r[3]), vec!["67.4", "100.0", "100.0", "100.0"]);
    // Floor 125.4 is the target (negative by rule 4: 用水量), 80 the stretch.
    assert_eq!((r[4].target, r[4].stretch), (Some(125.4), Some(80.0)));
    assert_eq!(r[4].direction, Direction::Negative);
    assert_eq!(r[4].yearly[&2020].shown(), "125.40");
    assert_eq!((r[5].target, r[5].direction_rule), (Some(14.0), 2));
    assert_eq!((r[6].method, r[6].yearly.len()), (Method::None, 0));
    assert_eq!(r[7].method, Method::None);
    // 发案率 is negative by rule 4; 0.67 already ≤ 1 → hold.
    assert_eq!(
        (r[8].direction, r[8].method),
        (Direction::Negative, Method::Hold)
    );
}
