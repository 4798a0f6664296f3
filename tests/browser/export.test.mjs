// (e) 导出 writes an .xlsx that zhibiao-cli reads back with the computed yearly targets.
import assert from "node:assert/strict";
import fs from "node:fs";
import test from "node:test";
import { cellSelector, fixture, openApp, readReport } from "./harness.mjs";

/**
 * One indicator's yearly target from a `zhibiao-cli report` JSON:
 * `{ sheets: [{ indicators: [{ seq, yearly: { "2021": { value, shown, source } } }] }] }`.
 */
function yearlyOf(report, seq, year) {
  const indicators = (report.sheets ?? [report]).flatMap((sheet) => sheet.indicators ?? []);
  const indicator = indicators.find((i) => String(i.seq).trim() === seq);
  assert.ok(indicator, `no indicator with seq ${seq} in the report: ${JSON.stringify(report).slice(0, 500)}`);
  const target = indicator.yearly?.[year];
  assert.ok(target, `no yearly target ${year} for seq ${seq}: ${JSON.stringify(indicator).slice(0, 800)}`);
  return target;
}

test("export .xlsx round-trips through zhibiao-cli", { timeout: 120_000 }, async (t) => {
  const app = await openApp(t, { name: "export" });
  await app.uploadAndWaitFor(fixture("qinglan-county-2021-2025-plan.xlsx"), 16, "G");
  const file = await app.download(() => app.page.getByTestId("export-xlsx").click());
  await app.screenshot("exported");
  assert.match(file, /\.xlsx$/, "the download is an .xlsx");

  const report = readReport(file);
  const target = yearlyOf(report, "14", "2021");
  assert.equal(target.shown, "10.4", `seq 14, 2021: ${JSON.stringify(target)}`);
  const valueOk = [10.36, 10.4].some((v) => Math.abs(Number(target.value) - v) < 1e-9);
  assert.ok(
    ["given", "file"].includes(target.source) || valueOk,
    `seq 14, 2021 should be in the file now (source given) or worth 10.36/10.4: ${JSON.stringify(target)}`,
  );
  await app.assertClean();
});

/** Counts the workers the page starts (every `new Worker` goes through the global). */
async function countWorkers(page) {
  await page.evaluate(() => {
    const Original = window.Worker;
    window.__workers = 0;
    window.Worker = class extends Original {
      constructor(...args) {
        super(...args);
        window.__workers += 1;
      }
    };
  });
}

// Issue 5, "Long work": the export runs in a Web Worker running the same wasm, which rebuilds the
// document from the opened file and the journal of edits. Where no worker can start, the page
// exports by itself. Both write the same workbook, byte for byte, edits included.
test("the export runs in a worker and writes what the page itself would", { timeout: 180_000 }, async (t) => {
  const app = await openApp(t, { name: "export-worker" });
  const page = app.page;
  await app.uploadAndWaitFor(fixture("qinglan-county-2021-2025-plan.xlsx"), 16, "G");
  // Seq 14's base typed as 10.0 (from 10.2): its 2021 target becomes 10.2 (10.0 → 11.0, linear).
  await page.locator(cellSelector(16, "E")).click();
  await page.keyboard.press("F2");
  await page.getByTestId("cell-editor").fill("10.0");
  await page.keyboard.press("Enter");
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === "10.2", cellSelector(16, "G"));

  const warnings = [];
  page.on("console", (message) => {
    if (message.type() === "warning") warnings.push(message.text());
  });
  const inPageWarning = () => warnings.filter((w) => w.includes("exporting in the page"));
  await countWorkers(page);
  // One clock for both exports: the page passes its time to the worker as the file's creation
  // time, so the two workbooks can be compared byte for byte.
  await page.evaluate(() => {
    Date.now = () => 1_795_000_000_000;
  });
  const inWorker = await app.download(() => page.getByTestId("export-xlsx").click());
  assert.equal(await page.evaluate(() => window.__workers), 1, "one worker started for the export");
  assert.deepEqual(inPageWarning(), [], "the worker delivered the workbook");
  assert.match(await page.getByTestId("status-bar").innerText(), /已导出/);
  const target = yearlyOf(readReport(inWorker), "14", "2021");
  assert.equal(target.shown, "10.2", `the edit is in the worker's workbook: ${JSON.stringify(target)}`);

  // No workers in this browser: the page exports in slices itself.
  await page.evaluate(() => {
    window.Worker = undefined;
  });
  const inPage = await app.download(() => page.getByTestId("export-xlsx").click());
  assert.equal(inPageWarning().length, 1, `the page exported by itself: ${warnings}`);
  assert.match(await page.getByTestId("status-bar").innerText(), /已导出/);
  assert.ok(
    fs.readFileSync(inWorker).equals(fs.readFileSync(inPage)),
    "the worker and the page write the same bytes",
  );
  // The page stays usable after both.
  await page.locator(cellSelector(16, "E")).click();
  await page.keyboard.press("F2");
  await page.getByTestId("cell-editor").fill("10.2");
  await page.keyboard.press("Enter");
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === "10.4", cellSelector(16, "G"));
  // "exporting in the page" is a warning, not an error.
  await app.assertClean();
});
