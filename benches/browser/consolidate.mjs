// How the page holds up while it consolidates (issue 16): 20 returns folded into a 2,000-row plan
// in the shipped dist/zhibiao.html, in headless Chromium. The plan is a generated CSV (2,000
// indicators, 20 lead units, no actuals yet); each return is a unit's copy from
// `zhibiao-cli distribute` of the same plan with every actual filled (a full .xlsx of 2,000
// actuals: the first fills them all, the other 19 agree). The 20 files are picked at once; the
// script records the longest main-thread task (PerformanceObserver "longtask") from the pick to
// the status bar's 已汇总报送, and that time. Nothing is asserted: the figures are printed.
//
//   cargo xtask dist && cargo build --bin zhibiao-cli && node benches/browser/consolidate.mjs
//
// Environment: ZHIBIAO_TARGET_DIR, ZHIBIAO_CHROMIUM, ZHIBIAO_BENCH_RUNS (3).

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TARGET = process.env.ZHIBIAO_TARGET_DIR || path.join(ROOT, "target");
const PAGE = pathToFileURL(path.join(ROOT, "dist", "zhibiao.html")).href;
const CLI = path.join(TARGET, "debug", "zhibiao-cli");
const CHROMIUM = process.env.ZHIBIAO_CHROMIUM || "/usr/bin/chromium";
const RUNS = Number(process.env.ZHIBIAO_BENCH_RUNS || 3);
const ROWS = 2000;
const UNITS = 20;

/** The plan as CSV; `actuals` fills every 2021 actual. */
function planCsv(actuals) {
  const lines = ["某县主要指标任务分解表", "序号,指标名称,单位,牵头单位,配合单位,2020年,2025年,2021年实际"];
  for (let i = 1; i <= ROWS; i++) {
    const base = 100 + (i % 97);
    const target = base + 10 + (i % 13);
    const actual = actuals ? (base + 2 + (i % 5) / 10).toFixed(1) : "";
    lines.push(`${i},指标${i}号,万元,县单位${(i % UNITS) + 1}局,,${base},${target},${actual}`);
  }
  return lines.join("\n");
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhibiao-bench-consolidate-"));
const planFile = path.join(dir, "plan.csv");
fs.writeFileSync(planFile, planCsv(false));
const fullFile = path.join(dir, "full.csv");
fs.writeFileSync(fullFile, planCsv(true));
const zip = path.join(dir, "copies.zip");
const run = spawnSync(CLI, ["distribute", fullFile, "-o", zip], { encoding: "utf8" });
if (run.status !== 0) throw new Error(`zhibiao-cli distribute: ${run.stderr}`);
const unzip = spawnSync("unzip", ["-o", "-q", zip, "-d", path.join(dir, "returns")], { encoding: "utf8" });
if (unzip.status !== 0) throw new Error(`unzip: ${unzip.stderr}`);
const returns = fs
  .readdirSync(path.join(dir, "returns"))
  .filter((f) => f.endsWith(".xlsx"))
  .map((f) => path.join(dir, "returns", f));
if (returns.length !== UNITS) throw new Error(`${returns.length} copies, not ${UNITS}`);

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const results = [];
try {
  for (let r = 0; r < RUNS; r++) {
    const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await page.goto(PAGE, { waitUntil: "load" });
    await page.waitForSelector('[data-testid="status-bar"]', { timeout: 30_000 });
    await page.locator('input[type="file"][data-testid="file-input"]').setInputFiles(planFile);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="status-bar"]')?.getAttribute("data-state") === "ready" &&
        document.querySelector('[data-testid="grid-cell"]'),
      null,
      { timeout: 60_000 },
    );
    await page.waitForTimeout(500);
    await page.evaluate(() => {
      const w = (window.__bench = { longest: 0, tasks: 0 });
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          w.longest = Math.max(w.longest, e.duration);
          w.tasks += 1;
        }
      }).observe({ type: "longtask" });
      w.start = performance.now();
    });
    await page.getByTestId("consolidate-input").setInputFiles(returns);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="status-bar"]')?.textContent.includes("已汇总报送"),
      null,
      { timeout: 600_000 },
    );
    const m = await page.evaluate(() => ({ ...window.__bench, total: performance.now() - window.__bench.start }));
    const filled = await page.evaluate(() => document.querySelector('[data-testid="status-bar"]')?.textContent);
    results.push(m);
    console.log(
      `run ${r + 1}: longest main-thread task ${m.longest.toFixed(0)} ms (${m.tasks} tasks over 50 ms), ` +
        `20 returns in ${(m.total / 1000).toFixed(1)} s — ${filled.trim()}`,
    );
    await context.close();
  }
} finally {
  await browser.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `median of ${RUNS}: longest task ${median(results.map((m) => m.longest)).toFixed(0)} ms, ` +
    `total ${(median(results.map((m) => m.total)) / 1000).toFixed(1)} s (load ${os.loadavg()[0].toFixed(1)})`,
);
