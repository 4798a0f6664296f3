// The views around the grid: indicator panel with overrides and undo/redo, the summary
// (checked against the JSON report of the same file), the next-year view, the cap setting and
// the language switch.
import assert from "node:assert/strict";
import test from "node:test";
import { fixture, openApp, readReport } from "./harness.mjs";

const PROGRESS = "qinglan-county-2021-2022-progress.xls";

test("indicator panel: a method override recomputes the row, undo and redo restore it", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "views-panel" });
  await app.uploadAndWaitFor(fixture(PROGRESS), 20, "G");
  const page = app.page;
  // Seq 15 (row 20): linear 2.31 → 3.00, so 2021 is 2.31 + 0.69·0.2 = 2.448 → 2.45.
  assert.equal((await app.cell(20, "G")).text, "2.45");
  await page.locator('tr[data-row="20"] td[data-col="C"]').click();
  const panel = page.getByTestId("indicator-panel");
  await panel.waitFor();
  const text = await panel.innerText();
  assert.match(text, /98\.61/, "2022 realization in the panel");
  assert.match(text, /滞后序时进度/);
  // The chart says what its marks are and in which unit.
  const legend = await panel.getByTestId("chart-legend").innerText();
  assert.match(legend, /年度目标/);
  assert.match(legend, /实际/);
  assert.match(legend, /单位：/);
  assert.match(text, /表中未注明，按越大越好/, "what decided the direction, in plain words");
  assert.doesNotMatch(text, /规则\d/, "no rule numbers");
  // At 1366×768 the panel's selects show their whole text, in both languages; the reason for
  // the direction has its own line.
  await page.setViewportSize({ width: 1366, height: 768 });
  for (const lang of ["zh", "en"]) {
    const cut = await panel.evaluate((el) =>
      [...el.querySelectorAll("select")].flatMap((s) => {
        const ctx = document.createElement("canvas").getContext("2d");
        ctx.font = getComputedStyle(s).font;
        // The text plus the select's arrow (about 20 px) must fit its box.
        const need = ctx.measureText(s.selectedOptions[0]?.text ?? "").width + 20;
        return need > s.clientWidth ? [`${s.dataset.testid}: ${need.toFixed(0)} > ${s.clientWidth}`] : [];
      }),
    );
    assert.deepEqual(cut, [], `${lang}: no select cuts its text`);
    // The toolbar keeps one row within the window: no item drops below the others, wraps to
    // more than two short lines or is pushed out of sight (the language switch last).
    const rows = await page.locator(".toolbar").evaluate((bar) =>
      [...bar.children].filter((c) => c.offsetParent !== null).map((c) => {
        const r = c.getBoundingClientRect();
        return {
          text: c.textContent.trim().slice(0, 12),
          middle: Math.round(r.top + r.height / 2),
          height: Math.round(r.height),
          inside: r.right <= innerWidth,
        };
      }),
    );
    const middles = rows.map((r) => r.middle);
    assert.ok(Math.max(...middles) - Math.min(...middles) <= 4, `${lang}: toolbar items on one row: ${JSON.stringify(rows)}`);
    assert.ok(rows.every((r) => r.height <= 36), `${lang}: no toolbar item wraps: ${JSON.stringify(rows)}`);
    assert.ok(rows.every((r) => r.inside), `${lang}: every toolbar item within the window: ${JSON.stringify(rows)}`);
    const why = await panel.getByTestId("direction-why").innerText();
    assert.match(why, lang === "zh" ? /^依据：表中未注明，按越大越好$/ : /^Decided by: not stated in the table, so more is better$/);
    await page.getByTestId("lang-toggle").click();
  }
  await page.setViewportSize({ width: 1400, height: 900 });
  // Each status says why on hover.
  const tip = await panel.locator("td", { hasText: "滞后序时进度" }).first().getAttribute("title");
  assert.match(tip ?? "", /未达到本年度目标/);
  await app.screenshot("panel");
  // Hold: T = 3.00 every year.
  await page.getByTestId("method-select").selectOption("hold");
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="grid-cell"][data-row="20"][data-col="G"]')?.textContent === "3.00");
  await page.getByTestId("undo").click();
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="grid-cell"][data-row="20"][data-col="G"]')?.textContent === "2.45");
  await page.getByTestId("redo").click();
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="grid-cell"][data-row="20"][data-col="G"]')?.textContent === "3.00");
  await app.assertClean();
});

