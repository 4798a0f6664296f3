// Issue 15, item 4: the keyboard as in Excel. Tab into the grid gives an active cell
// (aria-selected, a visible ring); Ctrl+Home/End, Ctrl+arrows, Home/End, PageUp/PageDown move it
// and keep it in view; Shift+arrows and Shift+click draw ranges with no browser text selection.
import assert from "node:assert/strict";
import test from "node:test";
import { cellSelector, fixture, openApp } from "./harness.mjs";

const PROGRESS = "qinglan-county-2021-2022-progress.xls";

/** The active cell: its row, column, whether it is in view, and the state of the page, once
 * the grid has rendered the rows it scrolled to (two frames, then the DOM rows caught up). */
function activeCell(page) {
  return page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    // The DOM rows catch up with the canvas once scrolling rests (data-mirror).
    while (document.querySelector('[data-testid="grid-scroll"]')?.dataset.mirror === "behind") {
      await new Promise((r) => requestAnimationFrame(r));
    }
    const wrap = document.querySelector('[data-testid="grid-scroll"]');
    const active = [...document.querySelectorAll('[data-testid="grid-cell"].active')];
    const el = active[0];
    if (!el) return { count: 0 };
    const r = el.getBoundingClientRect();
    const w = wrap.getBoundingClientRect();
    const style = getComputedStyle(el);
    return {
      count: active.length,
      rect: [r.left, r.top, r.right, r.bottom, w.left, w.top, w.right, w.bottom].map(Math.round),
      row: Number(el.dataset.row),
      col: el.dataset.col,
      selected: el.getAttribute("aria-selected"),
      // A merged cell wider than the grid is in view when its start is.
      inView: r.top >= w.top - 1 && r.bottom <= w.bottom + 1 && r.left >= w.left - 1 && (r.right <= w.right + 1 || r.width > w.width - 60),
      outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
      focused: document.activeElement === wrap,
    };
  });
}

test("Tab gives an active cell with a ring; Ctrl+End/Home, Ctrl+arrows, Home/End, PageUp/Down move it in view", { timeout: 120_000 }, async (t) => {
  const app = await openApp(t, { name: "keyboard-moves" });
  const page = app.page;
  await page.setViewportSize({ width: 1366, height: 768 });
  await app.uploadAndWaitFor(fixture(PROGRESS), 6, "A");
  // Tab from the last control before the grid (the unit filter, where the plan names units;
  // its second select is disabled until a unit is chosen).
  const before = (await page.getByTestId("unit-filter").count()) ? "unit-filter" : "mark-table";
  await page.getByTestId(before).focus();
  await page.keyboard.press("Tab");
  let a = await activeCell(page);
  assert.equal(a.focused, true, "the grid has focus");
  assert.equal(a.count, 1);
  assert.equal(a.selected, "true");
  assert.deepEqual([a.row, a.col], [6, "A"], "the first body cell in view");
  assert.equal(
    await page.locator('[data-testid="grid-cell"][aria-selected="true"]').count(),
    1,
    "only the active cell is selected",
  );
  assert.match(a.outline, /^solid 2px rgb\(9, 105, 218\)/, "a visible blue ring");
  await app.screenshot("tab");

  const press = async (key, expected) => {
    await page.keyboard.press(key);
    a = await activeCell(page);
    assert.deepEqual([a.row, a.col], expected, key);
    assert.equal(a.inView, true, `${key}: the active cell is in view: ${JSON.stringify(a)}`);
    assert.equal(a.selected, "true", `${key}: aria-selected`);
  };
  // Ctrl+End: the last row and the last column, inside the note merged across row 34 (A34:W34
  // as shown, the completion columns inside it), which becomes the active cell; Ctrl+Home back.
  await press("Control+End", [34, "A"]);
  await press("Control+Home", [6, "A"]);
  // Along the names (C): to the end of the run, past the gap to the edge, back up.
  await press("ArrowRight", [6, "B"]);
  await press("ArrowRight", [6, "C"]);
  await press("Control+ArrowDown", [32, "C"]);
  // C34 is inside the note merged across A34:S34: the merged cell shows it.
  await press("Control+ArrowDown", [34, "A"]);
  await press("Control+ArrowUp", [32, "C"]);
  await press("Control+ArrowUp", [6, "C"]);
  // Along row 6: A6–O6 are filled (the 2021 and 2022 completion beside their actuals), P6
  // (the 2023 actual) is the first empty cell.
  await press("End", [6, "W"]);
  await press("Home", [6, "A"]);
  await press("Control+ArrowRight", [6, "O"]);
  await press("Control+ArrowRight", [6, "Q"]);
  // PageDown moves a screen's worth of rows and PageUp comes back.
  await press("Home", [6, "A"]);
  await page.keyboard.press("PageDown");
  a = await activeCell(page);
  assert.ok(a.row > 15 && a.inView, `PageDown: row ${a.row}`);
  await press("PageUp", [6, "A"]);
  // The ring turns grey when the grid loses focus and the cell stays active.
  await page.getByTestId("mark-table").focus();
  a = await activeCell(page);
  assert.equal(a.count, 1);
  assert.doesNotMatch(a.outline, /rgb\(9, 105, 218\)/);
  await app.assertClean();
});

