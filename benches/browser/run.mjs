// The in-browser comparison, run by `cargo xtask bench` (which first builds the bench page and the
// plans): in ONE page load of target/bench/zhibiao-bench.html (the app built with the `bench-api`
// feature, src/bench_api.rs) in headless Chromium, time
// - our import (bytes → plan, detection included), our reading stage, and calamine's raw read inside
//   our wasm, against SheetJS's XLSX.read on the same bytes;
// - our export against SheetJS's XLSX.write of the same cells (our export read back by SheetJS);
// - compute, detection and the JSON report;
// - the app's own path: upload through the file input → grid painted, scroll steps, and the longest
//   main-thread task (the stall) on each size;
// - the start-up of dist/zhibiao.html and of the bench page (HTML parsed → app interactive);
// - peak memory of a 100,000-row .xlsx import (wasm linear memory + JS heap + the input).
// Every timing: a warm-up, then runs interleaved (A B C A B C …) so a busy machine slows all alike;
// medians with min–max. Then writes target/bench/browser.json, and merges native.json (cargo bench)
// and size.json into results.json and results.md. Nothing is asserted: goals are reported.
//
//   node benches/browser/run.mjs                # what cargo xtask bench runs
//   node benches/browser/run.mjs --report-only  # only rewrite results.md from the JSON files
//
// Environment: ZHIBIAO_TARGET_DIR, ZHIBIAO_BENCH_PAGE, ZHIBIAO_BENCH_SIZES (2000,20000,100000),
// ZHIBIAO_BENCH_RUNS (runs per timing), ZHIBIAO_BENCH_GRID_TIMEOUT_MS (300000), ZHIBIAO_CHROMIUM.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { report } from "./report.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TARGET = process.env.ZHIBIAO_TARGET_DIR || path.join(ROOT, "target");
const OUT = path.join(TARGET, "bench");
const BENCH_PAGE = process.env.ZHIBIAO_BENCH_PAGE || path.join(OUT, "zhibiao-bench.html");
const DIST_PAGE = path.join(ROOT, "dist", "zhibiao.html");
const CHROMIUM = process.env.ZHIBIAO_CHROMIUM || "/usr/bin/chromium";
const SHEETJS = path.join(ROOT, "node_modules", "xlsx", "dist", "xlsx.full.min.js");
const SIZES = (process.env.ZHIBIAO_BENCH_SIZES || "2000,20000,100000").split(",").map(Number);
const GRID_TIMEOUT = Number(process.env.ZHIBIAO_BENCH_GRID_TIMEOUT_MS || 300_000);
const STARTUP_LOADS = 5;
const SCROLL_STEPS = 15;
const XLS_MAX_DATA_ROWS = 65_534;

/** Runs per timing after the warm-up (fewer on large plans). */
const runsFor = (rows) =>
  Number(process.env.ZHIBIAO_BENCH_RUNS) || (rows <= 5_000 ? 15 : rows <= 50_000 ? 7 : 3);

const LAUNCH_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // Measuring: exact heap sizes, gc() between runs, frames not held to 60 Hz.
  "--enable-precise-memory-info",
  "--js-flags=--expose-gc",
  "--disable-gpu-vsync",
  "--disable-frame-rate-limit",
];

/** Injected before any page script: app-ready time and long tasks. */
function initScript() {
  window.__bench = { appReady: null, longTasks: [] };
  const ready = () =>
    !document.getElementById("app-loading") && document.querySelector('[data-testid="status-bar"]');
  const observer = new MutationObserver(() => {
    if (window.__bench.appReady === null && ready()) {
      window.__bench.appReady = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.__bench.longTasks.push({ start: e.startTime, duration: e.duration });
      }
    }).observe({ type: "longtask", buffered: true });
  } catch {
    // No long-task timing in this browser: the stall is then reported as unknown.
  }
}

const log = (...args) => console.log("bench:", ...args);

