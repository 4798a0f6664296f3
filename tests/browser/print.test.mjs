// Print: every row of the table (not only those in view) and the summary, without the toolbar.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { SCREENSHOTS, fixture, openApp } from "./harness.mjs";

test("print shows the whole table and the summary, without the page's controls", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "print" });
  await app.uploadAndWaitFor(fixture("qinglan-county-2021-2022-progress.xls"), 6, "G");
  const page = app.page;
  await page.emulateMedia({ media: "print" });
  await page.evaluate(() => window.dispatchEvent(new Event("beforeprint")));
  await page.getByTestId("print-summary").waitFor();
  // Rows 6–32 hold the 27 indicators; all are rendered, up to the note in row 34.
  const rows = await page.locator('[data-testid="sheet-grid"] tbody tr[data-row]').evaluateAll((trs) =>
    trs.map((tr) => Number(tr.dataset.row)),
  );
  for (let row = 6; row <= 32; row += 1) assert.ok(rows.includes(row), `row ${row} printed`);
  assert.equal(await page.getByTestId("summary-overall").innerText(), "96.50");
  assert.equal(await page.getByTestId("demo-button").isVisible(), false, "the toolbar is not printed");
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const pdf = path.join(SCREENSHOTS, "print.pdf");
  await page.pdf({ path: pdf, format: "A4", landscape: true, printBackground: true });
  assert.ok(fs.statSync(pdf).size > 10_000, "a PDF was written");
  await app.screenshot("print");
  await page.evaluate(() => window.dispatchEvent(new Event("afterprint")));
  await page.emulateMedia({ media: "screen" });
  await app.assertClean();
});
