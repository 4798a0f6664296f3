// Merges target/bench/{native,size,browser}.json into results.json and writes results.md: the
// tables of the README's Performance section, with each goal of issue 7 and whether this run met it.
// Each input is optional (a --native-only run has no browser.json): missing rows say "–".

import fs from "node:fs";
import path from "node:path";

const readJson = (file) => {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
};

const ms = (t) => {
  if (t == null) return "–";
  const v = typeof t === "number" ? t : t.median_ms;
  if (v == null || Number.isNaN(v)) return "–";
  return v >= 100 ? `${Math.round(v).toLocaleString("en-US")} ms` : v >= 10 ? `${v.toFixed(1)} ms` : `${v.toFixed(2)} ms`;
};
const range = (t) => (t && t.min_ms != null ? `${ms(t)} (${ms(t.min_ms)}–${ms(t.max_ms)})` : ms(t));
const ratio = (a, b) => (a == null || b == null || !b ? null : a / b);
const x = (r) => (r == null ? "–" : `${r >= 10 ? r.toFixed(0) : r.toFixed(1)}×`);
const pct = (r) => (r == null ? "–" : `${(r * 100).toFixed(1)} %`);
const mb = (b) => (b == null ? "–" : `${(b / 1e6).toFixed(2)} MB`);
const rows = (n) => n.toLocaleString("en-US");
const med = (t) => (t ? t.median_ms : null);
const verdict = (ok) => (ok == null ? "not measured" : ok ? "**met**" : "**not met**");