test("indicator panel: base year, a yearly anchor and the base edited there recompute the grid", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "views-panel-edit" });
  await app.uploadAndWaitFor(fixture("qinglan-county-2021-2025-plan.xlsx"), 16, "G");
  const page = app.page;
  const gridText = (col) => page.locator(`[data-testid="grid-cell"][data-row="16"][data-col="${col}"]`).innerText();
  const waitFor = (col, text) =>
    page.waitForFunction(
      ([col, text]) => document.querySelector(`[data-testid="grid-cell"][data-row="16"][data-col="${col}"]`)?.textContent === text,
      [col, text],
    );
  // Seq 14 (row 16): linear 10.2 (2020) → 11.0 (2025): 2022 = 10.2 + 0.8·0.4 = 10.52 → 10.5.
  assert.equal(await gridText("H"), "10.5");
  await page.locator('tr[data-row="16"] td[data-col="C"]').click();
  const panel = page.getByTestId("indicator-panel");
  await panel.waitFor();
  assert.equal(await panel.getByTestId("panel-base").inputValue(), "10.2");
  assert.equal(await panel.getByTestId("panel-base-year").getAttribute("placeholder"), "2020");
  // Base year 2021: steps of 0.2 from 2021, so 2022 = 10.4.
  await panel.getByTestId("panel-base-year").fill("2021");
  await panel.getByTestId("panel-base-year").press("Enter");
  await waitFor("H", "10.4");
  await app.screenshot("base-year");
  await page.getByTestId("undo").click();
  await waitFor("H", "10.5");
  // A yearly anchor typed in the panel is a typed cell of the grid: 2021 = 10.5 (manual), and
  // 2022 = 10.5 + (11.0 − 10.5)/4 = 10.625 → 10.6.
  await panel.locator('[data-testid="panel-yearly"][data-year="2021"]').fill("10.5");
  await panel.locator('[data-testid="panel-yearly"][data-year="2021"]').press("Enter");
  await waitFor("H", "10.6");
  assert.equal(await page.locator('[data-testid="grid-cell"][data-row="16"][data-col="G"]').getAttribute("data-source"), "manual");
  await page.getByTestId("undo").click();
  await waitFor("H", "10.5");
  // The base typed in the panel: 10.0 → 11.0, so 2021 = 10.2.
  await panel.getByTestId("panel-base").fill("10.0");
  await panel.getByTestId("panel-base").press("Enter");
  await waitFor("G", "10.2");
  assert.equal(await gridText("E"), "10.0");
  await app.assertClean();
});

test("summary: overall, categories and unit scores match the JSON report", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "views-summary" });
  await app.uploadAndWaitFor(fixture(PROGRESS), 20, "G");
  const report = readReport(fixture(PROGRESS));
  const assessment = report.sheets[0].assessment["2022"];
  const page = app.page;
  await page.getByTestId("view-summary").click();
  const overall = page.getByTestId("summary-overall");
  await overall.waitFor();
  assert.equal(await overall.innerText(), assessment.overall.shown);
  assert.equal(assessment.overall.shown, "96.50");
  const units = await page.getByTestId("unit-scores").innerText();
  for (const [unit, { score }] of Object.entries(assessment.units)) {
    assert.ok(units.includes(unit) && units.includes(score.shown), `${unit} ${score.shown} in the ranking`);
  }
  const categories = await page.getByTestId("category-realization").innerText();
  for (const [category, { shown }] of Object.entries(assessment.categories)) {
    assert.ok(categories.includes(category) && categories.includes(shown), `${category} ${shown}`);
  }
  // The score bars start near the lowest score (县妇联 88.46 → axis from 80), so 87 and 100
  // look different: the widest bar is over twice the narrowest.
  const widths = await page.getByTestId("score-bar").evaluateAll((bars) => bars.map((b) => Number(b.getAttribute("width"))));
  assert.ok(Math.max(...widths) > 2 * Math.min(...widths), `bar widths ${widths}`);
  const ticks = await page.locator("svg.bars .tick-label").evaluateAll((ts) => ts.map((t) => t.textContent));
  assert.equal(ticks[0], "80");
  assert.equal(ticks.at(-1), "100");
  await app.screenshot("summary");
  // 2021 from the year picker.
  await page.getByTestId("summary-year").selectOption("2021");
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="summary-overall"]')?.textContent === "99.44");
  await app.assertClean();
});

