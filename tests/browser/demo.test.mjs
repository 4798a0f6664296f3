// (b) 示例 loads the Yunfu demo; its empty yearly columns G–J (2017–2020) are computed.
import assert from "node:assert/strict";
import test from "node:test";
import { linearShown, normalizeShown, parseShown } from "./decimal.mjs";
import { openApp } from "./harness.mjs";

const YEARS = { G: 2017, H: 2018, I: 2019, J: 2020 };
const BASE_YEAR = 2016;
const TARGET_YEAR = 2020;
// Names that make an indicator negative or a rate itself (PLANNING-RULES "Direction", rule 4, and
// "rate itself"): such rows may not be linear, so the test leaves them out.
const NOT_PLAIN_LINEAR = /能耗|能源消耗|失业率|恩格尔系数|死亡|排放|浓度|PM2\.5|用水量|建设用地|负债率|发案率|收入比|基尼系数|出生率|漏失率|增速|增长率|年均增长|降低|下降|减少/;

test("demo: yearly targets 2017–2020 are computed", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "demo" });
  assert.equal(await app.loadDemo(), "ready", "status bar data-state after 示例");
  await app.screenshot("demo");

  const cells = await app.cells();
  const byRow = new Map();
  for (const cell of cells) {
    if (!byRow.has(cell.row)) byRow.set(cell.row, {});
    byRow.get(cell.row)[cell.col] = cell;
  }
  assert.ok(byRow.has(2) && byRow.has(55), "the grid shows data rows 2 and 55");

  // The file's G–J are empty: no value shown there may claim to come from the file.
  const fromFile = cells.filter(
    (c) => c.col in YEARS && c.row >= 2 && c.text !== "" && c.source === "file",
  );
  assert.deepEqual(fromFile, [], "yearly cells marked data-source=file in the demo");

  // Rows whose base E and target F are plain numbers, rising, with an ordinary name: linear.
  const linearRows = [...byRow.entries()].filter(([row, r]) => {
    if (row < 2 || !r.C || !r.E || !r.F) return false;
    const base = parseShown(r.E.text);
    const target = parseShown(r.F.text);
    if (!base || !target || NOT_PLAIN_LINEAR.test(r.C.text)) return false;
    return target.units * 10n ** BigInt(base.scale) > base.units * 10n ** BigInt(target.scale);
  });
  assert.ok(linearRows.length >= 10, `at least 10 plain linear rows, found ${linearRows.length}`);

  const mismatches = [];
  for (const [row, r] of linearRows) {
    for (const [col, year] of Object.entries(YEARS)) {
      const expected = linearShown(r.E.text, r.F.text, BASE_YEAR, TARGET_YEAR, year);
      const cell = r[col];
      const shown = cell ? normalizeShown(cell.text) : "(no cell)";
      if (shown !== expected || cell?.source !== "computed") {
        mismatches.push(
          `${col}${row} (${r.C.text}: ${r.E.text} → ${r.F.text}, ${year}): ` +
            `expected ${expected} computed, shown "${cell?.text}" data-source=${cell?.source}`,
        );
      }
    }
  }
  assert.deepEqual(mismatches, [], `${mismatches.length} computed cells differ`);
  t.diagnostic(`checked G–J of ${linearRows.length} linear rows: ${linearRows.map(([row]) => row).join(" ")}`);
  await app.assertClean();
});

// The demo carries one year of actuals (2017年完成, column L), so completion and scores show at
// once: the appended 2017 columns hold realizations and statuses, and 考核汇总 has unit scores.
test("demo: 2017 actuals give realizations, statuses and unit scores at once", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "demo-actuals" });
  assert.equal(await app.loadDemo(), "ready");
  assert.equal((await app.cell(1, "L")).text, "2017年完成");
  const cells = await app.cells();
  const statuses = cells.filter((c) => /^(已达标|达到序时进度|滞后序时进度)$/.test(c.text));
  assert.ok(statuses.length >= 40, `statuses shown: ${statuses.length}`);
  await app.page.getByTestId("view-summary").click();
  const overall = app.page.getByTestId("summary-overall");
  await overall.waitFor();
  assert.match(await overall.innerText(), /^\d+\.\d\d$/);
  assert.ok((await app.page.getByTestId("unit-scores").locator("tr").count()) > 5, "unit scores");
  await app.screenshot("summary");
  await app.assertClean();
});
