// Before/after on the user's path (issue 19): two builds of the shipped page, their runs
// alternating (A B A B …) so that a busy machine weighs on both alike. Same timing as
// user-path.mjs (file chosen → first data row painted → import done), plus Chromium's own
// counters over that span (CDP Performance.getMetrics: layouts and their time, style
// recalculations, script time). Nothing asserts a time.
//
//   ZHIBIAO_PAGE_A=before.html ZHIBIAO_PAGE_B=dist/zhibiao.html ZHIBIAO_BENCH_RUNS=5 \
//     node benches/browser/user-path-ab.mjs file.xlsx …
import fs from "node:fs";
import os from "node:os";
import { chromium } from "playwright-core";
import { CHROMIUM, LAUNCH_ARGS } from "../../tests/browser/harness.mjs";
import { openReady, pageUrl, watch } from "./page.mjs";

const pages = { A: process.env.ZHIBIAO_PAGE_A, B: process.env.ZHIBIAO_PAGE_B };
const runs = Number(process.env.ZHIBIAO_BENCH_RUNS || 5);
const files = process.argv.slice(2);

const metrics = async (cdp) =>
  Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));

async function run(browser, page_path, file) {
  const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1366, height: 768 } });
  try {
    let cdp;
    const page = await openReady(context, pageUrl(page_path), async (page) => {
      cdp = await context.newCDPSession(page);
      await cdp.send("Performance.enable");
    });
    await page.evaluate(watch);
    const before = await metrics(cdp);
    await page.locator('[data-testid="file-input"]').setInputFiles(file);
    await page.waitForFunction(() => window.__up.done !== undefined, null, { timeout: 600_000, polling: 50 });
    const after = await metrics(cdp);
    const up = await page.evaluate(() => window.__up);
    const d = (k) => after[k] - before[k];
    return {
      row: up.row - up.change,
      done: up.done - up.change,
      first_screen: up.firstScreen,
      longest: up.longest,
      over100: up.over100,
      layouts: d("LayoutCount"),
      layout_ms: d("LayoutDuration") * 1000,
      style_ms: d("RecalcStyleDuration") * 1000,
      script_ms: d("ScriptDuration") * 1000,
      heap_mb: after.JSHeapUsedSize / 1e6,
    };
  } finally {
    await context.close();
  }
}

const med = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[Math.floor(s.length / 2)].toFixed(0)} (${s[0].toFixed(0)}–${s[s.length - 1].toFixed(0)})`;
};

const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
try {
  for (const file of files) {
    const got = { A: [], B: [] };
    for (const k of Object.keys(pages)) await run(browser, pages[k], file); // warm-up
    for (let i = 0; i < runs; i += 1) {
      for (const k of Object.keys(pages)) got[k].push(await run(browser, pages[k], file));
    }
    for (const k of Object.keys(pages)) {
      const r = got[k];
      console.log(
        `${file.split("/").pop()} ${k}: row ${med(r.map((x) => x.row))} done ${med(r.map((x) => x.done))} ` +
          `longest ${med(r.map((x) => x.longest))} over-100-ms ${med(r.map((x) => x.over100))} layouts ${med(r.map((x) => x.layouts))} layout ${med(r.map((x) => x.layout_ms))} ` +
          `style ${med(r.map((x) => x.style_ms))} script ${med(r.map((x) => x.script_ms))} first-screen ${r.map((x) => x.first_screen).join(",")}`,
      );
    }
    const ratio = (key) => {
      const m = (k) => [...got[k].map((x) => x[key])].sort((a, b) => a - b)[Math.floor(runs / 2)];
      return (m("B") / m("A")).toFixed(2);
    };
    console.log(`  B ÷ A: first row ${ratio("row")}×, done ${ratio("done")}×; load ${os.loadavg().map((l) => l.toFixed(1)).join(" / ")}`);
  }
} finally {
  await browser.close();
}
