// The grid as a spreadsheet: keyboard editing with recompute, undo/redo from the keyboard,
// copy and paste of tab-separated ranges, and a 20,000-row plan that keeps the DOM small.
import assert from "node:assert/strict";
import test from "node:test";
import { cellSelector, fixture, openApp, tempFile } from "./harness.mjs";

const PLAN = "qinglan-county-2021-2025-plan.xlsx";

/** Waits until cell `ref` (e.g. "G16") shows `text`. */
async function waitForCell(page, row, col, text) {
  await page.waitForFunction(
    ([sel, text]) => document.querySelector(sel)?.textContent === text,
    [cellSelector(row, col), text],
    { timeout: 10_000 },
  );
}

test("typing a base recomputes the row; Ctrl+Z and Ctrl+Y undo and redo it", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "grid-edit" });
  await app.uploadAndWaitFor(fixture(PLAN), 16, "G");
  const page = app.page;
  // Seq 14 (row 16): base E16 10.2 → target 11.0; 2021 is 10.4.
  assert.equal((await app.cell(16, "G")).text, "10.4");
  await page.locator(cellSelector(16, "E")).click();
  await page.keyboard.type("10.0");
  await page.keyboard.press("Enter");
  // 10.0 + (11.0 − 10.0)·0.2 = 10.2
  await waitForCell(page, 16, "G", "10.2");
  assert.deepEqual(await app.cell(16, "E"), { text: "10.0", source: "manual" });
  // Enter moved the active cell down.
  assert.equal(await page.locator(`${cellSelector(17, "E")}.active`).count(), 1);
  await page.keyboard.press("Control+z");
  await waitForCell(page, 16, "G", "10.4");
  assert.equal((await app.cell(16, "E")).source, "file");
  await page.keyboard.press("Control+y");
  await waitForCell(page, 16, "G", "10.2");
  await app.screenshot("edited");

  // A typed yearly target is manual and the following years interpolate from it:
  // G16 = 10.5, then 10.5 + (11.0 − 10.5)/4 = 10.625 → 10.6.
  await page.locator(cellSelector(16, "G")).click();
  await page.keyboard.press("F2");
  await page.getByTestId("cell-editor").fill("10.5");
  await page.keyboard.press("Enter");
  await waitForCell(page, 16, "H", "10.6");
  assert.deepEqual(await app.cell(16, "G"), { text: "10.5", source: "manual" });
  // Escape cancels an edit.
  await page.locator(cellSelector(16, "F")).click();
  await page.keyboard.type("99");
  await page.keyboard.press("Escape");
  await waitForCell(page, 16, "F", "11.0");
  assert.equal(await page.getByTestId("cell-editor").count(), 0, "the editor is gone");
  assert.deepEqual(await app.cell(16, "F"), { text: "11.0", source: "file" });
  await app.assertClean();
});

test("paste of a TSV block is one undoable step; copy gives TSV", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "grid-paste" });
  await app.uploadAndWaitFor(fixture(PLAN), 16, "G");
  const page = app.page;
  await page.locator(cellSelector(16, "E")).click();
  // As Excel puts two cells on the clipboard: base 10.0 and target 12.0 for seq 14.
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.setData("text/plain", "10.0\t12.0\r\n");
    document
      .querySelector('[data-testid="grid-scroll"]')
      .dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  });
  // 2025 = the new target; 2021 = 10.0 + 2.0·0.2 = 10.4.
  await waitForCell(page, 16, "K", "12.0");
  assert.equal((await app.cell(16, "F")).text, "12.0");
  await page.getByTestId("undo").click();
  await waitForCell(page, 16, "K", "11.0");
  assert.equal((await app.cell(16, "E")).text, "10.2");

  // Copy E16:G16 (click, shift+click).
  await page.locator(cellSelector(16, "E")).click();
  await page.locator(cellSelector(16, "G")).click({ modifiers: ["Shift"] });
  const copied = await page.evaluate(() => {
    const data = new DataTransfer();
    document
      .querySelector('[data-testid="grid-scroll"]')
      .dispatchEvent(new ClipboardEvent("copy", { clipboardData: data, bubbles: true, cancelable: true }));
    return data.getData("text/plain");
  });
  assert.equal(copied, "10.2\t11.0\t10.4");
  await app.assertClean();
});

