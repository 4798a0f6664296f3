// An .ods in the page (issue 19): read once by our own streaming pass (src/io/read/ods/), it
// opens with the cells of the same table saved as .xlsx — values, merged title, number formats
// shown as LibreOffice shows them.
import assert from "node:assert/strict";
import test from "node:test";
import { fixture, openApp } from "./harness.mjs";

test("an .ods opens with the same cells as the same table saved as .xlsx", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "ods-like-xlsx" });
  assert.equal(await app.uploadAndWaitFor(fixture("wangchuan-city-2016-2020-assessment.xlsx"), 6, "B"), "ready");
  const xlsx = await app.cells();
  assert.equal(await app.uploadAndWaitFor(fixture("wangchuan-city-2016-2020-assessment.ods"), 6, "B"), "ready");
  const ods = await app.cells();
  await app.screenshot("ods");
  assert.ok(ods.length > 50, `${ods.length} cells`);
  assert.deepEqual(ods, xlsx);
  await app.assertClean();
});