async function main() {
  if (process.argv.includes("--report-only")) {
    report(OUT);
    return;
  }
  const { chromium } = await import("playwright-core");
  const manifest = JSON.parse(fs.readFileSync(path.join(OUT, "data", "manifest.json"), "utf8"));
  const wanted = (f) =>
    f.format === "xlsx"
      ? SIZES.includes(f.rows)
      : SIZES.some((n) => Math.min(n, XLS_MAX_DATA_ROWS) === f.rows);
  const files = manifest.filter(wanted);
  for (const page of [BENCH_PAGE, SHEETJS]) {
    if (!fs.existsSync(page)) throw new Error(`${page} is missing: run \`cargo xtask bench\``);
  }

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpu: os.cpus()[0]?.model ?? "unknown",
      cores: os.cpus().length,
      memory_gb: Math.round(os.totalmem() / 2 ** 30),
      loadavg_start: os.loadavg(),
      shared: "with other engineers' builds and tests",
    },
    versions: {
      chromium: browser.version(),
      node: process.version,
      rustc: process.env.ZHIBIAO_RUSTC || "",
      playwright: JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/playwright-core/package.json"))).version,
    },
    files: [],
    after_import: [],
    grid: [],
    problems: [],
  };
  try {
    // Start-up: fresh pages, the shipped page and the bench page.
    const pages = [["dist", DIST_PAGE], ["bench", BENCH_PAGE]].filter(([, file]) => fs.existsSync(file));
    log(`start-up: ${pages.map(([, f]) => path.basename(f)).join(" and ")}, one warm-up then ${STARTUP_LOADS} loads each, alternating`);
    result.startup = await startup(browser, pages);

    // Everything else: ONE page load of the bench page.
    const context = await browser.newContext({
      bypassCSP: true, // only to inject SheetJS; the shipped page keeps its policy
      locale: "zh-CN",
      viewport: { width: 1400, height: 900 },
    });
    await context.addInitScript(initScript);
    const page = await context.newPage();
    page.on("pageerror", (e) => result.problems.push(`page error: ${e}`));
    page.on("crash", () => result.problems.push("the page crashed"));
    page.on("console", (m) => m.type() === "error" && result.problems.push(`console: ${m.text()}`));
    await page.goto(pathToFileURL(BENCH_PAGE).href, { waitUntil: "load" });
    await page.waitForFunction(() => window.__bench.appReady !== null, null, { timeout: 60_000 });
    for (const f of files) {
      await page.evaluate(
        ([name, b64]) => {
          window.__files ??= {};
          const bin = atob(b64);
          const bytes = new Uint8Array(bin.length);
          for (let i = 0; i < bin.length; i += 1) bytes[i] = bin.charCodeAt(i);
          window.__files[name] = bytes;
        },
        [f.name, fs.readFileSync(f.path).toString("base64")],
      );
    }

    // Memory first, while the wasm memory has not grown yet: it never shrinks, so its size
    // after the import is the import's peak.
    const largest = files.filter((f) => f.format === "xlsx").sort((a, b) => b.rows - a.rows)[0];
    if (largest) {
      log(`memory: one import of ${largest.name}`);
      result.memory = { file: largest.name, rows: largest.rows, xml_bytes: largest.xml_bytes, ...(await memory(page, largest.name)) };
    }

    // SheetJS only now, so the JS heap above is the app's own.
    await page.addScriptTag({ path: SHEETJS });
    result.versions.sheetjs = await page.evaluate(() => XLSX.version);
    log(`SheetJS ${result.versions.sheetjs}, Chromium ${result.versions.chromium}`);
    if (largest) {
      result.memory.sheetjs_workbook_js_heap = await page.evaluate((name) => {
        gc();
        const js0 = performance.memory.usedJSHeapSize;
        let wb = XLSX.read(window.__files[name], { type: "array" });
        const held = performance.memory.usedJSHeapSize - js0;
        wb = null;
        gc();
        return held;
      }, largest.name);
    }

    // Reading: ours, calamine and SheetJS side by side.
    for (const f of files) {
      const runs = runsFor(f.rows);
      log(`read ${f.name}: ${runs} runs after a warm-up`);
      const fns = ["ours_import", "ours_read", "calamine", ...(f.format === "xlsx" ? ["calamine_styles"] : []), "sheetjs_read"];
      const timings = await sideBySide(page, f.name, fns, runs);
      result.files.push({ name: f.name, format: f.format, rows: f.rows, bytes: f.bytes, xml_bytes: f.xml_bytes, runs, timings });
      printTimings(timings);
    }

    // After the import: detection, compute, export (and SheetJS's write of the same cells), report.
    for (const f of files.filter((f) => f.format === "xlsx")) {
      const runs = Number(process.env.ZHIBIAO_BENCH_RUNS) || (f.rows <= 5_000 ? 9 : f.rows <= 50_000 ? 5 : 3);
      log(`after import ${f.name}: ${runs} runs after a warm-up`);
      // The export goal is on 20,000 rows; on larger plans only what the other goals need.
      const stages = f.rows <= 20_000 ? ["detect", "compute", "export", "sheetjs_write", "report"] : ["detect", "compute"];
      const timings = await sideBySide(page, f.name, stages, runs, true, stages.includes("sheetjs_write"));
      result.after_import.push({ name: f.name, rows: f.rows, runs, timings });
      printTimings(timings);
    }
    await page.evaluate(() => window.zhibiaoBench.clear());

    // The app's own path, smallest first: a hung page ends the grid measurements.
    for (const f of files.filter((f) => f.format === "xlsx").sort((a, b) => a.rows - b.rows)) {
      log(`grid ${f.name}: upload → painted, then ${SCROLL_STEPS} scroll steps`);
      const grid = await gridRender(page, f);
      result.grid.push({ name: f.name, rows: f.rows, ...grid });
      log(`  ${JSON.stringify(grid)}`);
      if (grid.timed_out) break;
    }
    await context.close().catch(() => {});
  } finally {
    result.machine.loadavg_end = os.loadavg();
    await browser.close().catch(() => {});
    fs.mkdirSync(OUT, { recursive: true });
    fs.writeFileSync(path.join(OUT, "browser.json"), JSON.stringify(result, null, 2));
    log(`wrote ${path.join(OUT, "browser.json")}`);
  }
  report(OUT);
}

