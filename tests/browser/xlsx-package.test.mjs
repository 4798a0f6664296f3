// The .xlsx reader in the page (issue 19): a workbook stored where `_rels/.rels` says (not at
// xl/workbook.xml: the OpenXML SDK writes xl/workbook22.xml …) opens like the original, and a
// sheet whose XML ends inside its cells is refused as damaged, with the plan before it kept.
import assert from "node:assert/strict";
import test from "node:test";
import { fixture, openApp, tempFile } from "./harness.mjs";
import { unzip, zip } from "./zip.mjs";

const PLAN = fixture("qinglan-county-2021-2025-plan.xlsx");

/** The fixture's parts, with `change(parts)` applied, as a new .xlsx. */
function repacked(t, name, change) {
  const parts = unzip(PLAN);
  change(parts);
  const entries = Object.entries(parts).map(([part, data]) => ({ name: part, data }));
  return tempFile(t, name, zip(entries));
}

test("a workbook stored away from xl/workbook.xml opens like the original", { timeout: 90_000 }, async (t) => {
  const relocated = repacked(t, "relocated.xlsx", (parts) => {
    const text = (name) => parts[name].toString("utf8");
    parts["_rels/.rels"] = Buffer.from(text("_rels/.rels").replace('Target="xl/workbook.xml"', 'Target="/xl/workbook22.xml"'));
    parts["[Content_Types].xml"] = Buffer.from(text("[Content_Types].xml").replace("/xl/workbook.xml", "/xl/workbook22.xml"));
    parts["xl/workbook22.xml"] = parts["xl/workbook.xml"];
    // The sheet by a target relative to the workbook's folder (the fixture's is absolute).
    parts["xl/_rels/workbook22.xml.rels"] = Buffer.from(
      text("xl/_rels/workbook.xml.rels").replace('Target="/xl/worksheets/', 'Target="./worksheets/'),
    );
    delete parts["xl/workbook.xml"];
    delete parts["xl/_rels/workbook.xml.rels"];
  });
  const app = await openApp(t, { name: "xlsx-relocated" });
  assert.equal(await app.uploadAndWaitFor(PLAN, 16, "G"), "ready");
  const original = await app.cells();
  assert.equal(await app.uploadAndWaitFor(relocated, 16, "G"), "ready");
  await app.screenshot("relocated");
  assert.deepEqual(await app.cells(), original, "the same cells as the original");
  await app.assertClean();
});

test("a sheet cut short inside its cells is refused as damaged, and the plan stays", { timeout: 90_000 }, async (t) => {
  const cut = repacked(t, "cut.xlsx", (parts) => {
    const xml = parts["xl/worksheets/sheet1.xml"].toString("utf8");
    parts["xl/worksheets/sheet1.xml"] = Buffer.from(xml.slice(0, xml.indexOf("</sheetData>") - 40));
  });
  const app = await openApp(t, { name: "xlsx-cut" });
  await app.loadDemo();
  await app.upload(cut);
  const error = app.page.getByTestId("error-message");
  await error.waitFor({ state: "visible", timeout: 30_000 });
  await app.screenshot("cut");
  const text = await error.innerText();
  assert.match(text, /损坏/, text);
  assert.equal((await app.cell(2, "C")).text, "人均GDP(2010年不变价)", "the demo stays");
  await app.assertClean({ allowConsoleErrors: true });
});
