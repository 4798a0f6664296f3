// Where the time of a screen of scroll goes: a Chromium trace of 10 screens, summed by event.
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import { CHROMIUM, LAUNCH_ARGS, PAGE_PATH } from "../../tests/browser/harness.mjs";
const file = process.argv[2];
// ZHIBIAO_PAGE times another build of the page (an A/B with a copy of the old one).
const PAGE = process.env.ZHIBIAO_PAGE || PAGE_PATH;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1366, height: 768 } });
const page = await context.newPage();
await page.goto(pathToFileURL(PAGE).href);
await page.waitForFunction(() => !document.getElementById("app-loading") && document.querySelector('[data-testid="status-bar"]'));
await page.locator('[data-testid="file-input"]').setInputFiles(file);
await page.waitForFunction(() => document.querySelector('[data-testid="status-bar"]')?.getAttribute("data-state") === "ready" && !document.querySelector('[data-loading="true"]'), null, { timeout: 600000 });
await page.waitForTimeout(1500);
const cdp = await context.newCDPSession(page);
const events = [];
cdp.on("Tracing.dataCollected", (e) => events.push(...e.value));
const done = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
await cdp.send("Tracing.start", { categories: "devtools.timeline,disabled-by-default-devtools.timeline", transferMode: "ReportEvents" });
await page.evaluate(async () => {
  const el = document.querySelector('[data-testid="grid-scroll"]');
  const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  for (let i = 0; i < 10; i += 1) { el.scrollTop += el.clientHeight; await frames(); }
});
await cdp.send("Tracing.end");
await done;
const main = events.filter((e) => e.ph === "X" && e.dur);
// Only top-level events of the renderer main thread: find its tid from RunTask with FunctionCall.
const byName = {};
for (const e of main) byName[e.name] = (byName[e.name] || 0) + e.dur / 1000;
const top = Object.entries(byName).sort((a, b) => b[1] - a[1]).slice(0, 14);
console.log(top.map(([n, ms]) => `${n}: ${(ms / 10).toFixed(1)} ms/screen`).join("\n"));
const rows = await page.evaluate(() => ({ rows: document.querySelectorAll('[data-testid="sheet-grid"] tbody tr[data-row]').length, cells: document.querySelectorAll('[data-testid="sheet-grid"] [data-testid="grid-cell"]').length, nodes: document.getElementsByTagName("*").length }));
console.log(JSON.stringify(rows));
await browser.close();
