// Issue 14: the formats real attachments come in, uploaded through the page. An HTML table saved
// as .xls (GBK, as web systems export it) and a SpreadsheetML 2003 .xml each open as their plan:
// the indicator's given yearly targets are kept and the years between computed.
import assert from "node:assert/strict";
import test from "node:test";
import { fixture, openApp } from "./harness.mjs";

/** Asserts cells as { "G5": ["119", "computed"], … }. */
async function expectCells(app, expected) {
  const wrong = [];
  for (const [ref, [text, source]] of Object.entries(expected)) {
    const [, col, row] = /^([A-Z]+)(\d+)$/.exec(ref);
    const cell = await app.cell(Number(row), col).catch((error) => ({ text: error.message }));
    if (cell.text !== text || (source && cell.source !== source)) {
      wrong.push(`${ref}: expected "${text}" (${source}), shown "${cell.text}" (${cell.source})`);
    }
  }
  assert.deepEqual(wrong, [], "cells that differ");
}

// Row 5 of both files: 地区生产总值, base 100 (2020), target 150 (2025), 2021 given as 108. The
// SpreadsheetML file gives the base the number format 0.0, so its computed years show one decimal.
const planRow = (g, h, i) => ({
  B5: ["地区生产总值"],
  F5: ["108", "file"],
  G5: [g, "computed"],
  H5: [h, "computed"],
  I5: [i, "computed"],
  J5: ["150", "file"],
  K5: ["县发改局"],
});

for (const [name, label, expected] of [
  ["formats/plan-html-gbk.xls", "html-xls", planRow("119", "129", "140")],
  ["formats/plan-spreadsheetml-2003.xml", "spreadsheetml", planRow("118.5", "129.0", "139.5")],
]) {
  test(`${name} opens as its plan`, { timeout: 90_000 }, async (t) => {
    const app = await openApp(t, { name: `formats-${label}` });
    const state = await app.uploadAndWaitFor(fixture(name), 5, "G");
    await app.screenshot("loaded");
    assert.equal(state, "ready", "status bar data-state after the upload");
    await expectCells(app, expected);
    await app.assertClean();
  });
}
