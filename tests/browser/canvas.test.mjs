// Issue 15, item 9 (smooth at any size): the grid's body is drawn on a canvas under the table,
// repainted in the frame after a scroll, while the DOM rows (transparent over it) catch up once
// scrolling rests (`data-mirror="behind"` → `"synced"`). These check, without timing, that the
// canvas shows the rows in view before the DOM has them, that a click or a double-click there
// reaches the cell drawn under the pointer, that the DOM then catches up, and that `?grid=dom`
// keeps the DOM grid alone. They fail on a page without the canvas body.
import assert from "node:assert/strict";
import test from "node:test";
import { PAGE_URL, cellSelector, fixture, openApp } from "./harness.mjs";

const SYNTHETIC = "synthetic-2021-2025-2000-rows.xlsx";

/**
 * In the page: scrolls the grid to `top`, waits two frames (the canvas is then painted, the DOM
 * rows have not caught up: they wait for scrolling to rest), and reports what the canvas and the
 * DOM show; then sends `events` (mousedown, dblclick …) to the point over column `col`, `rowsDown`
 * rows under the sticky header rows.
 */
function scrollAndPoint(page, { top, col, rowsDown, events }) {
  return page.evaluate(
    async ({ top, col, rowsDown, events }) => {
      const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const wrap = document.querySelector('[data-testid="grid-scroll"]');
      wrap.scrollTop = top;
      await frames();
      const canvas = document.querySelector('[data-testid="grid-canvas"]');
      const mirror = wrap.dataset.mirror;
      const painted = canvas.dataset.paintedRows.split("-").map(Number);
      // Pixels of a computed cell (--cell-computed #fff2cc) on the canvas.
      const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      let computed = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] === 255 && data[i + 1] === 242 && data[i + 2] === 204) computed += 1;
      }
      // The point: the middle of column `col`, `rowsDown` rows under the header rows.
      const letter = document.querySelector(`thead th.col-head[data-col="${col}"]`).getBoundingClientRect();
      const header = [...document.querySelectorAll("thead tr.header")].reduce(
        (b, tr) => Math.max(b, tr.getBoundingClientRect().bottom),
        letter.bottom,
      );
      const tbody = document.querySelector('[data-testid="sheet-grid"] tbody').getBoundingClientRect();
      const x = letter.left + letter.width / 2;
      const y = header + rowsDown * 26 + 13;
      const row = Number(wrap.dataset.bodyStart) + Math.floor((y - tbody.top) / 26) + 1;
      const target = document.elementFromPoint(x, y);
      const hitCell = target?.closest('[data-testid="grid-cell"]')?.dataset.row ?? null;
      const rowInDom = document.querySelectorAll(`[data-testid="grid-cell"][data-row="${row}"]`).length;
      for (const type of events) {
        target.dispatchEvent(new MouseEvent(type, { bubbles: true, button: 0, buttons: type === "mousedown" ? 1 : 0, clientX: x, clientY: y }));
      }
      return { mirror, painted, computed, row, hitCell, rowInDom, mirrorAfter: wrap.dataset.mirror };
    },
    { top, col, rowsDown, events },
  );
}