test("next-year view: drafts from the chosen year", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "views-draft" });
  await app.uploadAndWaitFor(fixture(PROGRESS), 20, "G");
  const page = app.page;
  await page.getByTestId("view-draft").click();
  const view = page.getByTestId("draft-view");
  await view.waitFor();
  // Seq 14: from (2022, 10.5) to (2025, 11.0): 10.7, 10.8, 11.0, one column per year.
  const headers = await view.locator("thead th").allInnerTexts();
  assert.deepEqual(headers.filter((h) => /^\d{4}年$/.test(h.trim())).map((h) => h.trim()), ["2023年", "2024年", "2025年"]);
  const row = view.locator("tbody tr", { hasText: "平均受教育年限" }).first();
  const year = async (y) => (await row.locator(`td[data-year="${y}"]`).innerText()).trim();
  assert.equal(await year(2023), "10.7");
  assert.equal(await year(2025), "11.0");
  assert.match(await row.innerText(), /年\/年/, "the unit of the yearly change");
  // Seq 2 (a rate itself, 8.5 % a year; 2022 actual 6.3 %) is flagged, and says why.
  const rate = view.locator("tbody tr", { hasText: "规模以上工业增加值增速" }).first();
  assert.match(await rate.getByTestId("draft-flag").innerText(), /低于每年应达到的增速/);
  // Copying the table gives one cell per year (tab-separated), as Excel pastes it.
  const tsv = await row.evaluate((tr) => [...tr.cells].map((c) => c.innerText.trim()).join("\t"));
  assert.match(tsv, /\t10\.7\t10\.8\t11\.0\t/);
  await app.screenshot("draft");
  await app.assertClean();
});

test("cap setting and language switch", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "views-settings" });
  await app.uploadAndWaitFor(fixture(PROGRESS), 6, "I");
  const page = app.page;
  // Seq 1 (row 6), 2021: 203.5 / 201.312 = 101.0869 %, capped to 100.00 by default.
  assert.equal((await app.cell(6, "I")).text, "100.00");
  await page.getByTestId("cap-input").fill("120");
  await page.getByTestId("cap-input").dispatchEvent("change");
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="grid-cell"][data-row="6"][data-col="I"]')?.textContent === "101.09");
  await page.getByTestId("undo").click();
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="grid-cell"][data-row="6"][data-col="I"]')?.textContent === "100.00");
  assert.equal(await page.getByTestId("demo-button").innerText(), "示例");
  await page.getByTestId("lang-toggle").click();
  assert.equal(await page.getByTestId("demo-button").innerText(), "Demo");
  await app.screenshot("english");
  await page.getByTestId("lang-toggle").click();
  assert.equal(await page.getByTestId("demo-button").innerText(), "示例");
  await app.assertClean();
});

// A plan of thousands of indicators: the summary's lagging list and the next-year view list the
// first 500 rows and say how many more there are, so the page never holds them all at once.
test("long lists in the summary and next-year views stop at 500 rows and say how many are left", { timeout: 120_000 }, async (t) => {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  const rows = 1_200;
  // Base 50 → target 60 over 2020–2025; the 2021 actual 50.5 is short of the 52 scheduled, so
  // every indicator lags in 2021 and gets a draft for 2022–2025.
  const lines = ["序号,指标名称,单位,2020年基期值,2025年目标值,2021年目标,2021年实际,牵头单位"];
  for (let i = 1; i <= rows; i += 1) lines.push(`${i},指标${i},%,50.0,60.0,,50.5,单位${i % 7}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhibiao-lists-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "long-lists.csv");
  fs.writeFileSync(file, lines.join("\n"));

  const app = await openApp(t, { name: "views-long-lists" });
  const page = app.page;
  await app.uploadAndWaitFor(file, 2, "F");
  await page.getByTestId("view-summary").click();
  const lagging = page.getByTestId("lagging-list");
  await lagging.waitFor();
  assert.equal(await lagging.locator("tr").count(), 500);
  assert.equal(await page.getByTestId("rows-left-out").innerText(), "另有 700 行未列出；导出的工作簿中有全部指标。");
  await app.screenshot("summary");

  await page.getByTestId("view-draft").click();
  const drafts = page.getByTestId("draft-view");
  await drafts.waitFor();
  assert.equal(await drafts.locator("tbody tr").count(), 500);
  assert.match(await drafts.getByTestId("rows-left-out").innerText(), /^另有 700 行未列出/);
  await app.assertClean();
});
