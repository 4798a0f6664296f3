// The first screen and the words around the grid (issue 15, item 8): an empty page that invites
// (a drop zone, 打开附件 / 试试示例, no legend before a plan), a status bar that follows the
// language switch, a value that is no number flagged where it was typed, and every status
// explained on hover in plain words.
import assert from "node:assert/strict";
import test from "node:test";
import { cellSelector, openApp, tempFile } from "./harness.mjs";

/** A one-indicator plan with a 2021 actual (F2), written to a temporary CSV file. */
function onePlan(t) {
  return tempFile(t, "plan-one.csv", "序号,指标名称,单位,2020年,2025年,2021年实际\n1,人均GDP,元,31502,58000,36900\n");
}

test("the empty page offers a drop zone and both ways in, and no legend", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "first-empty" });
  const page = app.page;
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.getByTestId("drop-zone").waitFor();
  assert.match(await page.getByTestId("empty-page").innerText(), /打开附件[\s\S]*试试示例/);
  assert.equal(await page.locator(".legend").count(), 0, "no legend before a plan");
  await app.screenshot("empty-1366");
  // The drop zone's own input opens a file.
  await page.getByTestId("empty-file-input").setInputFiles(onePlan(t));
  await page.waitForSelector(cellSelector(2, "F"));
  await app.waitForState(["ready"]);
  assert.equal(await page.locator(".legend").count(), 1, "the legend once a plan is open");
  const bar = page.getByTestId("status-bar");
  assert.match(await bar.innerText(), /1 个指标/);
  // The status bar follows the language switch, in good English.
  await page.getByTestId("lang-toggle").click();
  await page.waitForFunction(() => /1 indicator\b/.test(document.querySelector('[data-testid="status-bar"]').innerText));
  assert.doesNotMatch(await bar.innerText(), /个指标|indicators|就绪|已打开/);
  await page.getByTestId("lang-toggle").click();
  // 试试示例 opens the demo.
  await page.getByTestId("new-button").click();
  await page.getByTestId("empty-demo").click();
  await page.waitForSelector(cellSelector(2, "C"));
  await app.waitForState(["ready"]);
  await app.assertClean();
});

test("abc typed as an actual is kept, flagged and explained; statuses explain themselves", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "first-invalid" });
  const page = app.page;
  await app.uploadAndWaitFor(onePlan(t), 2, "F");
  const cells = await app.renderedCells();
  const statusCol = cells.find((c) => c.text === "2021年状态")?.col;
  assert.ok(statusCol, "a 2021 status column");
  const status = page.locator(cellSelector(2, statusCol));
  // 36900 ≥ 2021's target 31502 + (58000 − 31502)/5 = 36801.6: on schedule, explained.
  assert.equal((await status.innerText()).trim(), "达到序时进度");
  assert.match(await status.getAttribute("title"), /达到本年度目标/);
  await page.locator(cellSelector(2, "F")).click();
  await page.keyboard.type("abc");
  await page.keyboard.press("Enter");
  const actual = page.locator(cellSelector(2, "F"));
  await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.invalid === "true", cellSelector(2, "F"));
  assert.equal((await actual.innerText()).trim(), "abc", "kept as typed");
  assert.match(await actual.getAttribute("title"), /不是数值/);
  assert.equal((await status.innerText()).trim(), "无数据", "not used as a number");
  assert.match(await status.getAttribute("title"), /没有实际值/);
  await app.screenshot("invalid-actual");
  // A number again clears the flag.
  await page.locator(cellSelector(2, "F")).click();
  await page.keyboard.type("36900");
  await page.keyboard.press("Enter");
  await page.waitForFunction((sel) => !document.querySelector(sel)?.dataset.invalid, cellSelector(2, "F"));
  await app.assertClean();
});