test("the canvas draws the rows in view at once; a click there selects the cell drawn; the DOM catches up", { timeout: 180_000 }, async (t) => {
  const app = await openApp(t, { name: "canvas-body" });
  const page = app.page;
  await page.setViewportSize({ width: 1366, height: 768 });
  await app.uploadAndWaitFor(fixture(SYNTHETIC), 3, "C");
  const wrap = page.getByTestId("grid-scroll");
  assert.equal(await wrap.getAttribute("data-paint"), "canvas", "the body is drawn on a canvas");
  await app.synced();
  assert.equal(await wrap.getAttribute("data-mirror"), "synced");
  await app.screenshot("top");

  // 1,000 rows down: the canvas shows them two frames after the scroll, the DOM does not yet.
  const at = await scrollAndPoint(page, { top: 1000 * 26, col: "C", rowsDown: 3, events: ["mousedown", "mouseup", "click"] });
  t.diagnostic(JSON.stringify(at));
  assert.equal(at.mirror, "behind", "the DOM rows wait for scrolling to rest");
  assert.equal(at.rowInDom, 0, `row ${at.row} is not in the DOM yet`);
  assert.equal(at.hitCell, null, "the click lands on no DOM cell");
  assert.ok(at.painted[0] <= at.row && at.row <= at.painted[1], `the canvas painted rows ${at.painted} with ${at.row}`);
  assert.ok(at.painted[0] > 900, `the canvas shows the rows scrolled to: ${at.painted}`);
  assert.ok(at.computed > 1000, `computed cells drawn: ${at.computed} px`);
  await app.screenshot("scrolled-before-catch-up");

  // The DOM catches up; the cell clicked on the canvas is the active cell.
  await app.synced();
  assert.equal(await wrap.getAttribute("data-mirror"), "synced");
  const active = page.locator('[data-testid="grid-cell"].active');
  assert.equal(await active.count(), 1);
  assert.equal(await active.getAttribute("data-row"), String(at.row));
  assert.equal(await active.getAttribute("data-col"), "C");
  assert.equal(await active.getAttribute("aria-selected"), "true");
  assert.equal(await page.locator(`${cellSelector(at.row, "C")}`).count(), 1);
  const rowsInDom = await page.locator('[data-testid="sheet-grid"] tbody tr[data-row]').count();
  assert.ok(rowsInDom > 20 && rowsInDom < 80, `rows in the DOM: ${rowsInDom}`);

  // The indicator panel the click opened, collapsed: the scroller grows, the canvas with it.
  await page.getByTestId("indicator-panel").waitFor();
  const size = () =>
    page.evaluate(() => [
      document.querySelector('[data-testid="grid-scroll"]').clientWidth,
      document.querySelector('[data-testid="grid-canvas"]').getBoundingClientRect().width,
    ]);
  const [open] = await size();
  await page.getByTestId("panel-toggle").click();
  await app.synced();
  const [wide, canvasWide] = await size();
  assert.ok(wide > open + 200, `the scroller grew: ${open} → ${wide}`);
  assert.equal(canvasWide, wide, "the canvas follows the scroller's width");

  // A drag over rows only the canvas shows draws the range (no cell element to enter there).
  const drag = await page.evaluate(async () => {
    const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const wrap = document.querySelector('[data-testid="grid-scroll"]');
    wrap.scrollTop = 1200 * 26;
    await frames();
    const letter = document.querySelector('thead th.col-head[data-col="E"]').getBoundingClientRect();
    const header = [...document.querySelectorAll("thead tr.header")].reduce((b, tr) => Math.max(b, tr.getBoundingClientRect().bottom), letter.bottom);
    const tbody = document.querySelector('[data-testid="sheet-grid"] tbody').getBoundingClientRect();
    const x = letter.left + letter.width / 2;
    const at = (n) => header + n * 26 + 13;
    const rowAt = (y) => Number(wrap.dataset.bodyStart) + Math.floor((y - tbody.top) / 26) + 1;
    const target = document.elementFromPoint(x, at(1));
    const send = (type, y, buttons) =>
      target.dispatchEvent(new MouseEvent(type, { bubbles: true, button: 0, buttons, clientX: x, clientY: y }));
    send("mousedown", at(1), 1);
    send("mousemove", at(2), 1);
    send("mousemove", at(3), 1);
    send("mouseup", at(3), 0);
    return { mirror: wrap.dataset.mirror, inDom: !!target.closest('[data-testid="grid-cell"]'), from: rowAt(at(1)), to: rowAt(at(3)) };
  });
  assert.equal(drag.mirror, "behind");
  assert.equal(drag.inDom, false);
  await app.synced();
  const selected = await page.$$eval('[data-testid="grid-cell"][aria-selected="true"]', (els) => els.map((e) => `${e.dataset.row}${e.dataset.col}`));
  assert.deepEqual(selected, [`${drag.from}E`, `${drag.from + 1}E`, `${drag.to}E`], "the range drawn by the drag");

  // A double-click on a row only the canvas shows opens the editor in that cell; the edit is
  // kept and drawn.
  const dbl = await scrollAndPoint(page, { top: 1500 * 26, col: "C", rowsDown: 2, events: ["mousedown", "mouseup", "click", "dblclick"] });
  assert.equal(dbl.mirror, "behind");
  assert.equal(dbl.rowInDom, 0);
  const editor = page.getByTestId("cell-editor");
  await editor.waitFor({ state: "visible", timeout: 5_000 });
  await editor.fill("画布上改的指标");
  await page.keyboard.press("Enter");
  await app.synced();
  assert.equal((await app.cell(dbl.row, "C")).text, "画布上改的指标");
  const next = page.locator('[data-testid="grid-cell"].active');
  assert.equal(await next.getAttribute("data-row"), String(dbl.row + 1), "Enter moves down");
  // Typing in the active cell edits it too.
  await page.keyboard.type("7");
  await editor.waitFor({ state: "visible", timeout: 5_000 });
  await page.keyboard.press("Escape");
  assert.equal(await editor.count(), 0);
  await app.screenshot("edited");
  await app.assertClean();
});

