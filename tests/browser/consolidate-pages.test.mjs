// Issue 16: 分发 as saved pages, a return sent back as a saved page, a missing unit clicked
// through to its rows, and a return removed from the 汇总情况 view (undoable).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { pathToFileURL } from "node:url";
import { cellSelector, launchApp, openApp } from "./harness.mjs";

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
    ([sel, text]) => (document.querySelector(sel)?.textContent.trim() ?? "") === text,
    [cellSelector(row, col), text],
    { timeout: 15_000 },
  );
}

/** 汇总: `files` picked as returns, then the page ready again. */
async function addReturns(app, files) {
  await app.page.getByTestId("consolidate-input").setInputFiles(files);
  await app.page.waitForFunction(
    () => document.querySelector('[data-testid="status-bar"]')?.textContent.includes("已汇总报送"),
    null,
    { timeout: 60_000 },
  );
  await app.waitForState(["ready"]);
}

/** The 1-based source rows of indicators (below the title and header) the grid shows. */
async function shownRows(page) {
  const rows = await page
    .locator('[data-testid="grid-cell"][data-col="B"]')
    .evaluateAll((cells) => cells.map((c) => Number(c.dataset.row)));
  return [...new Set(rows)].filter((r) => r > 2).sort((a, b) => a - b);
}

test("分发 as saved pages: a unit's page opens on its rows, comes back saved and is consolidated; a missing unit shows its rows; a return is removed", { timeout: 300_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhibiao-consolidate-pages-"));
  const planFile = path.join(dir, "plan.csv");
  fs.writeFileSync(planFile, PLAN);

  const office = await openApp(t, { name: "consolidate-pages-office" });
  const page = office.page;
  await office.uploadAndWaitFor(planFile, 3, "B");
  await page.getByTestId("distribute-as").selectOption("html");
  await office.screenshot("distribute-as");
  const zip = await office.download(() => page.getByTestId("distribute").click());
  assert.match(zip, /-网页\.zip$/);
  const unzip = spawnSync("unzip", ["-o", zip, "-d", dir], { encoding: "utf8" });
  assert.equal(unzip.status, 0, unzip.stderr);
  for (const unit of ["县统计局", "县发改局", "县林业局", "县住建局"]) {
    assert.ok(fs.existsSync(path.join(dir, `${unit}.html`)), `${unit}.html in the zip`);
  }

  // 县林业局's page, opened from disk in a fresh profile: its own rows first.
  const forestry = await launchApp(t, {
    name: "consolidate-pages-forestry",
    url: pathToFileURL(path.join(dir, "县林业局.html")).href,
  });
  await forestry.waitUntilReady();
  await forestry.page.waitForSelector(cellSelector(4, "B"));
  assert.equal(await forestry.page.getByTestId("unit-filter").inputValue(), "县林业局");
  assert.deepEqual(await shownRows(forestry.page), [4]);
  await forestry.screenshot("own-rows");
  await forestry.page.locator(cellSelector(4, "H")).click();
  await forestry.page.keyboard.type("61");
  await forestry.page.keyboard.press("Enter");
  await waitForCell(forestry, 4, "H", "61");
  const returned = await forestry.download(() => forestry.page.getByTestId("save-html").click());
  assert.match(returned, /\.html$/);
  await forestry.assertClean();
  await forestry.close();

  // The office consolidates the saved page like any return.
  await addReturns(office, [returned]);
  await waitForCell(office, 4, "H", "61");
  await page.getByTestId("view-returns").click();
  await page.getByTestId("returns-view").waitFor();
  assert.deepEqual(await page.getByTestId("return-unit").allInnerTexts(), ["县林业局"]);
  assert.deepEqual(await page.getByTestId("return-filled").allInnerTexts(), ["1"]);
  await office.screenshot("returns-view");

  // A missing unit clicked: the grid on that unit's rows.
  const missing = await page.getByTestId("missing-unit").allInnerTexts();
  assert.deepEqual(missing.sort(), ["县住建局", "县发改局", "县统计局"].sort());
  await page.locator('[data-testid="missing-unit"]', { hasText: "县住建局" }).click();
  await page.waitForSelector(cellSelector(5, "B"));
  assert.equal(await page.getByTestId("unit-filter").inputValue(), "县住建局");
  assert.deepEqual(await shownRows(page), [5]);
  await office.screenshot("missing-unit-rows");

  // The return removed: its value is gone and 县林业局 is missing again; undo brings it back.
  await page.getByTestId("view-returns").click();
  await page.getByTestId("return-remove").click();
  await page.getByTestId("no-returns").waitFor();
  assert.equal(await page.getByTestId("missing-unit").count(), 4);
  await page.getByTestId("view-sheet").click();
  await page.getByTestId("unit-filter").selectOption("");
  await waitForCell(office, 4, "H", "");
  await page.getByTestId("undo").click();
  await waitForCell(office, 4, "H", "61");
  await page.getByTestId("view-returns").click();
  assert.equal(await page.getByTestId("return-row").count(), 1);
  await office.assertClean();
});

test("a row that matches no indicator is matched by hand in 汇总情况: its actual fills the chosen row, undoable", { timeout: 180_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhibiao-match-by-hand-"));
  const planFile = path.join(dir, "plan.csv");
  fs.writeFileSync(planFile, PLAN);
  // 县林业局 names 森林覆盖率 林木绿化率: too unlike any indicator to be matched by name.
  const returned = path.join(dir, "林业局.csv");
  fs.writeFileSync(
    returned,
    PLAN.replace("某县主要指标任务分解表", "某县主要指标任务分解表（报送单位：县林业局）")
      .replace("2,森林覆盖率,%,县林业局,,60,62,", "2,林木绿化率,%,县林业局,,60,62,61"),
  );
  const app = await openApp(t, { name: "match-by-hand" });
  const page = app.page;
  await app.uploadAndWaitFor(planFile, 3, "B");
  await addReturns(app, [returned]);
  await page.getByTestId("view-returns").click();
  const row = page.getByTestId("unmatched-row");
  assert.equal(await row.count(), 1);
  assert.match(await row.innerText(), /林木绿化率/);
  assert.equal(await row.getByTestId("unmatched-actuals").innerText(), "2021：61");
  // 林业局's own indicator is offered first; the button waits for a choice.
  const options = await row.getByTestId("unmatched-choice").locator("option").allInnerTexts();
  assert.deepEqual(options, ["选择计划指标…", "2 森林覆盖率", "3 常住人口城镇化率", "1 人均地区生产总值"]);
  assert.equal(await row.getByTestId("unmatched-match").isDisabled(), true);
  await row.getByTestId("unmatched-choice").selectOption({ label: "2 森林覆盖率" });
  await row.getByTestId("unmatched-match").click();
  await page.getByTestId("unmatched-matched").waitFor();
  assert.match(await page.getByTestId("unmatched-matched").innerText(), /已对应 2 森林覆盖率/);
  assert.deepEqual(await page.getByTestId("return-filled").allInnerTexts(), ["1"]);
  await app.screenshot("matched");
  await page.getByTestId("view-sheet").click();
  await waitForCell(app, 4, "H", "61");
  // One step: undo takes the value and the match back.
  await page.getByTestId("undo").click();
  await waitForCell(app, 4, "H", "");
  await page.getByTestId("view-returns").click();
  assert.equal(await page.getByTestId("unmatched-choice").count(), 1);
  assert.equal(await page.getByTestId("unmatched-matched").count(), 0);
  await app.assertClean();
});
