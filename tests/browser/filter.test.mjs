// Issue 15, item 2 (filter): a column header's filter lists the column's values with counts
// (AutoFilter); ticked values keep their rows, the filter shows as active and clears in one
// click; the keyboard and find move over the rows shown; the export still holds every row.
import assert from "node:assert/strict";
import test from "node:test";
import { cellSelector, fixture, openApp, readReport, tempFile } from "./harness.mjs";

const PROGRESS = "qinglan-county-2021-2022-progress.xls";

/** The body rows rendered (source row numbers), after the header band. */
function bodyRows(page) {
  return page.$$eval('[data-testid="sheet-grid"] tbody tr[data-row]', (rows) => rows.map((r) => Number(r.dataset.row)));
}

/** Opens the filter of column `col` and keeps only `values`. */
async function filterTo(page, col, values) {
  await page.locator(`[data-testid="col-filter"][data-col="${col}"]`).click();
  const menu = page.getByTestId("filter-menu");
  await menu.waitFor({ state: "visible" });
  await menu.getByTestId("filter-all").uncheck();
  for (const value of values) await menu.locator(`[data-testid="filter-value"][data-value="${value}"]`).check();
  await menu.getByTestId("filter-apply").click();
  await menu.waitFor({ state: "detached" });
}

test("a filter on 牵头部门 shows only that unit's rows, clears in one click, and the export keeps every row", { timeout: 150_000 }, async (t) => {
  const app = await openApp(t, { name: "filter-unit" });
  const page = app.page;
  await page.setViewportSize({ width: 1366, height: 768 });
  await app.uploadAndWaitFor(fixture(PROGRESS), 16, "G");
  assert.equal((await bodyRows(page)).length, 29, "rows 6–34 before filtering");

  // The list: every value of U (牵头部门) with its count, the most frequent first.
  await page.locator('[data-testid="col-filter"][data-col="U"]').click();
  const menu = page.getByTestId("filter-menu");
  const items = await menu.locator("label.filter-item:not(.filter-all)").allInnerTexts();
  assert.ok(items.some((i) => /县卫生健康局\s*3$/.test(i)), items.join(" | "));
  assert.equal(items.reduce((n, i) => n + Number(/(\d+)$/.exec(i)[1]), 0), 27, "counts add up to the 27 indicators");
  // Esc closes the menu and changes nothing.
  await page.keyboard.press("Escape");
  await menu.waitFor({ state: "detached" });
  assert.equal(await page.getByTestId("filter-status").count(), 0);
  // From the keyboard: Enter on the focused ▾ opens the menu under it (a keyboard click has
  // no pointer position), not at the page's corner.
  const button = page.locator('[data-testid="col-filter"][data-col="U"]');
  await button.focus();
  await page.keyboard.press("Enter");
  await menu.waitFor();
  const [b, m] = [await button.boundingBox(), await menu.boundingBox()];
  const under = m.y >= b.y + b.height && m.y - (b.y + b.height) < 40 && m.x < b.x + b.width && m.x + m.width > b.x;
  assert.ok(under, `menu ${JSON.stringify(m)} under the button ${JSON.stringify(b)}`);
  await page.keyboard.press("Escape");
  await menu.waitFor({ state: "detached" });

  await filterTo(page, "U", ["县卫生健康局"]);
  // Seq 15–17 (rows 20–22), then the rows below the table (the note).
  assert.deepEqual(await bodyRows(page), [20, 21, 22, 33, 34]);
  assert.match(await page.getByTestId("filter-status").innerText(), /3 \/ 27/);
  assert.equal(await page.locator('[data-testid="col-filter"][data-col="U"].on').count(), 1, "shown as active");
  await app.screenshot("filtered");

  // The keyboard moves over the rows shown.
  await page.locator(cellSelector(20, "C")).click();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.locator('[data-testid="grid-cell"].active').getAttribute("data-row"), "33");
  await page.keyboard.press("Control+Home");
  assert.equal(await page.locator('[data-testid="grid-cell"].active').getAttribute("data-row"), "20");
  // Find looks only at the rows shown: 县统计局 is only in hidden rows.
  await page.keyboard.press("Control+f");
  await page.waitForFunction(() => document.activeElement?.dataset.testid === "find-box");
  await page.keyboard.type("县统计局");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector('[data-testid="find-count"]')?.textContent === "无匹配");
  await page.keyboard.press("Escape");

  // The export holds every row.
  const file = await app.download(() => page.getByTestId("export-xlsx").click());
  const report = readReport(file);
  assert.equal(report.sheets[0].indicators.length, 27, "all 27 indicators exported");

  // One click clears it.
  await page.getByTestId("filter-clear-all").click();
  assert.equal((await bodyRows(page)).length, 29);
  assert.equal(await page.getByTestId("filter-status").count(), 0);
  await app.assertClean();
});

