// 导出 of the Qinglan progress workbook (.xls): the download holds the source sheet with the same
// figures as the original (read back by `zhibiao-cli report`), then 计划明细, 考核得分,
// 下年度目标 and the hidden round-trip sheet (listed by `zhibiao-cli sheets`).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { CLI, fixture, openApp, readReport } from "./harness.mjs";

const SOURCE = "qinglan-county-2021-2022-progress.xls";

/** `zhibiao-cli sheets FILE`: the workbook's sheet names, in order. */
function sheetNames(file) {
  assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`cargo build --bin zhibiao-cli\``);
  const run = spawnSync(CLI, ["sheets", file], { encoding: "utf8" });
  assert.equal(run.status, 0, `zhibiao-cli sheets ${file} failed:\n${run.stderr}`);
  return run.stdout.split("\n").filter((line) => line.length > 0);
}

/** What must not change between the original and the export: every figure of every indicator. */
function figures(report) {
  return report.sheets.map((sheet) => ({
    name: sheet.name,
    assessment: sheet.assessment,
    indicators: sheet.indicators.map((i) => ({
      seq: i.seq,
      name: i.name,
      method: i.method,
      direction: i.direction,
      decimals: i.decimals,
      yearly: Object.fromEntries(Object.entries(i.yearly).map(([y, t]) => [y, [t.shown, t.source]])),
      actual: i.actual,
      realization: i.realization,
      status: i.status,
    })),
  }));
}

test("export .xlsx has the formula sheets and the source figures unchanged", { timeout: 120_000 }, async (t) => {
  const app = await openApp(t, { name: "export-sheets" });
  const state = await app.uploadAndWaitFor(fixture(SOURCE), 19, "G");
  assert.equal(state, "ready");
  const file = await app.download(() => app.page.getByTestId("export-xlsx").click());
  assert.match(file, /\.xlsx$/, "the download is an .xlsx");

  assert.deepEqual(sheetNames(file), ["2021-2022年监测", "计划明细", "考核得分", "下年度目标", "_zhibiao"]);

  const original = figures(readReport(fixture(SOURCE)));
  const exported = figures(readReport(file));
  assert.equal(exported.length, 1, "only the source sheet is read back as a table");
  assert.deepEqual(exported, original, "sheet 1 read back gives the same figures");
  await app.assertClean();
});

test("CSV export of 计划明细: UTF-8 with BOM, one row per indicator", { timeout: 120_000 }, async (t) => {
  const app = await openApp(t, { name: "export-csv" });
  await app.uploadAndWaitFor(fixture(SOURCE), 19, "G");
  const file = await app.download(() => app.page.getByTestId("export-csv").click());
  assert.match(file, /计划明细\.csv$/);
  const bytes = fs.readFileSync(file);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], "UTF-8 byte-order mark");
  const text = bytes.subarray(3).toString("utf8");
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  assert.ok(lines.some((l) => l.includes("每千人口拥有执业(助理)医师数")), "seq 15 is there");
  assert.ok(lines.length >= 28, `a header and 27 indicators, got ${lines.length} lines`);
  assert.ok(lines.every((l) => !/(^|,)[=+@]/.test(l)), "no cell starts like a formula");
  await app.assertClean();
});

test("a CSV's sheet takes the file's name, on its tab and in the export", { timeout: 120_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhibiao-csv-name-"));
  const file = path.join(dir, "县发改局指标.csv");
  fs.writeFileSync(file, "序号,指标名称,单位,2020年,2021年,2022年,2025年,牵头单位\n1,地区生产总值,亿元,100,,,150,县发改局\n");
  const app = await openApp(t, { name: "export-csv-name" });
  assert.equal(await app.uploadAndWaitFor(file, 2, "E"), "ready");
  const tabs = await app.page.getByTestId("sheet-tab").allInnerTexts();
  assert.ok(tabs.some((tab) => tab.includes("县发改局指标")), `a tab named after the file: ${tabs}`);
  assert.ok(!tabs.some((tab) => /^CSV/.test(tab.trim())), `no tab named CSV: ${tabs}`);
  const exported = await app.download(() => app.page.getByTestId("export-xlsx").click());
  assert.equal(sheetNames(exported)[0], "县发改局指标");
  await app.assertClean();
});
