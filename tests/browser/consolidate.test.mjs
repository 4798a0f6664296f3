// Issue 16: 分发 and 汇总 in the page. A plan is distributed (one copy per unit in a .zip), two
// units fill their copies in two pages and export them, and the office's page consolidates
// both: the 汇总情况 view lists the returns, the units that have not returned and the conflict,
// resolved in one click (the lead unit's return suggested), undoable; a reload keeps it all, the
// unit filter shows one unit's rows, and the export carries the values and a 汇总情况 sheet;
// read back in a fresh page, it shows the same 汇总情况 view.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { CLI, cellSelector, openApp, readReport } from "./harness.mjs";

const PLAN = [
  "某县主要指标任务分解表",
  "序号,指标名称,单位,牵头单位,配合单位,2020年,2025年,2021年实际",
  "1,人均地区生产总值,元,县统计局,县发改局,31502,58000,",
  "2,森林覆盖率,%,县林业局,,60,62,",
  "3,常住人口城镇化率,%,县住建局,,50,60,",
].join("\n");

/** Waits until cell (row, col) shows `text`. */
async function waitForCell(app, row, col, text) {
  if ((await app.page.locator(cellSelector(row, col)).count()) === 0) await app.scrollToRow(row);
  await app.page.waitForFunction(
    ([sel, text]) => document.querySelector(sel)?.textContent.trim() === text,
    [cellSelector(row, col), text],
    { timeout: 15_000 },
  );
}

/** Types `text` into cell (row, col) and commits it. */
async function typeInto(app, row, col, text) {
  await app.page.locator(cellSelector(row, col)).click();
  await app.page.keyboard.type(text);
  await app.page.keyboard.press("Enter");
  await waitForCell(app, row, col, text);
}

/** A unit's copy filled in its own page and exported: the return it sends back. */
async function fillReturn(t, copy, name, values) {
  const app = await openApp(t, { name });
  // The header row: the copy's body rows of other units are filtered out at first.
  await app.uploadAndWaitFor(copy, 2, "B");
  // A unit's copy opens on that unit's rows (lead or other), the filter shown as set.
  const unit = path.basename(copy, ".xlsx");
  assert.equal(await app.page.getByTestId("unit-filter").inputValue(), unit);
  assert.equal(await app.page.getByTestId("unit-role").inputValue(), "any");
  await app.screenshot("own-rows");
  // 县林业局 also reports a row it is not named on: it shows every unit's rows first.
  await app.page.getByTestId("unit-filter").selectOption("");
  for (const [row, text] of values) await typeInto(app, row, "H", text);
  const file = await app.download(() => app.page.getByTestId("export-xlsx").click());
  await app.assertClean();
  await app.close();
  return file;
}