test("a 20,000-row plan renders few rows and scrolls to the end", { timeout: 180_000 }, async (t) => {
  const lines = ["序号,指标名称,单位,2020年基期值,2025年目标值,2021年,2022年,2023年,2024年,2025年,牵头单位"];
  for (let i = 1; i <= 20_000; i += 1) {
    lines.push(`${i},指标${i},%,${(50 + (i % 40)).toFixed(1)},${(60 + (i % 40)).toFixed(1)},,,,,,单位${i % 31}`);
  }
  const file = tempFile(t, "plan-20000.csv", "\ufeff" + lines.join("\r\n"));

  const app = await openApp(t, { name: "grid-20k" });
  const page = app.page;
  const started = Date.now();
  await app.upload(file);
  await page.waitForSelector(cellSelector(2, "F"), { timeout: 60_000 });
  t.diagnostic(`20,000 rows: file chosen → first rows shown in ${Date.now() - started} ms`);
  // Row 2: 51.0 → 61.0: 2021 = 53.0.
  assert.equal((await app.cell(2, "F")).text, "53.0");
  const rowsInDom = () => page.locator('[data-testid="sheet-grid"] tbody tr[data-row]').count();
  const before = await rowsInDom();
  assert.ok(before > 10 && before < 200, `rows in the DOM: ${before}`);

  // Only what changes is rendered again: moving the active cell and typing in a cell leave
  // every other cell's element in place (also in the edited row), and a scroll of twenty rows
  // keeps the rows that stay in view.
  const keep = (sels) =>
    page.evaluate((sels) => (window.__kept = sels.map((s) => document.querySelector(s))).every(Boolean), sels);
  const kept = (sels) =>
    page.evaluate((sels) => sels.map((s, i) => document.querySelector(s) === window.__kept[i]), sels);
  const watched = [cellSelector(12, "C"), cellSelector(14, "F"), cellSelector(20, "B")];
  assert.ok(await keep(watched), "cells to watch are in view");
  await page.locator(cellSelector(14, "G")).click();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.type("12");
  assert.equal(await page.getByTestId("cell-editor").inputValue(), "12");
  assert.deepEqual(await kept(watched), [true, true, true], "moves and keystrokes re-render no other cell");
  await page.keyboard.press("Escape");
  assert.equal(await page.getByTestId("cell-editor").count(), 0);
  assert.equal(await page.locator(`${cellSelector(14, "G")}[aria-selected="true"]`).count(), 1);
  // Rows in view before and after a scroll of twenty rows.
  const staying = [cellSelector(22, "C"), cellSelector(25, "F"), cellSelector(28, "B")];
  assert.ok(await keep(staying), "rows to watch are rendered");
  await page.getByTestId("grid-scroll").evaluate(async (el) => {
    el.scrollTop += 20 * 26;
  });
  await app.synced();
  assert.ok(await page.locator(cellSelector(45, "B")).count(), "rows further down are shown");
  assert.deepEqual(await kept(staying), [true, true, true], "rows still in view are kept when the grid scrolls");
  const scrollStart = Date.now();
  await app.scrollToRow(20_001);
  await page.waitForSelector(cellSelector(20_001, "F"), { timeout: 30_000 });
  t.diagnostic(`scroll to the last row: ${Date.now() - scrollStart} ms`);
  // Row 20,001 (i = 20,000): 50 + 0 = 50.0 → 60.0: 2021 = 52.0.
  assert.equal((await app.cell(20_001, "F")).text, "52.0");
  const after = await rowsInDom();
  assert.ok(after < 200, `rows in the DOM after scrolling: ${after}`);
  await app.screenshot("end");
  await app.assertClean();
});

test("title rows scroll away while the column letters and header rows stay on top", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "grid-sticky-header" });
  const page = app.page;
  await page.setViewportSize({ width: 1100, height: 420 });
  await app.uploadAndWaitFor(fixture("qinglan-county-2021-2025-plan.xlsx"), 16, "G");
  const wrap = page.getByTestId("grid-scroll");
  await wrap.evaluate((el) => { el.scrollTop = 260; });
  await app.synced();
  const geometry = await page.evaluate(() => {
    const wrap = document.querySelector('[data-testid="grid-scroll"]').getBoundingClientRect();
    const box = (sel) => document.querySelector(sel).getBoundingClientRect();
    return {
      wrapTop: wrap.top,
      // Cells, not rows: sticky cells move, their row boxes stay in the flow.
      letters: box("thead tr.letters th.col-head"),
      title: box('thead tr[data-row="1"] td'),
      header: box('thead tr[data-row="2"] td'),
    };
  });
  await app.screenshot("scrolled");
  // Row 1 (the title) went up with the body; the letters and row 2 (the header) stay on top.
  assert.ok(geometry.title.bottom <= geometry.wrapTop + 1, `title row bottom ${geometry.title.bottom} vs grid top ${geometry.wrapTop}`);
  assert.ok(Math.abs(geometry.letters.top - geometry.wrapTop) < 2, "letters at the top");
  assert.ok(Math.abs(geometry.header.top - geometry.letters.bottom) < 2, "the header row right under the letters");
  const corner = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.className, [geometry.letters.left - 10, geometry.letters.top + 5]);
  assert.equal(corner, "corner", "nothing of the title row is left over the corner");
  // The first body row visible under the header is the one a click there reaches, and it is
  // rendered (the virtual window accounts for the title rows that scrolled away).
  const hit = await page.evaluate(([x, y]) => {
    const el = document.elementFromPoint(x, y)?.closest('[data-testid="grid-cell"]');
    return el ? Number(el.dataset.row) : null;
  }, [geometry.header.left + 300, geometry.header.bottom + 5]);
  assert.ok(hit && hit > 2, `a body cell under the header: row ${hit}`);
  // Keyboard moves keep the active cell out from under the header rows.
  await page.locator(cellSelector(hit + 2, "C")).click();
  for (let i = 0; i < 6; i += 1) await page.keyboard.press("ArrowUp");
  await app.synced();
  const active = await page.evaluate(() => document.querySelector("td.active").getBoundingClientRect().top);
  const headerBottom = await page.evaluate(() => document.querySelector('thead tr[data-row="2"] td').getBoundingClientRect().bottom);
  assert.ok(active >= headerBottom - 1, `active cell top ${active} below the header ${headerBottom}`);
  await app.assertClean();
});
