// The grid at size in the SHIPPED page (cargo xtask bench --grid-path): dist/zhibiao.html from
// file:// in headless Chromium at 1366×768, one generated plan per size (ours, rust_xlsxwriter):
//
// - upload → painted, and the part of it after the import: the file chosen (`change`) → the
//   import done and painted (as in user-path.mjs), minus the import's own time, taken as
//   `change` → the last update of the progress bar (reading, finding the table, computing: the
//   import runs on the page in slices that report their progress). What remains is the page's
//   own work on the result (the document and results set, the grid's first render).
// - one screen of scroll: the grid scrolled down by its own height, timed to the frame after the
//   rows are painted (scroll → rAF → rAF: the canvas body paints in the first; the DOM grid of
//   `?grid=dom` or an older page builds its rows before it); "work" is that step minus two frames (16.7 ms
//   each at 60 Hz), the longest main-thread task while scrolling (Long Tasks API: only tasks of
//   50 ms or more are reported, so 0 means "none of 50 ms").
// - a keystroke in a cell: one character typed into the cell editor → the next frame painted;
//   and an edit committed (Enter) → the status next to it repainted.
//
// Input: ZHIBIAO_GRID_PATH_FILES, a JSON list of {path, rows}; ZHIBIAO_BENCH_RUNS runs per file
// (a fresh browser context each). Output: target/bench/grid-path.json and grid-path.md. Nothing
// asserts a time.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import { CHROMIUM, LAUNCH_ARGS, PAGE_PATH as SHIPPED, TARGET_DIR } from "../../tests/browser/harness.mjs";
import { openReady } from "./page.mjs";

const PAGE_PATH = process.env.ZHIBIAO_PAGE || SHIPPED;
const PAGE_URL = pathToFileURL(PAGE_PATH).href;
const files = JSON.parse(process.env.ZHIBIAO_GRID_PATH_FILES || "[]");
const runs = Number(process.env.ZHIBIAO_BENCH_RUNS || 3);
const SCREENS = Number(process.env.ZHIBIAO_GRID_PATH_SCREENS || 10);
const KEYS = Number(process.env.ZHIBIAO_GRID_PATH_KEYS || 5);
const FRAME = 1000 / 60;
const outDir = path.join(TARGET_DIR, "bench");

/** Installed before the file is chosen (as in user-path.mjs). */
function watchUpload() {
  const up = (window.__up = { longest: 0 });
  addEventListener("change", () => (up.change ??= performance.now()), true);
  const painted = (key) => requestAnimationFrame(() => setTimeout(() => (up[key] ??= performance.now()), 0));
  const check = () => {
    if (up.change === undefined) return;
    if (up.doneDom === undefined && document.querySelector('[data-testid="progress"]')) up.lastProgress = performance.now();
    const status = document.querySelector('[data-testid="status-bar"]')?.getAttribute("data-state");
    if (
      up.doneDom === undefined &&
      document.querySelector('[data-testid="sheet-grid"] tbody tr[data-row] [data-testid="grid-cell"]') &&
      !document.querySelector('[data-testid="progress"]') &&
      !document.querySelector('[data-loading="true"]') &&
      (status === "ready" || status === "error")
    ) {
      up.doneDom = performance.now();
      up.status = status;
      painted("done");
    }
  };
  new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
}

/** Scrolls the grid down one screen at a time; each step timed to the second frame after it. */
async function scrollScreens(screens) {
  const el = document.querySelector('[data-testid="grid-scroll"]');
  const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  let longest = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longest = Math.max(longest, e.duration);
  });
  obs.observe({ type: "longtask" });
  await frames();
  // The first row shown: as the canvas painted it (the body drawn on a canvas, whose DOM rows
  // catch up once scrolling rests), or the first DOM row (the DOM grid).
  const canvas = document.querySelector('[data-testid="grid-canvas"]');
  const firstRow = () =>
    canvas?.dataset.paintedRows ?? document.querySelector('[data-testid="sheet-grid"] tbody tr[data-row]')?.dataset.row;
  const steps = [];
  for (let i = 0; i < screens; i += 1) {
    const before = firstRow();
    const t0 = performance.now();
    el.scrollTop += el.clientHeight;
    await frames();
    const after = firstRow();
    steps.push({ ms: performance.now() - t0, moved: before !== after });
  }
  await new Promise((r) => setTimeout(r, 100));
  obs.disconnect();
  // The DOM rows caught up before the keystrokes (they click a DOM cell).
  while (el.dataset.mirror === "behind") await new Promise((r) => requestAnimationFrame(r));
  return { steps, longest };
}