test("a file just opened is painted by the canvas first; its DOM rows follow after that frame", { timeout: 120_000 }, async (t) => {
  const app = await openApp(t, { name: "canvas-first-frame" });
  const page = app.page;
  await page.setViewportSize({ width: 1366, height: 768 });
  // Records, the first time the canvas says it painted body rows, how many DOM body cells exist.
  await page.evaluate(() => {
    const seen = (window.__first = {});
    const check = () => {
      const painted = document.querySelector('[data-testid="grid-canvas"]')?.dataset.paintedRows;
      if (painted && seen.painted === undefined) {
        seen.painted = painted;
        seen.domCells = document.querySelectorAll('[data-testid="sheet-grid"] tbody [data-testid="grid-cell"]').length;
        seen.mirror = document.querySelector('[data-testid="grid-scroll"]')?.dataset.mirror;
      }
    };
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await app.upload(fixture(SYNTHETIC));
  await app.waitForState(["ready"]);
  const first = await page.evaluate(() => window.__first);
  t.diagnostic(JSON.stringify(first));
  const [from, to] = first.painted.split("-").map(Number);
  assert.ok(to - from > 10, `the canvas painted a screen of rows: ${first.painted}`);
  assert.equal(first.domCells, 0, "no DOM body cell before the canvas's first paint");
  assert.equal(first.mirror, "behind", "the DOM rows are behind then");
  // waitForState waited for them: the rows in view are now in the DOM as well.
  assert.equal(await page.getByTestId("grid-scroll").getAttribute("data-mirror"), "synced");
  assert.ok((await app.renderedCells()).some((c) => c.row === 10), "row 10 in the DOM");
  await app.assertClean();
});

test("?grid=dom keeps the DOM grid alone", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "canvas-dom-switch", url: `${PAGE_URL}?grid=dom` });
  const page = app.page;
  await page.setViewportSize({ width: 1366, height: 768 });
  await app.uploadAndWaitFor(fixture(SYNTHETIC), 3, "C");
  const wrap = page.getByTestId("grid-scroll");
  assert.equal(await wrap.getAttribute("data-paint"), null);
  assert.equal(await page.getByTestId("grid-canvas").count(), 0);
  // The DOM rows follow the scroll at once.
  const at = await scrollAndPoint(page, { top: 1000 * 26, col: "C", rowsDown: 3, events: [] }).catch((e) => ({ error: String(e) }));
  assert.ok(at.error, "no canvas to read");
  await wrap.evaluate((el) => { el.scrollTop = 1000 * 26; });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.equal(await wrap.getAttribute("data-mirror"), "synced");
  assert.ok(await page.locator(cellSelector(1000, "C")).count(), "row 1,000 rendered by the DOM");
  await app.assertClean();
});
