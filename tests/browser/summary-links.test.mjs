// 考核汇总 click-through (issue 15): a unit's name opens the grid on that unit's rows (the unit
// filter shown as active, cleared in one click); a lagging indicator opens the grid at its row,
// the active cell, in view.
import assert from "node:assert/strict";
import test from "node:test";
import { fixture, openApp } from "./harness.mjs";

const PROGRESS = "qinglan-county-2021-2022-progress.xls";

const bodyRows = (page) =>
  page.$$eval('[data-testid="sheet-grid"] tbody tr[data-row]', (rows) => rows.map((r) => Number(r.dataset.row)));

test("考核汇总: a unit clicks through to its rows, a lagging indicator to its row", { timeout: 150_000 }, async (t) => {
  const app = await openApp(t, { name: "summary-links" });
  const page = app.page;
  await page.setViewportSize({ width: 1366, height: 768 });
  await app.upload(fixture(PROGRESS));
  await app.waitForState(["ready"]);
  const all = (await bodyRows(page)).length;

  await page.getByTestId("view-summary").click();
  await page.getByTestId("summary-overall").waitFor();
  await app.screenshot("summary-1366");
  const unit = page.locator('[data-testid="summary-unit"]', { hasText: "县卫生健康局" });
  await unit.click();
  await page.getByTestId("sheet-grid").waitFor();
  // The unit filter is on that unit, shown as active; only its rows (and the notes below).
  assert.equal(await page.getByTestId("unit-filter").inputValue(), "县卫生健康局");
  assert.equal(await page.locator("label.unit-filter.active").count(), 1);
  const rows = await bodyRows(page);
  assert.ok(rows.length < all, `${rows.length} of ${all} rows`);
  for (const r of [20, 21, 22]) assert.ok(rows.includes(r), `row ${r} (县卫生健康局) shown: ${rows}`);
  // Cleared in one click.
  await page.getByTestId("unit-clear").click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="sheet-grid"] tbody tr[data-row]').length === n, all);
  assert.equal(await page.getByTestId("unit-filter").inputValue(), "");

  // A lagging indicator: its row becomes the active cell, in view.
  await page.getByTestId("view-summary").click();
  const link = page.getByTestId("lagging-link").last();
  const row = Number(await link.getAttribute("data-row"));
  const name = (await link.innerText()).trim();
  await link.click();
  await page.waitForFunction(
    (row) => document.querySelector('[data-testid="grid-cell"].active')?.dataset.row === String(row),
    row,
  );
  const active = await page.evaluate(() => {
    const cell = document.querySelector('[data-testid="grid-cell"].active');
    const wrap = document.querySelector('[data-testid="grid-scroll"]').getBoundingClientRect();
    const box = cell.getBoundingClientRect();
    return { text: cell.textContent, inView: box.top >= wrap.top && box.bottom <= wrap.bottom, focused: document.activeElement?.dataset.testid };
  });
  assert.ok(active.text.includes(name) || name.includes(active.text.trim()), `${active.text} is ${name}`);
  assert.ok(active.inView, "the row is in view");
  assert.equal(active.focused, "grid-scroll", "the grid has the keyboard");
  await app.assertClean();
});