/** Types characters into a cell's editor and commits an edit, each timed to the frame after. */
async function keystrokes(keys) {
  const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  // A cell of the first body row in view under a header that reads as an actual (完成/实际).
  const heads = [...document.querySelectorAll('[data-testid="sheet-grid"] thead [data-testid="grid-cell"]')];
  const head = heads.find((h) => /完成|实际/.test(h.textContent));
  const row = document.querySelector('[data-testid="sheet-grid"] tbody tr[data-row]:nth-child(4)');
  const cell = row?.querySelector(`[data-testid="grid-cell"][data-col="${head?.dataset.col}"]`);
  if (!cell) return { error: `no actual cell (header ${head?.textContent})` };
  cell.dispatchEvent(new MouseEvent("mousedown", { bubbles: true, button: 0 }));
  cell.dispatchEvent(new MouseEvent("dblclick", { bubbles: true }));
  await frames();
  const editor = document.querySelector('[data-testid="cell-editor"]');
  if (!editor) return { error: "no editor" };
  editor.value = "";
  editor.dispatchEvent(new Event("input", { bubbles: true }));
  await frames();
  const typed = [];
  for (let i = 0; i < keys; i += 1) {
    const t0 = performance.now();
    editor.value += String((i % 9) + 1);
    editor.dispatchEvent(new Event("input", { bubbles: true }));
    await frames();
    typed.push(performance.now() - t0);
  }
  const t0 = performance.now();
  editor.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
  await frames();
  const commit = performance.now() - t0;
  return { typed, commit };
}

async function pageRun(browser, file) {
  const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1366, height: 768 } });
  try {
    const page = await openReady(context, PAGE_URL);
    await page.evaluate(watchUpload);
    await page.locator('[data-testid="file-input"]').setInputFiles(file);
    await page.waitForFunction(() => window.__up.done !== undefined, null, { timeout: 900_000, polling: 100 });
    const up = await page.evaluate(() => window.__up);
    // Let the page settle (autosave, idle work) before scrolling.
    await page.waitForTimeout(1500);
    const scroll = await page.evaluate(scrollScreens, SCREENS);
    const keys = await page.evaluate(keystrokes, KEYS);
    return {
      upload_painted_ms: up.done - up.change,
      import_ms: up.lastProgress !== undefined ? up.lastProgress - up.change : null,
      after_import_ms: up.lastProgress !== undefined ? up.done - up.lastProgress : null,
      scroll_steps_ms: scroll.steps.map((s) => s.ms),
      scroll_moved: scroll.steps.every((s) => s.moved),
      scroll_longest_task_ms: scroll.longest,
      key_ms: keys.typed ?? [],
      commit_ms: keys.commit ?? null,
      key_error: keys.error ?? null,
    };
  } finally {
    await context.close();
  }
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const stat = (values) => {
  const s = values.filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  return s.length ? { median_ms: median(s), min_ms: s[0], max_ms: s[s.length - 1] } : null;
};

const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
const version = browser.version();
const results = [];
try {
  for (const f of files) {
    const all = [];
    for (let i = 0; i < runs; i += 1) {
      const r = await pageRun(browser, f.path);
      console.log(`${path.basename(f.path)} run ${i + 1}: ${JSON.stringify(r)}`);
      all.push(r);
    }
    // Per run: the median step; over runs: median (min–max) of those.
    const r = {
      ...f,
      file: path.basename(f.path),
      upload_painted: stat(all.map((a) => a.upload_painted_ms)),
      import: stat(all.map((a) => a.import_ms)),
      after_import: stat(all.map((a) => a.after_import_ms)),
      scroll_step: stat(all.map((a) => median(a.scroll_steps_ms))),
      scroll_work: stat(all.map((a) => median(a.scroll_steps_ms) - 2 * FRAME)),
      scroll_worst_step: stat(all.map((a) => Math.max(...a.scroll_steps_ms))),
      scroll_longest_task: stat(all.map((a) => a.scroll_longest_task_ms)),
      scroll_moved: all.every((a) => a.scroll_moved),
      key: stat(all.map((a) => (a.key_ms.length ? median(a.key_ms) : null))),
      commit: stat(all.map((a) => a.commit_ms)),
      key_error: all.map((a) => a.key_error).find((e) => e) ?? null,
    };
    results.push(r);
  }
} finally {
  await browser.close();
}

const ms = (s) => (s ? `${Math.round(s.median_ms)} (${Math.round(s.min_ms)}–${Math.round(s.max_ms)})` : "—");
const lines = [
  `Machine: ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(" / ")} at the end; Chromium ${version}; page: ${PAGE_PATH}; ${runs} runs, ${SCREENS} screens of scroll and ${KEYS} keystrokes per run; median (min–max) over runs, in ms. Work = step − 2 frames (33.3 ms).`,
  "",
  "| file | rows | scroll step | scroll work | slowest step | longest task while scrolling | keystroke → painted | edit committed → painted | upload → painted | import's own time | painted − import |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
];
for (const r of results) {
  lines.push(
    `| ${r.file} | ${r.rows.toLocaleString("en")} | ${ms(r.scroll_step)}${r.scroll_moved ? "" : " (did not move)"} | ${ms(r.scroll_work)} | ${ms(r.scroll_worst_step)} | ${ms(r.scroll_longest_task)} | ${ms(r.key)}${r.key_error ? ` (${r.key_error})` : ""} | ${ms(r.commit)} | ${ms(r.upload_painted)} | ${ms(r.import)} | ${ms(r.after_import)} |`,
  );
}
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, "grid-path.json"), JSON.stringify({ chromium: version, runs, results }, null, 2));
fs.writeFileSync(path.join(outDir, "grid-path.md"), lines.join("\n") + "\n");
console.log(lines.join("\n"));