/**
 * Loads each page once to warm up, then STARTUP_LOADS times each, alternating, in fresh contexts:
 * HTML parsed, app interactive.
 */
async function startup(browser, pages) {
  const loads = Object.fromEntries(pages.map(([name]) => [name, []]));
  for (let i = 0; i <= STARTUP_LOADS; i += 1) {
    for (const [name, file] of pages) {
      const load = await startupOnce(browser, pathToFileURL(file).href);
      if (i > 0) loads[name].push(load);
    }
  }
  const out = {};
  for (const [name, list] of Object.entries(loads)) {
    const pick = (key) => stats(list.map((l) => l[key]));
    out[name] = { loads: list.length, html_parsed: pick("html_parsed_ms"), boot: pick("boot_ms"), interactive: pick("interactive_ms") };
  }
  return out;
}

/** One load of `url` in a fresh context. */
async function startupOnce(browser, url) {
  {
    const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1400, height: 900 } });
    await context.addInitScript(initScript);
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "load" });
    await page.waitForFunction(() => window.__bench.appReady !== null, null, { timeout: 60_000 });
    const load = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      return {
        html_parsed_ms: nav.domInteractive - nav.startTime,
        interactive_ms: window.__bench.appReady - nav.startTime,
        boot_ms: window.__bench.appReady - nav.domInteractive,
      };
    });
    await context.close();
    return load;
  }
}

/**
 * Peak memory of one import: the wasm linear memory after it (it never shrinks, so this is the
 * peak), the page's JS heap (before SheetJS is loaded), and the input bytes held by JS.
 */
async function memory(page, name) {
  return page.evaluate((name) => {
    const B = window.zhibiaoBench;
    const bytes = window.__files[name];
    gc();
    const before = { wasm: B.memoryBytes(), js: performance.memory.usedJSHeapSize };
    const t0 = performance.now();
    const indicators = B.import(bytes);
    const ms = performance.now() - t0;
    const after = { wasm: B.memoryBytes(), js: performance.memory.usedJSHeapSize };
    return {
      indicators,
      import_ms: ms,
      wasm_before: before.wasm,
      wasm_after: after.wasm,
      js_heap_before: before.js,
      js_heap_after: after.js,
      input_bytes: bytes.length,
      peak_bytes: after.wasm + Math.max(before.js, after.js) + bytes.length,
    };
  }, name);
}

/**
 * Times `names` on file `fileName` in the page: one warm-up of each, then `runs` rounds of each in
 * turn, gc() before every call. With `prepared`, the stages after the import work on one
 * prepared import (zhibiaoBench.prepare), and SheetJS writes our export read back.
 */
async function sideBySide(page, fileName, names, runs, prepared = false, sheetjsWorkbook = false) {
  const samples = await page.evaluate(
    ({ fileName, names, runs, prepared, sheetjsWorkbook }) => {
      const B = window.zhibiaoBench;
      const bytes = window.__files[fileName];
      let workbook = null;
      if (prepared) B.prepare(bytes);
      if (sheetjsWorkbook) workbook = XLSX.read(B.exportXlsx(), { type: "array", cellNF: true });
      const fns = {
        ours_import: () => B.import(bytes),
        ours_read: () => B.read(bytes),
        calamine: () => B.calamine(bytes, false),
        calamine_styles: () => B.calamine(bytes, true),
        sheetjs_read: () => XLSX.read(bytes, { type: "array" }),
        detect: () => B.detect(),
        compute: () => B.compute(),
        export: () => B.exportXlsx(),
        // compression: true, as our export deflates (SheetJS stores by default: 10× larger files).
        sheetjs_write: () => XLSX.write(workbook, { type: "array", bookType: "xlsx", compression: true }),
        report: () => B.report(),
      };
      const out = Object.fromEntries(names.map((n) => [n, []]));
      for (let round = 0; round <= runs; round += 1) {
        for (const name of names) {
          gc();
          const t0 = performance.now();
          fns[name]();
          const ms = performance.now() - t0;
          if (round > 0) out[name].push(ms);
        }
      }
      return out;
    },
    { fileName, names, runs, prepared, sheetjsWorkbook },
  );
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stats(v)]));
}

