// Completion where the eye is (issue 15): each year's 实现程度 and 状态 right after that year's
// actual in the grid, in view at 1366×768 without scrolling sideways; an edited actual changes
// the status beside it; the columns after them shift, and find, filter and the keyboard follow
// the display's order; they speak the page's language. Filters survive a trip to another view.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { fixture, openApp } from "./harness.mjs";

const PROGRESS = "qinglan-county-2021-2022-progress.xls";

/** Excel's letters of a 0-based column. */
const letters = (n) => {
  let s = "";
  for (n += 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};
const index = (col) => [...col].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;

/** The letters of the header cell whose text is `label`. */
async function columnOf(page, label) {
  const col = await page.evaluate(
    (label) =>
      [...document.querySelectorAll('[data-testid="sheet-grid"] thead [data-testid="grid-cell"]')].find(
        (c) => c.textContent.trim() === label,
      )?.dataset.col,
    label,
  );
  assert.ok(col, `a header cell "${label}"`);
  return col;
}

test("1366×768: each year's 实现程度 and 状态 beside its actual, in view; an edit changes the status next to it", { timeout: 120_000 }, async (t) => {
  const app = await openApp(t, { name: "completion-beside-actual" });
  await app.page.setViewportSize({ width: 1366, height: 768 });
  await app.upload(fixture(PROGRESS));
  await app.waitForState(["ready"]);
  const page = app.page;
  const real2021 = await columnOf(page, "2021年实现程度(%)");
  const status2021 = await columnOf(page, "2021年状态");
  const real2022 = await columnOf(page, "2022年实现程度(%)");
  assert.equal(index(status2021), index(real2021) + 1, "状态 right after 实现程度");
  // The column before 2021年实现程度 is the 2021 actual: seq 1 (row 6) has 203.5 there.
  const actual2021 = letters(index(real2021) - 1);
  assert.equal((await app.cell(6, actual2021)).text, "203.5");
  assert.equal((await app.cell(6, real2021)).text, "100.00");
  assert.equal((await app.cell(6, status2021)).text, "达到序时进度");
  // The 2022 columns come after 2022's actual, not after 备注 (the last column of the file).
  const last = await page.evaluate(() => {
    const heads = [...document.querySelectorAll('thead tr.letters th.col-head')];
    return heads[heads.length - 1].dataset.col;
  });
  assert.ok(index(real2022) < index(last) - 1, `2022年实现程度 at ${real2022}, the last column ${last}`);
  // In view without scrolling sideways: the 2021 实现程度 header's right edge inside the grid.
  const geometry = await page.evaluate((col) => {
    const wrap = document.querySelector('[data-testid="grid-scroll"]');
    const head = [...document.querySelectorAll('thead [data-testid="grid-cell"]')].find((c) => c.dataset.col === col);
    return { scroll: wrap.scrollLeft, right: head.getBoundingClientRect().right, wrapRight: wrap.getBoundingClientRect().right };
  }, real2021);
  assert.equal(geometry.scroll, 0);
  assert.ok(geometry.right <= geometry.wrapRight, `2021年实现程度 ends at ${geometry.right}, the grid at ${geometry.wrapRight}`);
  await app.screenshot("completion-1366");
  // Editing the actual changes the status beside it: 150 is far behind 201.312.
  await page.locator(`[data-testid="grid-cell"][data-row="6"][data-col="${actual2021}"]`).dblclick();
  const editor = page.getByTestId("cell-editor");
  await editor.fill("150");
  await editor.press("Enter");
  await page.waitForFunction(
    (col) => document.querySelector(`[data-testid="grid-cell"][data-row="6"][data-col="${col}"]`)?.textContent === "滞后序时进度",
    status2021,
  );
  assert.equal((await app.cell(6, actual2021)).source, "manual");
  // The keyboard walks the display's order: right of the actual is its 实现程度.
  await page.locator(`[data-testid="grid-cell"][data-row="6"][data-col="${actual2021}"]`).click();
  await page.keyboard.press("ArrowRight");
  const active = await page.evaluate(() => document.querySelector('[data-testid="grid-cell"].active')?.dataset.col);
  assert.equal(active, real2021);
  // Typing into a completion cell writes nothing (it is computed).
  await page.keyboard.type("7");
  await page.keyboard.press("Enter");
  assert.equal((await app.cell(6, real2021)).source, "computed");
  // In English the completion columns speak English; the file's own headers stay as given.
  await page.getByTestId("lang-toggle").click();
  await page.waitForFunction(
    (col) => document.querySelector(`[data-testid="grid-cell"][data-row="6"][data-col="${col}"]`)?.textContent === "behind schedule",
    status2021,
  );
  assert.equal(await columnOf(page, "2021 status"), status2021);
  assert.equal(await columnOf(page, "2021 realization (%)"), real2021);
  await page.getByTestId("lang-toggle").click();
  await page.waitForFunction(
    (col) => document.querySelector(`[data-testid="grid-cell"][data-row="6"][data-col="${col}"]`)?.textContent === "滞后序时进度",
    status2021,
  );
  await app.assertClean();
});

test("a filter on the grid survives a visit to 考核汇总 and back", { timeout: 120_000 }, async (t) => {
  const app = await openApp(t, { name: "filter-survives-views" });
  await app.upload(fixture(PROGRESS));
  await app.waitForState(["ready"]);
  const page = app.page;
  const status2021 = await columnOf(page, "2021年状态");
  await page.locator(`[data-testid="col-filter"][data-col="${status2021}"]`).click();
  const menu = page.getByTestId("filter-menu");
  await menu.waitFor({ state: "visible" });
  await menu.getByTestId("filter-all").uncheck();
  await menu.locator('[data-testid="filter-value"][data-value="滞后序时进度"]').check();
  await menu.getByTestId("filter-apply").click();
  await menu.waitFor({ state: "detached" });
  const shown = await page.getByTestId("filter-status").innerText();
  await page.getByTestId("view-summary").click();
  await page.getByTestId("summary-overall").waitFor();
  await page.getByTestId("view-sheet").click();
  assert.equal(await page.getByTestId("filter-status").innerText(), shown, "the same filter, the same rows");
  assert.equal(await page.locator(`[data-testid="col-filter"][data-col="${status2021}"].on`).count(), 1);
  // The filter set on a Chinese status keeps the same rows in English.
  const statuses = () =>
    page.evaluate(
      (col) =>
        [...document.querySelectorAll(`tbody [data-testid="grid-cell"][data-col="${col}"]`)]
          .map((c) => c.textContent.trim())
          .filter((t) => t),
      status2021,
    );
  const inChinese = await statuses();
  assert.ok(inChinese.length > 0 && inChinese.every((t) => t === "滞后序时进度"), inChinese.join());
  await page.getByTestId("lang-toggle").click();
  await page.waitForFunction(
    (col) => document.querySelector(`tbody [data-testid="grid-cell"][data-col="${col}"]`)?.textContent.trim() !== "滞后序时进度",
    status2021,
  );
  assert.deepEqual(await statuses(), inChinese.map(() => "behind schedule"));
  await page.getByTestId("lang-toggle").click();
  await page.getByTestId("filter-clear-all").click();
  assert.equal(await page.getByTestId("filter-status").count(), 0);
  await app.assertClean();
});

test("a filter follows its column when the first actual of a year adds that year's completion columns", { timeout: 120_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhibiao-moved-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "two-years.csv");
  // 2022's actuals are empty: F 2021年实际, G–H its completion, I 2022年实际, J 备注.
  fs.writeFileSync(
    file,
    "序号,指标名称,单位,2020年,2025年,2021年实际,2022年实际,备注\n" +
      "1,森林覆盖率,%,60,70,62,,甲\n2,人均GDP,元,30000,50000,34000,,乙\n",
  );
  const app = await openApp(t, { name: "filter-follows-column" });
  await app.uploadAndWaitFor(file, 2, "F");
  const page = app.page;
  assert.equal(await columnOf(page, "备注"), "J");
  await page.locator('[data-testid="col-filter"][data-col="J"]').click();
  const menu = page.getByTestId("filter-menu");
  await menu.waitFor({ state: "visible" });
  await menu.getByTestId("filter-all").uncheck();
  await menu.locator('[data-testid="filter-value"][data-value="甲"]').check();
  await menu.getByTestId("filter-apply").click();
  await menu.waitFor({ state: "detached" });
  const rows = () => page.evaluate(() => [...document.querySelectorAll("tbody tr[data-row]")].map((r) => r.dataset.row));
  const shownBefore = await rows();
  // The first 2022 actual typed: 2022's completion columns appear after I, 备注 moves to L.
  await page.locator('[data-testid="grid-cell"][data-row="2"][data-col="I"]').dblclick();
  const editor = page.getByTestId("cell-editor");
  await editor.fill("63");
  await editor.press("Enter");
  await page.waitForFunction(() =>
    [...document.querySelectorAll('thead [data-testid="grid-cell"]')].some((c) => c.textContent.trim() === "2022年状态"),
  );
  assert.equal(await columnOf(page, "备注"), "L");
  assert.equal(await page.locator('[data-testid="col-filter"].on').count(), 1);
  assert.equal(await page.locator('[data-testid="col-filter"][data-col="L"].on').count(), 1, "the filter moved with 备注");
  assert.deepEqual(await rows(), shownBefore, "the same rows shown");
  assert.equal((await app.cell(2, "L")).text, "甲");
  await app.assertClean();
});
