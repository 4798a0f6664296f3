// (e) 导出 writes an .xlsx that zhibiao-cli reads back with the computed yearly targets.
import assert from "node:assert/strict";
import test from "node:test";
import { fixture, openApp, readReport } from "./harness.mjs";

/** Seq 14's yearly target of 2021 from a `zhibiao-cli report` JSON, tolerant of its layout. */
function yearlyOf(report, seq, year) {
  const plan = report.plan ?? report;
  const indicators = plan.indicators ?? [];
  const index = indicators.findIndex((i) => String(i.seq).trim() === seq);
  assert.ok(index >= 0, `no indicator with seq ${seq} in the report: ${JSON.stringify(report).slice(0, 500)}`);
  const results = report.results?.indicators ?? report.indicators_results ?? [];
  const found =
    results[index]?.yearly?.[year] ??
    indicators[index].result?.yearly?.[year] ??
    indicators[index].yearly_targets?.[year];
  assert.ok(found, `no yearly target ${year} for seq ${seq}: ${JSON.stringify(results[index] ?? indicators[index]).slice(0, 800)}`);
  return found;
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
    target.source === "given" || valueOk,
    `seq 14, 2021 should be in the file now (source given) or worth 10.36/10.4: ${JSON.stringify(target)}`,
  );
  await app.assertClean();
});
