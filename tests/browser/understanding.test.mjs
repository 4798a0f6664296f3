// Issue 13: tables nobody on the team laid out. A national statistics export opens as actuals
// with the units out of the names, and a target typed for one indicator gives its schedule and
// draft; a workbook with no indicator table opens as a grid and 标记表格 makes a plan of it;
// every decision of 表头识别 shows its reason, is changed from a column header's menu, is
// undone by Ctrl+Z and survives a reload.
import assert from "node:assert/strict";
import test from "node:test";
import { pathToFileURL } from "node:url";
import { cellSelector, fixture, launchApp, openApp } from "./harness.mjs";

const NBS = "understanding/nbs-annual-data.xls";

async function typeInto(app, row, col, text) {
  await app.page.locator(cellSelector(row, col)).click();
  await app.page.keyboard.press("F2");
  await app.page.getByTestId("cell-editor").fill(text);
  await app.page.keyboard.press("Enter");
}

/** The 表头识别 row of a column: its role key, year, evidence and confidence. */
async function layoutRow(page, col) {
  await page.getByTestId("view-layout").click();
  const row = page.locator(`[data-testid="layout-view"] tr[data-col="${col}"]`);
  return {
    role: await row.getByTestId("role-select").inputValue(),
    year: await row.getByTestId("role-year").inputValue(),
    why: await row.getByTestId("role-why").innerText(),
    confidence: await row.getByTestId("role-confidence").innerText(),
  };
}

test("a statistics export: actuals newest first, units out of names, a typed target gives a draft", { timeout: 120_000 }, async (t) => {
  const app = await openApp(t, { name: "understanding-nbs" });
  const state = await app.uploadAndWaitFor(fixture(NBS), 4, "A");
  assert.equal(state, "ready");
  assert.equal((await app.cell(4, "A")).text, "国内生产总值(亿元)");
  await app.screenshot("nbs-grid");
  // The panel names the indicator without its unit, and shows the unit.
  await app.page.locator(cellSelector(4, "B")).click();
  const panel = app.page.getByTestId("indicator-panel");
  assert.equal(await panel.locator("h2").innerText(), "国内生产总值");
  assert.match(await panel.locator(".meta").innerText(), /亿元/);
  // 表头识别: the year columns are actuals, and why.
  const b = await layoutRow(app.page, "B");
  assert.deepEqual([b.role, b.year], ["actual", "2024"]);
  assert.match(b.why, /由新到旧/);
  const a = await layoutRow(app.page, "A");
  assert.equal(a.role, "name");
  await app.screenshot("nbs-layout");
  // A target column for 2025, then the target of one indicator typed in its row.
  assert.equal(await app.page.getByTestId("add-target-year").inputValue(), "2025");
  await app.page.getByTestId("add-target-button").click();
  await app.page.getByTestId("view-sheet").click();
  await app.page.waitForSelector(cellSelector(3, "L"));
  assert.equal((await app.cell(3, "L")).text, "2025年目标");
  await typeInto(app, 4, "L", "年均增长5%");
  await app.page.getByTestId("view-draft").click();
  const draft = app.page.getByTestId("draft-view");
  await draft.locator("tr", { hasText: "国内生产总值" }).first().waitFor();
  const row = await draft.locator("tr", { hasText: "国内生产总值" }).first().innerText();
  // 1,349,084 × 1.05 = 1,416,538.2.
  assert.match(row, /1416538/, row);
  assert.equal(
    (await draft.locator("tr", { hasText: "国内生产总值" }).first().locator('td[data-year="2025"]').innerText()).trim(),
    "1416538",
  );
  await app.screenshot("nbs-draft");
  // Ctrl+Z takes the typed target back: no draft for it any more.
  await app.page.getByTestId("view-sheet").click();
  await app.page.getByTestId("grid-scroll").focus();
  await app.page.keyboard.press("Control+z");
  await app.page.getByTestId("view-draft").click();
  assert.equal(await app.page.getByTestId("draft-view").locator("tr", { hasText: "1416538" }).count(), 0);
  await app.assertClean();
});

test("the CSV form and a traditional-character table with two-level names", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "understanding-csv-traditional" });
  await app.uploadAndWaitFor(fixture("understanding/nbs-annual-data.csv"), 4, "A");
  assert.equal((await layoutRow(app.page, "C")).role, "actual");
  await app.page.getByTestId("view-sheet").click();
  await app.uploadAndWaitFor(fixture("understanding/traditional-two-level.xlsx"), 4, "B");
  assert.equal((await layoutRow(app.page, "A")).role, "parent");
  assert.equal((await layoutRow(app.page, "B")).role, "name");
  const d = await layoutRow(app.page, "D");
  assert.deepEqual([d.role, d.year], ["actual", "2021"]);
  assert.match(d.why, /统计/); // the title word 統計, as the vocabulary reads it
  await app.assertClean();
});

