// The detected layout is shown, and correcting a year or a column role recomputes at once.
import assert from "node:assert/strict";
import test from "node:test";
import { cellSelector, fixture, openApp } from "./harness.mjs";

test("layout view: detected roles shown; a corrected year and role apply at once", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "layout" });
  await app.uploadAndWaitFor(fixture("qinglan-county-2021-2025-plan.xlsx"), 16, "G");
  const page = app.page;
  await page.getByTestId("view-layout").click();
  const view = page.getByTestId("layout-view");
  await view.waitFor();
  const role = (col) => view.locator(`tr[data-col="${col}"] [data-testid="role-select"]`);
  assert.equal(await role("C").inputValue(), "name");
  assert.equal(await role("E").inputValue(), "base");
  assert.equal(await role("F").inputValue(), "target");
  assert.equal(await role("K").inputValue(), "yearly");
  assert.equal(await view.locator('tr[data-col="K"] [data-testid="role-year"]').inputValue(), "2025");
  assert.equal(await role("L").inputValue(), "binding");
  assert.equal(await page.getByTestId("base-year").inputValue(), "2020");
  await app.screenshot("layout");

  // Base year 2019 instead of 2020: seq 14 (10.2 → 11.0 over 2019–2025) in 2021 is
  // 10.2 + 0.8·2/6 = 10.4667 → 10.5.
  await page.getByTestId("base-year").fill("2019");
  await page.getByTestId("base-year").dispatchEvent("change");
  await page.getByTestId("view-sheet").click();
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === "10.5", cellSelector(16, "G"));
  await page.getByTestId("undo").click();
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === "10.4", cellSelector(16, "G"));

  // Column K ignored: K16 shows the file's (empty) cell instead of a computed 2025 target.
  assert.deepEqual(await app.cell(16, "K"), { text: "11.0", source: "computed" });
  await page.getByTestId("view-layout").click();
  await role("K").selectOption("none");
  await page.getByTestId("view-sheet").click();
  await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.source === "file", cellSelector(16, "K"));
  assert.equal((await app.cell(16, "K")).text, "");
  await app.assertClean();
});
