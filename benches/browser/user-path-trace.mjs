// Which main-thread tasks are long on the user's path (issue 19): a Chromium trace of the shipped
// page from the file chosen to the import done, and for every task of 50 ms or more what it was
// (a timer, an animation frame, an event…), what it spent its time on (script, style, layout,
// paint, GC) and the page's own User Timing marks (`zb:…`, `browser::mark`) inside it.
//
//   ZHIBIAO_PAGE=dist/zhibiao.html node benches/browser/user-path-trace.mjs file.xlsx …
//
// With ZHIBIAO_PROFILE=1 also a CPU profile, and for each long task the functions with the most
// time (inclusive, from samples): build the page with `cargo xtask dist --names` and set
// ZHIBIAO_PAGE=dist/zhibiao-names.html so that Rust functions have their names.
import { chromium } from "playwright-core";
import fs from "node:fs";
import { CHROMIUM, LAUNCH_ARGS, PAGE_PATH as SHIPPED } from "../../tests/browser/harness.mjs";
import { openReady, pageUrl, watch } from "./page.mjs";

const PAGE_PATH = process.env.ZHIBIAO_PAGE || SHIPPED;
// ZHIBIAO_PROFILE_SELF=1: self time (the sampled function only), not inclusive.
const SELF = !!process.env.ZHIBIAO_PROFILE_SELF;
const LONG_MS = Number(process.env.ZHIBIAO_LONG_MS || 50);
const KINDS = {
  TimerFire: "timer",
  FireAnimationFrame: "frame",
  EventDispatch: "event",
  RunMicrotasks: "microtasks",
  ParseHTML: "parse",
  FireIdleCallback: "idle",
};
const PARTS = {
  FunctionCall: "script",
  EvaluateScript: "script",
  "v8.compile": "compile",
  UpdateLayoutTree: "style",
  Layout: "layout",
  PrePaint: "prepaint",
  Paint: "paint",
  Layerize: "layerize",
  MinorGC: "gc",
  MajorGC: "gc",
  "BlinkGC.AtomicPhase": "gc",
};

const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
try {
  for (const file of process.argv.slice(2)) {
    const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1366, height: 768 } });
    const page = await openReady(context, pageUrl(PAGE_PATH));
    await page.evaluate(watch);
    const cdp = await context.newCDPSession(page);
    const events = [];
    cdp.on("Tracing.dataCollected", (e) => events.push(...e.value));
    const complete = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
    await cdp.send("Tracing.start", {
      categories: "toplevel,devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing,v8",
      transferMode: "ReportEvents",
    });
    const profiling = !!process.env.ZHIBIAO_PROFILE;
    if (profiling) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 250 });
      await cdp.send("Profiler.start");
    }
    await page.locator('[data-testid="file-input"]').setInputFiles(file);
    await page.waitForFunction(() => window.__up.done !== undefined, null, { timeout: 600_000, polling: 50 });
    await page.waitForTimeout(300);
    const up = await page.evaluate(() => window.__up);
    const profile = profiling ? (await cdp.send("Profiler.stop")).profile : null;
    // ZHIBIAO_PROFILE_OUT=file.cpuprofile keeps the profile (DevTools opens it).
    if (profile && process.env.ZHIBIAO_PROFILE_OUT) fs.writeFileSync(process.env.ZHIBIAO_PROFILE_OUT, JSON.stringify(profile));
    await cdp.send("Tracing.end");
    await complete;
    await context.close();

    const main = events.find((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain");
    const on = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid);
    const marks = on.filter((e) => e.cat?.includes("blink.user_timing") && e.name.startsWith("zb:"));
    const tasks = on.filter((e) => e.ph === "X" && (e.name === "RunTask" || e.name === "ThreadControllerImpl::RunTask") && e.dur >= LONG_MS * 1000);
    console.log(`${file}: first row shown (drawn or in the DOM) ${Math.round(up.rowDom - up.change)} ms, painted ${Math.round(up.row - up.change)} ms, done ${Math.round(up.done - up.change)} ms, longest task ${Math.round(up.longest)} ms`);
    // RunTask and ThreadControllerImpl::RunTask wrap the same task: keep the outer one.
    let end = -1;
    const longest = {};
    for (const t of tasks.sort((a, b) => a.ts - b.ts || b.dur - a.dur)) {
      if (t.ts < end) continue;
      end = t.ts + t.dur;
      const inside = on.filter((e) => e !== t && e.ts >= t.ts && e.ts <= t.ts + t.dur);
      const kind = [...new Set(inside.filter((e) => KINDS[e.name]).map((e) => KINDS[e.name]))].join("+") || "other";
      const parts = {};
      for (const e of inside.filter((e) => e.ph === "X" && PARTS[e.name])) {
        // Only the outermost of nested events of one part (FunctionCall inside FunctionCall).
        const outer = inside.some((o) => o !== e && o.ph === "X" && PARTS[o.name] === PARTS[e.name] && o.ts <= e.ts && o.ts + o.dur >= e.ts + e.dur && o.dur > e.dur);
        if (!outer) parts[PARTS[e.name]] = (parts[PARTS[e.name]] || 0) + e.dur / 1000;
      }
      const sort = kind === "frame" ? "frame" : "script";
      longest[sort] = Math.max(longest[sort] || 0, t.dur / 1000);
      const named = inside.filter((e) => e.cat?.includes("blink.user_timing") && e.name.startsWith("zb:"));
      const at = (e) => `${e.name}@${Math.round((e.ts - t.ts) / 1000)}`;
      console.log(
        `  +${Math.round(t.ts / 1000 - (marks[0]?.ts ?? t.ts) / 1000)} ms: ${Math.round(t.dur / 1000)} ms ${kind}; ` +
          Object.entries(parts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ") +
          (named.length ? `; marks ${named.map(at).join(" ")}` : ""),
      );
      if (profile) console.log(hottest(profile, t.ts, t.ts + t.dur));
    }
    console.log(`  longest task (≥ ${LONG_MS} ms): animation frame ${Math.round(longest.frame || 0)} ms, other ${Math.round(longest.script || 0)} ms`);
    console.log(`  marks: ${marks.map((e) => `${e.name}@${Math.round((e.ts - (marks[0]?.ts ?? 0)) / 1000)}`).join(" ")}`);
  }
} finally {
  await browser.close();
}

/** The functions with the most samples between two trace times (µs), inclusive of callees. */
function hottest(profile, from, to) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const counts = new Map();
  let t = profile.startTime;
  let total = 0;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i];
    if (t < from || t > to) return;
    total += 1;
    const names = new Set();
    for (let at = id; at !== undefined; at = SELF && names.size ? undefined : parent.get(at)) {
      const f = byId.get(at).callFrame;
      names.add(f.functionName || `(${f.url.split("/").pop() || "anonymous"})`);
    }
    for (const n of names) counts.set(n, (counts.get(n) || 0) + 1);
  });
  // ZHIBIAO_PROFILE_FILTER=regex keeps only the functions it matches (e.g. `zhibiao::`).
  const only = process.env.ZHIBIAO_PROFILE_FILTER ? new RegExp(process.env.ZHIBIAO_PROFILE_FILTER) : null;
  const top = [...counts].filter(([n]) => !/^\((root|program|anonymous)\)$/.test(n) && (!only || only.test(n))).sort((a, b) => b[1] - a[1]).slice(0, 40);
  return top.map(([n, c]) => `      ${((100 * c) / Math.max(total, 1)).toFixed(0)}% ${n.slice(0, 140)}`).join("\n");
}