test("no table: the sheet opens as a grid, 标记表格 makes a plan, the column menu and Ctrl+Z", { timeout: 120_000 }, async (t) => {
  const app = await openApp(t, { name: "understanding-mark" });
  const state = await app.uploadAndWaitFor(fixture("understanding/no-table.xlsx"), 3, "A");
  assert.equal(state, "ready", "a workbook without a table is no error");
  await app.page.getByTestId("no-table-note").waitFor();
  assert.equal((await app.cell(3, "A")).text, "东镇");
  await app.screenshot("no-table");
  // 标记表格 with nothing selected says what to do.
  await app.page.getByTestId("mark-table").click();
  await app.page.getByTestId("mark-hint").waitFor();
  // The header cell over the names, then 标记表格.
  await app.page.locator(cellSelector(2, "A")).click();
  await app.page.getByTestId("mark-table").click();
  await app.page.getByTestId("no-table-note").waitFor({ state: "detached" });
  const name = await layoutRow(app.page, "A");
  assert.deepEqual([name.role, name.why], ["name", "用户设定"]);
  await app.page.getByTestId("view-sheet").click();
  // The column header's menu: 户籍人口 (C) is the base. A menu holds its chosen role only
  // until it is about to be used (focused, pointed at, pressed), then every role.
  const menu = app.page.locator('[data-testid="col-role"][data-col="C"]');
  const options = (m) => m.evaluate((s) => [...s.options].map((o) => `${o.value}${o.selected ? "*" : ""}`));
  assert.deepEqual(await options(menu), ["none*"], "before use, the chosen role only");
  await menu.focus();
  const all = await options(menu);
  assert.equal(all.length, 18, all.join(" "));
  assert.ok(all.includes("none*") && all.includes("base"), all.join(" "));
  const menuB = app.page.locator('[data-testid="col-role"][data-col="B"]');
  await menuB.hover({ position: { x: 4, y: 4 } }); // the filter button sits over its middle
  assert.equal((await options(menuB)).length, 18, "pointed at, the menu has every role");
  // The keyboard alone: Tab from C's menu onto D's, and each arrow key chooses the next role
  // (with its chosen role only, there would be nothing to move to; the menu is rebuilt after
  // each choice). The grid leaves the menu's keys to it. Undone.
  const menuD = app.page.locator('[data-testid="col-role"][data-col="D"]');
  assert.equal((await options(menuD)).length, 1, "D's menu not yet used");
  await menu.focus();
  const focused = () => menuD.evaluate((s) => s === document.activeElement);
  for (let i = 0; i < 8 && !(await focused()); i += 1) await app.page.keyboard.press("Tab");
  assert.ok(await focused(), "Tab reaches D's role menu");
  assert.equal(await menuD.evaluate((s) => getComputedStyle(s).opacity), "1", "reached by Tab, the menu shows itself");
  assert.equal((await options(menuD)).length, 18, "tabbed onto, the menu has every role");
  const up = await menuD.evaluate((s) => s.selectedIndex >= 2);
  const activeCell = () => app.page.evaluate(() => {
    const c = document.querySelector('[data-testid="grid-cell"][aria-selected="true"]');
    return c ? `${c.dataset.row}${c.dataset.col}` : "none";
  });
  const active = await activeCell();
  const chosen = [await menuD.inputValue()];
  for (let i = 0; i < 2; i += 1) {
    await app.page.keyboard.press(up ? "ArrowUp" : "ArrowDown");
    chosen.push(await menuD.inputValue());
    assert.notEqual(chosen[i + 1], chosen[i], `arrow key ${i + 1} chose another role: ${chosen}`);
  }
  assert.ok(await focused(), "the menu keeps the focus");
  assert.equal(await activeCell(), active, "the arrow keys did not move the grid's active cell");
  assert.equal((await layoutRow(app.page, "D")).role, chosen[2], "the table has the role chosen");
  // Ctrl+Z where the roles were chosen undoes them (a menu has no undo of its own).
  await app.page.getByTestId("view-sheet").click();
  await menuD.focus();
  await app.page.keyboard.press("Control+z");
  await app.page.keyboard.press("Control+z");
  assert.equal((await layoutRow(app.page, "D")).role, chosen[0], "two choices, two Ctrl+Z");
  await app.page.getByTestId("view-sheet").click();
  await menu.focus(); // a new view's menus hold their chosen role until used
  // Chosen with the pointer, a role gives the keyboard back to the grid (the next arrow key
  // moves the active cell, it does not choose the next role).
  await menu.dispatchEvent("pointerdown");
  await menu.selectOption("base");
  assert.equal(await app.page.evaluate(() => document.activeElement?.dataset.testid), "grid-scroll", "the grid has the keyboard again");
  const c = await layoutRow(app.page, "C");
  assert.deepEqual([c.role, c.why, c.confidence], ["base", "用户设定", "确定"]);
  await app.page.getByTestId("view-sheet").click();
  await app.screenshot("marked");
  // Ctrl+Z: first the role, then the table itself.
  await app.page.getByTestId("grid-scroll").focus();
  await app.page.keyboard.press("Control+z");
  assert.notEqual((await layoutRow(app.page, "C")).role, "base");
  await app.page.getByTestId("view-sheet").click();
  await app.page.getByTestId("grid-scroll").focus();
  await app.page.keyboard.press("Control+z");
  await app.page.getByTestId("no-table-note").waitFor();
  // Ctrl+Y brings the table back; it survives a reload.
  await app.page.keyboard.press("Control+y");
  await app.page.getByTestId("no-table-note").waitFor({ state: "detached" });
  await app.page.waitForTimeout(1_000); // autosave writes a moment after the last change
  await app.page.reload({ waitUntil: "load" });
  await app.waitUntilReady();
  await app.page.waitForSelector(cellSelector(3, "A"));
  assert.equal(await app.page.getByTestId("no-table-note").count(), 0, "the marked table after a reload");
  assert.equal((await layoutRow(app.page, "A")).role, "name");
  // And a saved page, opened from disk in a fresh profile.
  await app.page.getByTestId("view-sheet").click();
  const saved = await app.download(() => app.page.getByTestId("save-html").click());
  await app.assertClean();
  const other = await launchApp(t, { name: "understanding-mark-saved", url: pathToFileURL(saved).href });
  await other.waitUntilReady();
  await other.page.waitForSelector(cellSelector(3, "A"));
  assert.equal(await other.page.getByTestId("no-table-note").count(), 0, "the marked table in the saved page");
  assert.equal((await layoutRow(other.page, "A")).role, "name");
  await other.assertClean();
});