test("a filter on the merged 类别 keeps the rows of its range; two filters combine; one column's filter clears alone", { timeout: 120_000 }, async (t) => {
  const app = await openApp(t, { name: "filter-category" });
  const page = app.page;
  await page.setViewportSize({ width: 1366, height: 768 });
  await app.uploadAndWaitFor(fixture(PROGRESS), 16, "G");
  await filterTo(page, "B", ["民生福祉"]);
  assert.deepEqual(await bodyRows(page), [16, 17, 18, 19, 20, 21, 22, 23, 33, 34]);
  assert.equal((await app.cell(16, "B")).text, "民生福祉");
  // 县科技局 leads seq 7 and 10 (rows 12, 15) under 创新驱动: not in this category.
  await filterTo(page, "U", ["县卫生健康局", "县科技局"]);
  assert.deepEqual(await bodyRows(page), [20, 21, 22, 33, 34]);
  assert.match(await page.getByTestId("filter-status").innerText(), /3 \/ 27/);
  // Clearing B's filter alone leaves U's.
  await page.locator('[data-testid="col-filter"][data-col="B"]').click();
  await page.getByTestId("filter-clear").click();
  assert.deepEqual(await bodyRows(page), [12, 15, 20, 21, 22, 33, 34]);
  assert.match(await page.getByTestId("filter-status").innerText(), /5 \/ 27/);
  assert.equal(await page.locator('[data-testid="col-filter"].on').count(), 1);
  await app.screenshot("two-filters");
  await app.assertClean();
});

test("the unit filter's counts follow an edited unit cell, and stay when a value is typed", { timeout: 120_000 }, async (t) => {
  const file = tempFile(
    t,
    "units.csv",
    "序号,指标名称,单位,牵头单位,2020年,2025年,2021年实际\n" +
      "1,人均GDP,元,县统计局,31502,58000,36900\n" +
      "2,城镇化率,%,县统计局,50,60,52\n" +
      "3,工业增加值,亿元,县发改局,10,20,12\n" +
      // Three more rows, so that row 4 is a middle row: the filter shows the counts it keeps
      // while the plan's ends look the same, and counts again a frame later (sheet/units.rs).
      "4,森林覆盖率,%,县林业局,40,45,41\n" +
      "5,财政收入,亿元,县财政局,8,12,9\n" +
      "6,学前教育毛入园率,%,县教育局,90,95,91\n",
  );
  const app = await openApp(t, { name: "unit-counts" });
  const page = app.page;
  await app.uploadAndWaitFor(file, 4, "D");
  const options = () =>
    page.$$eval('[data-testid="unit-filter"] option', (os) => os.map((o) => o.textContent.replace(/\s+/g, " ").trim()));
  const edit = async (row, col, text) => {
    await page.locator(cellSelector(row, col)).click();
    await page.keyboard.press("F2");
    await page.getByTestId("cell-editor").fill(text);
    await page.keyboard.press("Enter");
    await page.waitForFunction(
      ([sel, want]) => document.querySelector(sel)?.innerText.trim() === want,
      [cellSelector(row, col), text],
    );
  };
  const before = await options();
  t.diagnostic(JSON.stringify(before));
  // 县统计局 leads two rows, 县发改局 one (each option: the unit, its lead and any counts).
  assert.match(before.find((o) => o.startsWith("县统计局")), /2\D+2/);
  assert.match(before.find((o) => o.startsWith("县发改局")), /1\D+1/);
  // A value typed: the same units, the same counts.
  await edit(4, "G", "13");
  assert.deepEqual(await options(), before);
  // Row 4's lead unit edited: 县统计局 now leads all three, 县发改局 none.
  await edit(4, "D", "县统计局");
  await page.waitForFunction(() => ![...document.querySelectorAll('[data-testid="unit-filter"] option')].some((o) => o.textContent.startsWith("县发改局")));
  assert.match((await options()).find((o) => o.startsWith("县统计局")), /3\D+3/);
  await app.assertClean();
});
