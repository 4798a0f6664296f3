// The user's path in the SHIPPED page (cargo xtask bench --user-path): dist/zhibiao.html from
// file:// in headless Chromium, a file chosen in the file input → the first data row painted →
// the import done (the progress bar gone, no first screen left, the status bar ready), next to
// SheetJS's bare `XLSX.read` of the same bytes (in Node: the same V8) and the native figures of
// benches/pipeline.rs (ZHIBIAO_USER_PATH_NATIVE, written before by the xtask).
//
// Input: ZHIBIAO_USER_PATH_FILES, a JSON list of {path, writer, rows}; ZHIBIAO_BENCH_RUNS runs
// per file (a fresh browser context each: no autosave comes back). Output:
// target/bench/user-path.json and user-path.md. Nothing asserts a time.
//
// "Painted" is the first animation frame after the DOM change, plus a task (rAF → setTimeout 0):
// the frame with the row has been produced by then. Each run's spans are computed in that run,
// then the medians are taken of the spans.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import { CHROMIUM, LAUNCH_ARGS, PAGE_PATH as SHIPPED, TARGET_DIR } from "../../tests/browser/harness.mjs";
import { openReady, watch } from "./page.mjs";

// ZHIBIAO_PAGE: another build of the page (e.g. the one before a change), else dist/zhibiao.html.
const PAGE_PATH = process.env.ZHIBIAO_PAGE || SHIPPED;
const PAGE_URL = pathToFileURL(PAGE_PATH).href;
const OUT_NAME = process.env.ZHIBIAO_USER_PATH_OUT || "user-path";

const require = createRequire(import.meta.url);
const files = JSON.parse(process.env.ZHIBIAO_USER_PATH_FILES || "[]");
const runs = Number(process.env.ZHIBIAO_BENCH_RUNS || 3);
const nativePath = process.env.ZHIBIAO_USER_PATH_NATIVE;
const outDir = path.join(TARGET_DIR, "bench");

let XLSX = null;
let sheetjsVersion = "not installed";
try {
  XLSX = require("xlsx");
  sheetjsVersion = XLSX.version;
} catch {
  // Reported as missing below.
}

async function pageRun(browser, file) {
  const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1366, height: 768 } });
  try {
    const page = await openReady(context, PAGE_URL);
    await page.evaluate(watch);
    await page.locator('[data-testid="file-input"]').setInputFiles(file);
    await page.waitForFunction(() => window.__up.done !== undefined, null, { timeout: 600_000, polling: 50 });
    const up = await page.evaluate(() => window.__up);
    return {
      first_row_ms: up.row - up.change,
      done_ms: up.done - up.change,
      first_screen: up.firstScreen,
      longest_task_ms: up.longest,
      status: up.status,
    };
  } finally {
    await context.close();
  }
}

function sheetjsRun(bytes) {
  const started = performance.now();
  XLSX.read(bytes, { type: "buffer" });
  return performance.now() - started;
}

const stat = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return { median_ms: s[Math.floor(s.length / 2)], min_ms: s[0], max_ms: s[s.length - 1] };
};

const native = nativePath && fs.existsSync(nativePath) ? JSON.parse(fs.readFileSync(nativePath, "utf8")) : { files: [] };
const nativeOf = (file) => native.files.find((f) => path.resolve(f.path) === path.resolve(file));

const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
const version = browser.version();
const results = [];
try {
  for (const f of files) {
    const bytes = fs.readFileSync(f.path);
    const page = [];
    const sheetjs = [];
    // A warm-up of each, then the runs.
    await pageRun(browser, f.path);
    if (XLSX) sheetjsRun(bytes);
    for (let i = 0; i < runs; i += 1) {
      page.push(await pageRun(browser, f.path));
      if (XLSX) sheetjs.push(sheetjsRun(bytes));
    }
    const r = {
      ...f,
      file: path.basename(f.path),
      bytes: bytes.length,
      first_row: stat(page.map((p) => p.first_row_ms)),
      done: stat(page.map((p) => p.done_ms)),
      longest_task: stat(page.map((p) => p.longest_task_ms)),
      first_screen_shown: page.every((p) => p.first_screen),
      status: [...new Set(page.map((p) => p.status))].join(","),
      sheetjs: XLSX ? stat(sheetjs) : null,
      native: nativeOf(f.path) ?? null,
    };
    results.push(r);
    console.log(
      `${r.file}: first row ${r.first_row.median_ms.toFixed(0)} ms, done ${r.done.median_ms.toFixed(0)} ms` +
        (r.sheetjs ? `, SheetJS ${r.sheetjs.median_ms.toFixed(0)} ms` : "") +
        (r.native ? `, native calamine ${r.native.calamine_read.median_ms.toFixed(0)} ms` : ""),
    );
  }
} finally {
  await browser.close();
}

const ms = (s) => (s ? `${Math.round(s.median_ms)} (${Math.round(s.min_ms)}–${Math.round(s.max_ms)})` : "—");
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(1)}×` : "—");
const lines = [
  `Machine: ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(" / ")} at the end; Chromium ${version}, Node ${process.version}, SheetJS ${sheetjsVersion}; page: ${PAGE_PATH} (${(fs.statSync(PAGE_PATH).size / 1e6).toFixed(2)} MB); ${runs} runs after a warm-up, medians (min–max) in ms.`,
  "",
  "| file | writer | rows | size | first row painted | import done | longest task | SheetJS `XLSX.read` | native calamine read | native import | first row ÷ calamine | SheetJS ÷ done |",
  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
];
for (const r of results) {
  const cal = r.native?.calamine_read;
  lines.push(
    `| ${r.file} | ${r.writer} | ${r.rows.toLocaleString("en")} | ${(r.bytes / 1e6).toFixed(2)} MB | ${ms(r.first_row)}${r.first_screen_shown ? "" : " (no first screen)"} | ${ms(r.done)} | ${ms(r.longest_task)} | ${ms(r.sheetjs)} | ${ms(cal)} | ${ms(r.native?.import)} | ${ratio(r.first_row.median_ms, cal?.median_ms)} | ${ratio(r.sheetjs?.median_ms, r.done.median_ms)} |`,
  );
}
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, `${OUT_NAME}.json`), JSON.stringify({ chromium: version, sheetjs: sheetjsVersion, runs, results }, null, 2));
fs.writeFileSync(path.join(outDir, `${OUT_NAME}.md`), lines.join("\n") + "\n");
console.log(lines.join("\n"));
