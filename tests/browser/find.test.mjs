// Issue 15, item 2 (find): Ctrl+F opens the page's own find box, which searches every row and
// column of the virtualised grid; Enter / Shift+Enter go to the next / previous match, scroll to
// it and make it the active cell; Esc closes the box and gives the grid its focus back.
import assert from "node:assert/strict";
import test from "node:test";
import { fixture, openApp } from "./harness.mjs";

const SYNTHETIC = "synthetic-2021-2025-2000-rows.xlsx";

/** The active cell, its text and whether it is in view below the sticky header rows, once the
 * grid has rendered the rows it scrolled to (two frames, then the DOM rows caught up). */
function activeCell(page) {
  return page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    // The DOM rows catch up with the canvas once scrolling rests (data-mirror).
    while (document.querySelector('[data-testid="grid-scroll"]')?.dataset.mirror === "behind") {
      await new Promise((r) => requestAnimationFrame(r));
    }
    const wrap = document.querySelector('[data-testid="grid-scroll"]');
    const el = document.querySelector('[data-testid="grid-cell"].active');
    if (!el) return null;
    const r = el.getBoundingClientRect();
    const w = wrap.getBoundingClientRect();
    const header = [...document.querySelectorAll("thead tr.header td")].reduce((b, td) => Math.max(b, td.getBoundingClientRect().bottom), w.top);
    return {
      row: Number(el.dataset.row),
      col: el.dataset.col,
      text: el.textContent.trim(),
      selected: el.getAttribute("aria-selected"),
      inView: r.top >= header - 1 && r.bottom <= w.bottom + 1 && r.left >= w.left - 1 && r.right <= w.right + 1,
    };
  });
}

test("Ctrl+F finds a row 1,500 rows down in the 2,000-row sample and makes it the active cell", { timeout: 180_000 }, async (t) => {
  const app = await openApp(t, { name: "find-2000" });
  const page = app.page;
  await page.setViewportSize({ width: 1366, height: 768 });
  await app.uploadAndWaitFor(fixture(SYNTHETIC), 3, "C");
  // Row 1,502 (seq 1500) is far outside the rendered rows.
  assert.equal(await page.locator('[data-testid="grid-cell"][data-row="1502"]').count(), 0);
  await page.locator('[data-testid="grid-cell"][data-row="3"][data-col="C"]').click();
  await page.keyboard.press("Control+f");
  const box = page.getByTestId("find-box");
  await box.waitFor({ state: "visible" });
  assert.equal(await box.evaluate((el) => el === document.activeElement), true, "the find box has focus");
  await page.keyboard.type("指标1500");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector('[data-testid="grid-cell"].active')?.dataset.row === "1502");
  let a = await activeCell(page);
  assert.deepEqual([a.row, a.col, a.text], [1502, "C", "社会监测指标1500（覆盖率）"]);
  assert.equal(a.inView, true, "scrolled to the match");
  assert.equal(a.selected, "true");
  await page.waitForFunction(() => document.querySelector('[data-testid="find-count"]')?.textContent === "1/1");
  await app.screenshot("found");

  // A value shown in many rows (computed and typed cells included): Enter walks forward,
  // Shift+Enter back, around the ends.
  await box.fill("县体育局");
  await page.keyboard.press("Enter");
  a = await activeCell(page);
  const first = a.row;
  assert.ok(a.text.includes("县体育局"), a.text);
  assert.ok(first > 1502, `the first match after the active cell: ${first}`);
  const count = await page.getByTestId("find-count").innerText();
  const [, total] = count.split("/").map(Number);
  assert.ok(total > 100, count);
  await page.keyboard.press("Enter");
  a = await activeCell(page);
  assert.ok(a.row > first && a.text.includes("县体育局") && a.inView, JSON.stringify(a));
  await page.keyboard.press("Shift+Enter");
  assert.equal((await activeCell(page)).row, first);
  // The buttons do the same.
  await page.getByTestId("find-next").click();
  assert.ok((await activeCell(page)).row > first);
  await page.getByTestId("find-prev").click();
  assert.equal((await activeCell(page)).row, first);

  // Nothing found says so and leaves the active cell.
  await box.fill("没有这个指标");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector('[data-testid="find-count"]')?.textContent === "无匹配");
  assert.equal((await activeCell(page)).row, first);

  // Esc closes the box and the grid has the keyboard again: Ctrl+End goes to the last row.
  await page.keyboard.press("Escape");
  await box.waitFor({ state: "detached" });
  assert.equal(await page.getByTestId("grid-scroll").evaluate((el) => el === document.activeElement), true);
  await page.keyboard.press("Control+End");
  // The last rows are rendered once the grid has scrolled there (the next frame or two).
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="grid-cell"].active')?.dataset.row) >= 2002);
  a = await activeCell(page);
  assert.ok(a.row >= 2002 && a.inView, JSON.stringify(a));
  await app.assertClean();
});
