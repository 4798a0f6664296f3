// The statuses of PLANNING-RULES "Completion" as the page shows them: the status follows the
// year's target on the indicator's own path (a realization of 100 % is never lagging), and a
// qualitative target follows the words of its actual (shared/samples/README.md, Files 3 and 4).
import assert from "node:assert/strict";
import test from "node:test";
import { fixture, openApp } from "./harness.mjs";

/** The column letters of the grid's header cell whose text is `label`. */
async function columnOf(app, label) {
  const cells = await app.renderedCells();
  const header = cells.find((c) => c.text === label);
  assert.ok(header, `a header cell "${label}"`);
  return header.col;
}

test("a year whose actual meets its target is on schedule; one that misses it is lagging", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "status-revised" });
  // Qinglan progress: seq 1 is row 6, seq 19 row 24; I/J are 2021 实现程度/状态 (right after the
  // 2021 actual in H), M/N 2022 (after L).
  await app.uploadAndWaitFor(fixture("qinglan-county-2021-2022-progress.xls"), 6, "J");
  // Seq 1, 2021: 203.5 ≥ g = 201.312 (100 %), though progress 0.1955 < τ = 0.2.
  assert.equal((await app.cell(6, "I")).text, "100.00");
  assert.equal((await app.cell(6, "J")).text, "达到序时进度");
  // Seq 19, 2022 (negative): 0.455 misses g = 0.4548346, though progress 0.41494 ≥ τ = 0.4.
  assert.equal((await app.cell(24, "M")).text, "99.96");
  assert.equal((await app.cell(24, "N")).text, "滞后序时进度");
  await app.assertClean();
});

test("a qualitative target whose actual says 完成 is met", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "status-qualitative" });
  await app.upload(fixture("wangchuan-city-2016-2020-assessment.xlsx"));
  await app.waitForState(["ready"]);
  const status2019 = await columnOf(app, "2019年状态");
  const cells = await app.cells();
  const seqCell = (seq) => cells.find((c) => c.col === "A" && c.text === String(seq));
  for (const seq of [13, 20]) {
    const row = seqCell(seq)?.row;
    assert.ok(row, `seq ${seq} is in the grid`);
    const status = cells.find((c) => c.row === row && c.col === status2019);
    assert.equal(status?.text, "已达标", `seq ${seq}: qualitative, actual 完成`);
  }
  // Seq 1, 2019: realization 100.00 is on schedule, not lagging.
  const row1 = seqCell(1).row;
  assert.equal(cells.find((c) => c.row === row1 && c.col === status2019)?.text, "达到序时进度");
  await app.assertClean();
});
