// Sheets that share one layout (one per district) are offered combined: the 合并 tab names all
// of them in its title and says each row's district in a last column 来源表.
import assert from "node:assert/strict";
import test from "node:test";
import { fixture, openApp } from "./harness.mjs";

test("the combined tab names every district and each row's own", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "combine" });
  await app.upload(fixture("three-districts-2021-2023.xlsx"));
  await app.waitForState(["ready"]);
  const page = app.page;
  await page.getByTestId("sheet-tab").filter({ hasText: "合并" }).click();
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid="grid-cell"]')].some((c) => c.textContent.trim() === "来源表"));
  const cells = await app.cells();
  const texts = cells.map((c) => c.text);
  assert.ok(texts.includes("合并：川东区、川西区、新港区"), "the title names the three districts");
  const header = cells.find((c) => c.text === "来源表");
  const districts = cells.filter((c) => c.col === header.col && c.row > header.row).map((c) => c.text);
  assert.deepEqual([...new Set(districts)], ["川东区", "川西区", "新港区"]);
  assert.equal(districts.length, 24);
  await app.screenshot("combined");
  await app.assertClean();
});
