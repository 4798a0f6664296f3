// (e) 导出 writes an .xlsx that zhibiao-cli reads back with the computed yearly targets.
import assert from "node:assert/strict";
import test from "node:test";
import { fixture, openApp, readReport } from "./harness.mjs";

/**
 * One indicator's yearly target from a `zhibiao-cli report` JSON:
 * `{ sheets: [{ indicators: [{ seq, yearly: { "2021": { value, shown, source } } }] }] }`.
 */
function yearlyOf(report, seq, year) {
  const indicators = (report.sheets ?? [report]).flatMap((sheet) => sheet.indicators ?? []);
  const indicator = indicators.find((i) => String(i.seq).trim() === seq);
  assert.ok(indicator, `no indicator with seq ${seq} in the report: ${JSON.stringify(report).slice(0, 500)}`);
  const target = indicator.yearly?.[year];
  assert.ok(target, `no yearly target ${year} for seq ${seq}: ${JSON.stringify(indicator).slice(0, 800)}`);
  return target;
}

test("export .xlsx round-trips through zhibiao-cli", { timeout: 120_000 }, async (t) => {
  const app = await openApp(t, { name: "export" });
  await app.uploadAndWaitFor(fixture("qinglan-county-2021-2025-plan.xlsx"), 16, "G");
  const file = await app.download(() => app.page.getByTestId("export-xlsx").click());
  await app.screenshot("exported");
  assert.match(file, /\.xlsx$/, "the download is an .xlsx");

  const report = readReport(file);
  const target = yearlyOf(report, "14", "2021");
  assert.equal(target.shown, "10.4", `seq 14, 2021: ${JSON.stringify(target)}`);
  const valueOk = [10.36, 10.4].some((v) => Math.abs(Number(target.value) - v) < 1e-9);
  assert.ok(
    ["given", "file"].includes(target.source) || valueOk,
    `seq 14, 2021 should be in the file now (source given) or worth 10.36/10.4: ${JSON.stringify(target)}`,
  );
  await app.assertClean();
});
