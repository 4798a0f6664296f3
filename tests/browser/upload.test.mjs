// (c), (d) Uploaded workbooks: computed yearly targets, and anchors kept from the file.
import assert from "node:assert/strict";
import test from "node:test";
import { fixture, openApp } from "./harness.mjs";

/** Asserts cells as { "G16": ["10.4", "computed"], … }. */
async function expectCells(app, expected) {
  const wrong = [];
  for (const [ref, [text, source]] of Object.entries(expected)) {
    const [, col, row] = /^([A-Z]+)(\d+)$/.exec(ref);
    const cell = await app.cell(Number(row), col).catch((error) => ({ text: error.message }));
    if (cell.text !== text || cell.source !== source) {
      wrong.push(`${ref}: expected "${text}" (${source}), shown "${cell.text}" (${cell.source})`);
    }
  }
  assert.deepEqual(wrong, [], "cells that differ");
}

test("qinglan plan .xlsx: linear targets and anchors", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "upload-qinglan-plan" });
  const state = await app.uploadAndWaitFor(fixture("qinglan-county-2021-2025-plan.xlsx"), 16, "G");
  await app.screenshot("loaded");
  assert.equal(state, "ready", "status bar data-state after the upload");
  await expectCells(app, {
    // Seq 14: linear 10.2 → 11.0.
    G16: ["10.4", "computed"],
    H16: ["10.5", "computed"],
    I16: ["10.7", "computed"],
    J16: ["10.8", "computed"],
    K16: ["11.0", "computed"],
    // Seq 6: anchors 2021 and 2023 kept, the years between and after computed.
    G8: ["50.0", "file"],
    H8: ["51.5", "computed"],
    I8: ["53.0", "file"],
    J8: ["54.5", "computed"],
  });
  await app.assertClean();
});

test("qinglan progress .xls (BIFF8, 3 header rows): yearly targets", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "upload-qinglan-progress" });
  const state = await app.uploadAndWaitFor(fixture("qinglan-county-2021-2022-progress.xls"), 19, "G");
  await app.screenshot("loaded");
  assert.equal(state, "ready", "status bar data-state after the upload");
  // Seq 14 is row 19; the yearly targets of 2021 and 2023 are in G and O (the file's K: the
  // 2021 and 2022 completion columns show beside their actuals before it).
  await expectCells(app, {
    G19: ["10.4", "computed"],
    O19: ["10.7", "computed"],
  });
  await app.assertClean();
});