test("distribute, fill two returns, consolidate them, resolve a conflict, reload and export", { timeout: 300_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhibiao-consolidate-"));
  const planFile = path.join(dir, "plan.csv");
  fs.writeFileSync(planFile, PLAN);

  // The office's page: the plan, distributed.
  const office = await openApp(t, { name: "consolidate-office" });
  const page = office.page;
  await office.uploadAndWaitFor(planFile, 3, "B");
  const zip = await office.download(() => page.getByTestId("distribute").click());
  assert.match(zip, /\.zip$/);
  const unzip = spawnSync("unzip", ["-o", zip, "-d", dir], { encoding: "utf8" });
  assert.equal(unzip.status, 0, unzip.stderr);
  for (const unit of ["县统计局", "县发改局", "县林业局", "县住建局"]) {
    assert.ok(fs.existsSync(path.join(dir, `${unit}.xlsx`)), `${unit}.xlsx in the zip`);
  }

  // Two units fill their copies in two other pages. 县林业局 also reports 人均地区生产总值, and
  // differently from its lead unit 县统计局: a conflict.
  const forestry = await fillReturn(t, path.join(dir, "县林业局.xlsx"), "consolidate-forestry", [
    [3, "37000"],
    [4, "61"],
  ]);
  const statistics = await fillReturn(t, path.join(dir, "县统计局.xlsx"), "consolidate-statistics", [[3, "36900"]]);

  // Both consolidated at once, in the order picked.
  await page.getByTestId("consolidate-input").setInputFiles([forestry, statistics]);
  await page.waitForFunction(
    () => document.querySelector('[data-testid="status-bar"]')?.textContent.includes("已汇总报送"),
    null,
    { timeout: 60_000 },
  );
  await office.waitForState(["ready"]);
  await waitForCell(office, 3, "H", "37000");
  await waitForCell(office, 4, "H", "61");
  await page.getByTestId("view-returns").click();
  const view = page.getByTestId("returns-view");
  await view.waitFor();
  assert.equal(await page.getByTestId("return-row").count(), 2);
  assert.deepEqual(await page.getByTestId("return-unit").allInnerTexts(), ["县林业局", "县统计局"]);
  assert.deepEqual(await page.getByTestId("return-filled").allInnerTexts(), ["2", "0"]);
  assert.deepEqual(await page.getByTestId("return-changed").allInnerTexts(), ["0", "1"]);
  assert.deepEqual((await page.getByTestId("missing-unit").allInnerTexts()).sort(), ["县住建局", "县发改局"].sort());
  assert.equal(await page.getByTestId("conflict").count(), 1);
  await office.screenshot("returns-view");

  // The lead unit's value is suggested; taking it writes it into the plan, undoably.
  const statisticsName = path.basename(statistics);
  const suggested = page.locator(".conflict-value.suggested");
  assert.match(await suggested.innerText(), /36900/);
  const statusBar = () => page.getByTestId("status-bar").innerText();
  assert.match(await statusBar(), /待处理冲突：1/);
  await page.locator(`[data-testid="conflict-take"][data-file="${statisticsName}"]`).click();
  await page.getByTestId("conflict-taken").waitFor();
  // The status bar counts the conflicts still open as they stand, not as they were.
  assert.doesNotMatch(await statusBar(), /待处理冲突：1/);
  await page.getByTestId("undo").click();
  await page.getByTestId("conflict-take").first().waitFor();
  assert.equal(await page.getByTestId("conflict-taken").count(), 0);
  await page.getByTestId("view-sheet").click();
  await waitForCell(office, 3, "H", "37000");
  await page.getByTestId("redo").click();
  await waitForCell(office, 3, "H", "36900");

  // The unit filter: 县统计局 names rows 3 only; the other rows are hidden from the grid.
  await page.getByTestId("unit-filter").selectOption("县统计局");
  await page.waitForFunction((sel) => !document.querySelector(sel), cellSelector(4, "B"));
  assert.equal(await page.locator(cellSelector(3, "B")).count(), 1);
  await office.screenshot("unit-filter");
  await page.getByTestId("unit-filter").selectOption("");
  await page.waitForSelector(cellSelector(4, "B"));

  // A reload keeps the returns, the resolution and the values.
  await page.waitForTimeout(1_000);
  await page.reload({ waitUntil: "load" });
  await office.waitUntilReady();
  await office.waitForState(["ready"]);
  await waitForCell(office, 3, "H", "36900");
  await waitForCell(office, 4, "H", "61");
  await page.getByTestId("view-returns").click();
  await page.getByTestId("conflict-taken").waitFor();
  assert.equal(await page.getByTestId("return-row").count(), 2);

  // The export: the values, and the 汇总情况 sheet.
  const exported = await office.download(() => page.getByTestId("export-xlsx").click());
  const report = JSON.stringify(readReport(exported));
  assert.match(report, /36900/);
  const sheets = spawnSync(CLI, ["sheets", exported], { encoding: "utf8" });
  assert.equal(sheets.status, 0, sheets.stderr);
  assert.ok(sheets.stdout.split("\n").includes("汇总情况"), sheets.stdout);
  await office.assertClean();

  // The export read back in a fresh page: the same 汇总情况 view (returns, missing units, the
  // conflict and how it was resolved).
  const reopened = await openApp(t, { name: "consolidate-reopened" });
  const again = reopened.page;
  await reopened.uploadAndWaitFor(exported, 3, "B");
  await waitForCell(reopened, 3, "H", "36900");
  await again.getByTestId("view-returns").click();
  await again.getByTestId("returns-view").waitFor();
  assert.equal(await again.getByTestId("return-row").count(), 2);
  assert.deepEqual(await again.getByTestId("return-unit").allInnerTexts(), ["县林业局", "县统计局"]);
  assert.deepEqual(await again.getByTestId("return-filled").allInnerTexts(), ["2", "0"]);
  assert.deepEqual((await again.getByTestId("missing-unit").allInnerTexts()).sort(), ["县住建局", "县发改局"].sort());
  assert.equal(await again.getByTestId("conflict").count(), 1);
  assert.equal(await again.getByTestId("conflict-taken").count(), 1);
  assert.match(await again.locator(".conflict-value.taken").innerText(), /36900/);
  await reopened.screenshot("reopened-returns-view");
  await reopened.assertClean();
});