/** Writes results.json and results.md into `dir`; returns the Markdown. */
export function report(dir) {
  const native = readJson(path.join(dir, "native.json"));
  const size = readJson(path.join(dir, "size.json"));
  const browser = readJson(path.join(dir, "browser.json"));
  const nativeFile = (name) => native?.files?.find((f) => f.name === name);
  const browserFile = (name) => browser?.files?.find((f) => f.name === name);
  const names = [
    ...new Set([...(browser?.files ?? []).map((f) => f.name), ...(native?.files ?? []).map((f) => f.name)]),
  ];
  const fileInfo = (name) => browserFile(name) ?? nativeFile(name);

  const md = [];
  const goals = [];
  md.push(`### Last run: ${browser?.date?.slice(0, 10) ?? new Date().toISOString().slice(0, 10)}`);
  md.push("");
  if (browser) {
    const m = browser.machine;
    const v = browser.versions;
    md.push(
      `Machine: ${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB, **shared** (${m.shared}; load average ` +
        `${m.loadavg_start.map((l) => l.toFixed(1)).join(" / ")} at the start). ` +
        `Chromium ${v.chromium} headless, Node ${v.node}, SheetJS ${v.sheetjs} (npm \`xlsx\`), ${v.rustc}, ` +
        `release builds (the page: wasm-opt -Oz as shipped).`,
    );
    md.push("");
  }
  md.push(
    "Medians (min–max) of the runs after a warm-up; the runs of one table were interleaved " +
      "(A B C A B C …) in one process, so ratios hold on a busy machine while absolute times are " +
      "context only. The browser figures come from ONE page load of the bench page.",
  );
  md.push("");

  // Import.
  md.push("#### Import: ours vs calamine vs SheetJS (browser, same bytes)");
  md.push("");
  md.push("| file | rows | size | our import (browser) | calamine raw read (in our wasm) | SheetJS `XLSX.read` | SheetJS ÷ ours | native calamine raw | browser import ÷ native calamine | native import |");
  md.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const name of names) {
    const info = fileInfo(name);
    const b = browserFile(name)?.timings ?? {};
    const n = nativeFile(name)?.stages ?? {};
    const vsSheetjs = ratio(med(b.sheetjs_read), med(b.ours_import));
    const vsNative = ratio(med(b.ours_import), med(n.calamine_cells));
    md.push(
      `| ${name} | ${rows(info.rows)} | ${mb(info.bytes)} | ${range(b.ours_import)} | ${range(b.calamine)} | ${range(b.sheetjs_read)} | ${x(vsSheetjs)} | ${ms(n.calamine_cells)} | ${x(vsNative)} | ${ms(n.import)} |`,
    );
    if (b.ours_import) {
      const want = info.format === "xlsx" ? 4 : 10;
      goals.push([`import ≥${want}× faster than SheetJS, ${name}`, x(vsSheetjs), vsSheetjs == null ? null : vsSheetjs >= want]);
      goals.push([`browser import within 2× of native calamine, ${name}`, x(vsNative), vsNative == null ? null : vsNative <= 2]);
    }
  }
  md.push("");

  // Where the import time goes.
  md.push("#### Where our import time goes (native medians; the xlsx sheet XML is inflated and parsed once per pass)");
  md.push("");
  md.push("| file | calamine open (zip, strings, styles) | + cells pass | styles pass (`worksheet_style`) | merges pass | xls check + formats (ours) | read → grid | detect | build plan | whole import | browser: read → grid | browser: calamine cells | browser: + styles pass |");
  md.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const name of names) {
    const n = nativeFile(name)?.stages ?? {};
    const b = browserFile(name)?.timings ?? {};
    const pass = (t) => (t && n.calamine_open ? Math.max(0, med(t) - med(n.calamine_open)) : null);
    md.push(
      `| ${name} | ${ms(n.calamine_open)} | ${ms(pass(n.calamine_cells))} | ${ms(pass(n.calamine_styles))} | ${ms(pass(n.calamine_merges))} | ${ms(n.xls_formats)} | ${ms(n.read)} | ${ms(n.detect)} | ${ms(n.build_plan)} | ${ms(n.import)} | ${ms(b.ours_read)} | ${ms(b.calamine)} | ${ms(b.calamine_styles)} |`,
    );
  }
  md.push("");

  // After the import.
  md.push("#### After the import (browser; native in brackets)");
  md.push("");
  md.push("| plan | compute | compute ÷ import | detect + build | our export | SheetJS `XLSX.write` (same cells) | ours ÷ SheetJS | JSON report |");
  md.push("|---|---:|---:|---:|---:|---:|---:|---:|");
  const afterNames = [...new Set([...(browser?.after_import ?? []).map((a) => a.name), ...names.filter((n) => n.endsWith(".xlsx"))])];
  for (const name of afterNames) {
    const a = browser?.after_import?.find((f) => f.name === name)?.timings ?? {};
    const n = nativeFile(name)?.stages ?? {};
    const imp = med(browserFile(name)?.timings?.ours_import);
    const share = ratio(med(a.compute), imp);
    const nativeShare = ratio(med(n.compute), med(n.import));
    const exportRatio = ratio(med(a.export), med(a.sheetjs_write));
    const nativeDetect = n.detect && n.build_plan ? med(n.detect) + med(n.build_plan) : null;
    md.push(
      `| ${name} | ${ms(a.compute)} [${ms(n.compute)}] | ${pct(share)} [${pct(nativeShare)}] | ${ms(a.detect)} [${ms(nativeDetect)}] | ${range(a.export)} [${ms(n.export)}] | ${range(a.sheetjs_write)} | ${x(exportRatio)} | ${ms(a.report)} [${ms(n.report)}] |`,
    );
    const r = fileInfo(name)?.rows;
    if (r === 100_000 && (a.compute || n.compute)) {
      const s = share ?? nativeShare;
      goals.push(["compute of 100,000 indicators under 5 % of the import", `${pct(share)} (native ${pct(nativeShare)})`, s == null ? null : s < 0.05]);
    }
    if (r === 20_000 && a.export) {
      goals.push(["export of 20,000 rows no slower than SheetJS's write", `ours ÷ SheetJS = ${x(exportRatio)}`, exportRatio == null ? null : exportRatio <= 1]);
    }
  }
  md.push("");

  // The page.
  if (browser) {
    md.push("#### The page: start-up and the grid (the app's own path: file input → grid painted)");
    md.push("");
    md.push("| page | HTML parsed | boot (wasm decode, compile, mount) | interactive |");
    md.push("|---|---:|---:|---:|");
    for (const [name, s] of Object.entries(browser.startup ?? {})) {
      md.push(`| ${name === "dist" ? "dist/zhibiao.html" : "bench page"} (${s.loads} loads) | ${range(s.html_parsed)} | ${range(s.boot)} | ${range(s.interactive)} |`);
    }
    md.push("");
    md.push("| plan | upload → grid painted | of which import + compute (medians above) | ≈ the rest: file read, views, grid render | layout | longest main-thread task | scroll step (one screen) | jump to the middle | DOM elements |");
    md.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    const engine = (name) => {
      const imp = med(browserFile(name)?.timings?.ours_import);
      const comp = med(browser.after_import?.find((a) => a.name === name)?.timings?.compute);
      return imp != null && comp != null ? imp + comp : null;
    };
    for (const g of browser.grid ?? []) {
      if (g.timed_out) {
        md.push(`| ${g.name} | did not finish in ${ms(g.timeout_ms)} | | | | | | | |`);
        continue;
      }
      const e = engine(g.name);
      md.push(
        `| ${g.name} | ${ms(g.first_render_ms)} | ${ms(e)} | ${ms(e == null ? null : Math.max(0, g.first_render_ms - e))} | ${ms(g.layout_ms)} | ${ms(g.longest_task_ms)} | ${range(g.scroll_step)} | ${ms(g.scroll_jump_ms)} | ${rows(g.dom_elements)} |`,
      );
    }
    md.push("");
    const small = browser.grid?.find((g) => g.rows === 2_000);
    const large = browser.grid?.find((g) => g.rows === 100_000);
    if (small && large) {
      const render = large.timed_out ? null : ratio(large.first_render_ms, small.first_render_ms);
      const scroll = large.timed_out ? null : ratio(large.scroll_step.median_ms, small.scroll_step.median_ms);
      goals.push(["grid first render: 100,000 rows as cheap as 2,000 (≤1.5×), upload → painted", large.timed_out ? `over ${ms(large.timeout_ms)}` : `${x(render)} (the import and compute before it)`, render == null ? false : render <= 1.5]);
      const dom = large.timed_out ? null : ratio(large.dom_elements, small.dom_elements);
      goals.push(["grid DOM: 100,000 rows no larger than 2,000 (virtualised)", dom == null ? "not reached" : `${rows(large.dom_elements)} vs ${rows(small.dom_elements)} elements`, dom == null ? false : dom <= 1.5]);
      goals.push(["grid scroll step: 100,000 rows as cheap as 2,000 (≤1.5×)", large.timed_out ? "not reached" : x(scroll), scroll == null ? false : scroll <= 1.5]);
      goals.push([
        "no freeze during a 100,000-row import (longest task ≤100 ms)",
        large.timed_out ? "page hung" : `longest task ${ms(large.longest_task_ms)}`,
        large.timed_out ? false : large.longest_task_ms != null && large.longest_task_ms <= 100,
      ]);
    }
  }

  // Memory.
  if (browser?.memory) {
    const m = browser.memory;
    const limit = 4 * m.xml_bytes;
    // The import runs in wasm: its JS heap growth is ~0; the page's own JS heap (the harness
    // holds every test file) is context, not the import's.
    const jsGrowth = Math.max(0, m.js_heap_after - m.js_heap_before);
    const peak = m.wasm_after + jsGrowth + m.input_bytes;
    md.push("#### Memory: one import of the largest .xlsx (first thing in the page)");
    md.push("");
    md.push("| file | uncompressed XML | wasm memory before → after (= peak: it never shrinks) | JS heap growth | input bytes | peak: wasm + JS growth + input | limit 4 × XML | page JS heap (context) | SheetJS's parsed workbook (JS heap) |");
    md.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    md.push(
      `| ${m.file} | ${mb(m.xml_bytes)} | ${mb(m.wasm_before)} → ${mb(m.wasm_after)} | ${mb(jsGrowth)} | ${mb(m.input_bytes)} | ${mb(peak)} | ${mb(limit)} | ${mb(m.js_heap_after)} | ${mb(m.sheetjs_workbook_js_heap)} |`,
    );
    md.push("");
    goals.push([`peak memory of a ${rows(m.rows)}-row .xlsx import under 4 × its XML`, `${mb(peak)} of ${mb(limit)} (${x(peak / m.xml_bytes)} the XML)`, peak < limit]);
  }

  // Size.
  if (size) {
    md.push("#### Size");
    md.push("");
    md.push(
      `dist/zhibiao.html: **${mb(size.page_bytes)} raw, ${mb(size.page_gzip_bytes)} gzipped**; the shipped wasm ${mb(size.wasm_bytes)} (${mb(size.wasm_gzip_bytes)} gzipped), ` +
        `inlined deflated (zopfli) and base64-encoded. Code by crate, from the unoptimised module's name section (${mb(size.raw_code_bytes)} of code and ${mb(size.raw_data_bytes)} of data before wasm-bindgen and wasm-opt; ` +
        `"shipped" scales each share to the shipped module):`,
    );
    md.push("");
    md.push("| crate | code before wasm-opt | share | ≈ shipped |");
    md.push("|---|---:|---:|---:|");
    for (const c of size.code_by_crate.slice(0, 16)) {
      const share = c.code_bytes / size.raw_code_bytes;
      md.push(`| ${c.crate} | ${(c.code_bytes / 1e3).toFixed(0)} kB | ${pct(share)} | ${((share * size.wasm_bytes * (size.raw_code_bytes / (size.raw_code_bytes + size.raw_data_bytes))) / 1e3).toFixed(0)} kB |`);
    }
    md.push("");
    goals.push(["dist/zhibiao.html under 2.5 MB raw", mb(size.page_bytes), size.page_bytes < 2.5e6]);
    goals.push(["dist/zhibiao.html under 1 MB gzipped", mb(size.page_gzip_bytes), size.page_gzip_bytes < 1e6]);
  }

  const goalLines = ["#### Goals (issue 7) in this run", "", "| goal | measured | |", "|---|---|---|"];
  for (const [goal, measured, ok] of goals) goalLines.push(`| ${goal} | ${measured} | ${verdict(ok)} |`);
  goalLines.push("");
  const intro = md.splice(0, 4);
  const text = [...intro, ...goalLines, ...md].join("\n");
  fs.writeFileSync(path.join(dir, "results.md"), text);
  fs.writeFileSync(
    path.join(dir, "results.json"),
    JSON.stringify({ native, size, browser, goals: goals.map(([goal, measured, met]) => ({ goal, measured, met })) }, null, 2),
  );
  console.log(`bench: wrote ${path.join(dir, "results.md")} and results.json`);
  return text;
}