test("Shift+arrows and Shift+click draw ranges with no browser text selection; copy gives the range", { timeout: 120_000 }, async (t) => {
  const app = await openApp(t, { name: "keyboard-ranges" });
  const page = app.page;
  await page.setViewportSize({ width: 1366, height: 768 });
  await app.uploadAndWaitFor(fixture(PROGRESS), 16, "G");
  assert.equal(await page.locator(cellSelector(16, "E")).evaluate((el) => getComputedStyle(el).userSelect), "none");
  await page.locator(cellSelector(16, "E")).click();
  await page.keyboard.press("Shift+ArrowDown");
  await page.keyboard.press("Shift+ArrowRight");
  await page.keyboard.press("Shift+ArrowRight");
  assert.equal(await page.locator('[data-testid="grid-cell"].sel').count(), 6);
  assert.equal(await page.locator('[data-testid="grid-cell"][aria-selected="true"]').count(), 6);
  const copy = () =>
    page.evaluate(() => {
      const data = new DataTransfer();
      document
        .querySelector('[data-testid="grid-scroll"]')
        .dispatchEvent(new ClipboardEvent("copy", { clipboardData: data, bubbles: true, cancelable: true }));
      return data.getData("text/plain");
    });
  assert.equal(await copy(), "35620\t年均增长7%\t38113\r\n16860\t26000，年均增长9%\t18377");
  // Ctrl+Shift+Down extends to the end of the data in the column.
  await page.keyboard.press("Control+Shift+ArrowDown");
  // G26 is the first empty cell below G16 (用水量 has no computed target).
  assert.equal((await copy()).split("\r\n").length, 10, "E16:G25");
  // Shift+click from E10 to G12 across rows: the grid's range, no text selection.
  await page.locator(cellSelector(10, "E")).click();
  await page.locator(cellSelector(12, "G")).click({ modifiers: ["Shift"] });
  assert.equal(await page.locator('[data-testid="grid-cell"].sel').count(), 9);
  assert.equal(await page.evaluate(() => String(window.getSelection())), "", "no browser text selection");
  // A drag with the button held draws a range too.
  const from = await page.locator(cellSelector(20, "E")).boundingBox();
  const to = await page.locator(cellSelector(21, "F")).boundingBox();
  await page.mouse.move(from.x + 5, from.y + 5);
  await page.mouse.down();
  await page.mouse.move(to.x + 5, to.y + 5, { steps: 4 });
  await page.mouse.up();
  assert.equal(await copy(), "2.31\t3\r\n77.2\t78.5");
  assert.equal(await page.evaluate(() => String(window.getSelection())), "");
  await app.screenshot("range");
  await app.assertClean();
});

test("Esc closes the indicator panel, which also collapses to a strip and opens again", { timeout: 120_000 }, async (t) => {
  const app = await openApp(t, { name: "keyboard-panel" });
  const page = app.page;
  await page.setViewportSize({ width: 1366, height: 768 });
  await app.uploadAndWaitFor(fixture(PROGRESS), 16, "G");
  const panel = page.getByTestId("indicator-panel");
  const gridWidth = () => page.getByTestId("grid-scroll").evaluate((el) => el.getBoundingClientRect().width);
  await page.locator(cellSelector(16, "C")).click();
  await panel.waitFor({ state: "visible" });
  const withPanel = await gridWidth();
  // Collapse: the panel hides, the grid widens; expand: it is back with the same indicator.
  const toggle = page.getByTestId("panel-toggle");
  assert.equal(await toggle.getAttribute("aria-expanded"), "true");
  await toggle.click();
  await panel.waitFor({ state: "hidden" });
  assert.equal(await toggle.getAttribute("aria-expanded"), "false");
  const collapsed = await gridWidth();
  assert.ok(collapsed > withPanel + 250, `the grid widens: ${withPanel} → ${collapsed}`);
  await app.screenshot("collapsed");
  // Collapsed stays collapsed when another row is clicked.
  await page.locator(cellSelector(17, "C")).click();
  assert.equal(await panel.isVisible(), false);
  await toggle.click();
  await panel.waitFor({ state: "visible" });
  assert.match(await panel.innerText(), /农村居民人均可支配收入/);
  // At 1366 the docked panel takes at most 28 % of the width.
  const panelWidth = await panel.evaluate((el) => el.getBoundingClientRect().width);
  assert.ok(panelWidth <= 0.28 * 1366, `panel ${panelWidth}px`);
  // Esc in the cell editor cancels the edit and leaves the panel open.
  await page.locator(cellSelector(17, "E")).click();
  await page.keyboard.type("1");
  await page.keyboard.press("Escape");
  assert.equal(await page.getByTestId("cell-editor").count(), 0);
  assert.equal(await panel.isVisible(), true);
  // Esc with nothing else to close closes the panel.
  await page.keyboard.press("Escape");
  await panel.waitFor({ state: "detached" });
  assert.equal(await page.getByTestId("panel-dock").count(), 0);
  await app.assertClean();
});