/**
 * The app's path for one file: back to the demo, then upload through the file input and time
 * change event → the file's first row in the DOM → layout → next frame; the long tasks in between; then
 * scroll steps of ~one screen (scroll → two frames) and one jump to the middle.
 */
async function gridRender(page, file) {
  await page.getByTestId("demo-button").click();
  await page.waitForSelector('[data-testid="grid-cell"][data-row="2"]', { timeout: GRID_TIMEOUT });
  // The new file is on screen when its first indicator's name is (the title and header rows are
  // 1 and 2): with a virtualised grid the last row is never in the DOM, without one it is built
  // in the same pass as the first.
  const firstName = "监测指标00001";
  await page.evaluate((firstName) => {
    const g = (window.__grid = { change: null, dom: null, layout: null, frame: null });
    const input = document.querySelector('[data-testid="file-input"]');
    input.addEventListener(
      "change",
      () => {
        g.change = performance.now();
        const poll = () => {
          const cell = document.querySelector('[data-testid="grid-cell"][data-row="3"][data-col="C"]');
          if (cell && cell.textContent.includes(firstName)) {
            g.dom = performance.now();
            document.querySelector('[data-testid="sheet-grid"]').getBoundingClientRect();
            g.layout = performance.now();
            requestAnimationFrame(() => {
              g.frame = performance.now();
            });
          } else {
            requestAnimationFrame(poll);
          }
        };
        requestAnimationFrame(poll);
      },
      { once: true, capture: true },
    );
  }, firstName);
  await page.getByTestId("file-input").setInputFiles(file.path);
  try {
    await page.waitForFunction(() => window.__grid.frame !== null, null, { timeout: GRID_TIMEOUT, polling: 250 });
  } catch (error) {
    return { timed_out: true, timeout_ms: GRID_TIMEOUT, error: String(error).split("\n")[0] };
  }
  return page.evaluate(async (steps) => {
    const g = window.__grid;
    const tasks = window.__bench.longTasks.filter((t) => t.start + t.duration >= g.change - 1 && t.start <= g.frame);
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
    const grid = document.querySelector('[data-testid="sheet-grid"]');
    let scroller = grid.parentElement;
    while (scroller && !(scroller.scrollHeight > scroller.clientHeight + 1 && /(auto|scroll)/.test(getComputedStyle(scroller).overflowY))) {
      scroller = scroller.parentElement;
    }
    scroller ??= document.scrollingElement;
    await frame();
    await frame();
    const times = [];
    for (let i = 0; i < steps; i += 1) {
      const t0 = performance.now();
      scroller.scrollTop += Math.max(200, scroller.clientHeight * 0.9);
      await frame();
      await frame();
      times.push(performance.now() - t0);
    }
    const t0 = performance.now();
    scroller.scrollTop = scroller.scrollHeight / 2;
    await frame();
    await frame();
    const jump = performance.now() - t0;
    scroller.scrollTop = 0;
    await frame();
    const sorted = [...times].sort((a, b) => a - b);
    return {
      first_render_ms: g.frame - g.change,
      until_dom_ms: g.dom - g.change,
      layout_ms: g.layout - g.dom,
      longest_task_ms: tasks.length ? Math.max(...tasks.map((t) => t.duration)) : null,
      long_tasks_total_ms: tasks.reduce((s, t) => s + t.duration, 0),
      scroll_step: {
        median_ms: sorted[Math.floor(sorted.length / 2)],
        min_ms: sorted[0],
        max_ms: sorted[sorted.length - 1],
        runs: sorted.length,
      },
      scroll_jump_ms: jump,
      dom_elements: document.getElementsByTagName("*").length,
      rendered_rows: grid.querySelectorAll("tbody tr").length,
      js_heap_bytes: performance.memory.usedJSHeapSize,
      wasm_bytes: window.zhibiaoBench.memoryBytes(),
    };
  }, SCROLL_STEPS);
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median_ms: median, min_ms: s[0], max_ms: s[s.length - 1], runs: s.length };
}

function printTimings(timings) {
  for (const [name, t] of Object.entries(timings)) {
    log(`  ${name.padEnd(16)} median ${t.median_ms.toFixed(1).padStart(9)} ms  (min ${t.min_ms.toFixed(1)}, max ${t.max_ms.toFixed(1)})`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
