// Long work never freezes the page: a large import runs in slices with a progress bar, and the
// page keeps painting frames while it runs (issue 5, "Long work").
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { CLI, cellSelector, openApp, tempFile } from "./harness.mjs";
import { execFileSync } from "node:child_process";

const ROWS = 60_000;

function largePlan(t) {
  const lines = ["序号,指标名称,单位,2020年基期值,2025年目标值,2021年,2022年,2023年,2024年,2025年,牵头单位"];
  for (let i = 1; i <= ROWS; i += 1) {
    lines.push(`${i},指标${i},%,${(50 + (i % 40)).toFixed(1)},${(60 + (i % 40)).toFixed(1)},,,,,,单位${i % 31}`);
  }
  return tempFile(t, `plan-${ROWS}.csv`, lines.join("\n"));
}

/**
 * From now on, records every progress value shown (`text|aria-valuenow`), the frames painted
 * while the bar is up and the longest main-thread task (a diagnostic only: no test asserts a
 * time). `seen(page)` reads them.
 */
async function watchProgress(page) {
  await page.evaluate(() => {
    window.__progress = [];
    window.__frames = 0;
    window.__longest = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longest = Math.max(window.__longest, entry.duration);
    }).observe({ type: "longtask" });
    const seen = () => {
      const bar = document.querySelector('[data-testid="progress"]');
      if (bar) window.__progress.push(`${bar.textContent}|${bar.getAttribute("aria-valuenow")}`);
    };
    new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    const frame = () => {
      if (document.querySelector('[data-testid="progress"]')) window.__frames += 1;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
}

function seen(page) {
  return page.evaluate(() => ({ progress: window.__progress, frames: window.__frames, longest: window.__longest }));
}

test("a large import shows its progress and the page keeps painting", { timeout: 240_000 }, async (t) => {
  const file = largePlan(t);
  const app = await openApp(t, { name: "progress-large-import" });
  const page = app.page;
  await watchProgress(page);
  await app.upload(file);
  await page.waitForSelector('[data-testid="progress"]', { timeout: 30_000 });
  await app.screenshot("importing");
  await page.waitForSelector(cellSelector(2, "F"), { timeout: 180_000 });
  await page.waitForSelector('[data-testid="progress"]', { state: "detached", timeout: 60_000 });
  const { progress, frames } = await seen(page);
  const shown = [...new Set(progress)];
  t.diagnostic(`${shown.length} progress states, ${frames} frames painted during the import`);
  // Reported at the end of a slice, at most every 100 ms within a stage (browser.rs,
  // REPORT_MS): how many states a stage shows depends on the machine's speed (finding the table
  // may end within one slice and show none), not their order.
  const stages = ["读取单元格", "识别表格", "计算指标"];
  const states = shown.map((s) => {
    const [text, now] = s.split("|");
    return { stage: stages.findIndex((w) => text.startsWith(w)), now: Number(now) };
  });
  assert.ok(states.every((s) => s.stage >= 0), `every state names its stage: ${shown.join(", ")}`);
  assert.ok(states.length >= 3, `progress shown ${states.length} times: ${shown.join(", ")}`);
  const order = [...new Set(states.map((s) => s.stage))];
  assert.ok(order[0] === 0 && order.at(-1) === 2, `reading first, computing last: ${shown.join(", ")}`);
  for (let i = 1; i < states.length; i += 1) {
    const [a, b] = [states[i - 1], states[i]];
    assert.ok(b.stage > a.stage || (b.stage === a.stage && b.now >= a.now), `stages in order, each only forward: ${shown.join(", ")}`);
  }
  assert.ok(frames >= 5, `frames painted while importing: ${frames}`);
  assert.equal(await app.state(), "ready");
  // Row 2: 51.0 → 61.0: 2021 = 53.0; the last row: i = 60,000 → 50.0 → 60.0: 2021 = 52.0.
  assert.equal((await app.cell(2, "F")).text, "53.0");
  assert.equal((await app.cell(ROWS + 1, "F")).text, "52.0");
  await app.assertClean();
});

test("a file opened while another is importing is ignored, the first one wins", { timeout: 240_000 }, async (t) => {
  const file = largePlan(t);
  const app = await openApp(t, { name: "progress-busy" });
  const page = app.page;
  // 示例 clicked the moment the progress bar appears, while the import runs, does nothing.
  await page.evaluate(() => {
    window.__clicked = false;
    const observer = new MutationObserver(() => {
      if (!document.querySelector('[data-testid="progress"]')) return;
      observer.disconnect();
      document.querySelector('[data-testid="demo-button"]').click();
      window.__clicked = true;
    });
    observer.observe(document.body, { subtree: true, childList: true });
  });
  await app.upload(file);
  await page.waitForFunction(() => window.__clicked, null, { timeout: 30_000 });
  await page.waitForSelector(cellSelector(2, "F"), { timeout: 180_000 });
  await page.waitForSelector('[data-testid="progress"]', { state: "detached", timeout: 60_000 });
  assert.match(await page.getByTestId("status-bar").innerText(), new RegExp(`plan-${ROWS}\\.csv`));
  assert.equal((await app.cell(2, "B")).text, "指标1");
  await app.assertClean();
});

test("a large plan autosaves its edits and comes back after a reload", { timeout: 240_000 }, async (t) => {
  const file = largePlan(t);
  const app = await openApp(t, { name: "progress-large-autosave" });
  const page = app.page;
  await app.upload(file);
  await page.waitForSelector(cellSelector(2, "F"), { timeout: 180_000 });
  await page.waitForSelector('[data-testid="progress"]', { state: "detached", timeout: 60_000 });
  // Row 3 (i = 2): 52.0 → 62.0; base typed 42.0: 2021 = 42 + 20·0.2 = 46.0.
  await page.locator(cellSelector(3, "D")).click();
  await page.keyboard.press("F2");
  await page.getByTestId("cell-editor").fill("42.0");
  await page.keyboard.press("Enter");
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === "46.0", cellSelector(3, "F"));
  await page.waitForTimeout(1_500); // autosave writes a moment after the last change
  assert.equal(await app.state(), "ready", await page.getByTestId("status-bar").innerText());
  // What autosave writes after an edit is the journal of edits (one, here), not the 60,000 rows;
  // the file's bytes are kept once, beside it.
  const { journals, files } = await app.autosaved();
  assert.equal(journals.length, 1, `one slot: ${journals.map((j) => j.key)}`);
  const [{ json, journal }] = journals;
  assert.equal(journal.origin.kind, "file");
  assert.equal(journal.file_name, `plan-${ROWS}.csv`);
  assert.equal(journal.log.length, 1, "the one edit");
  assert.ok(json.length < 10_000, `the journal holds ${json.length} characters`);
  const kept = files.find((f) => f.key === journal.origin.key);
  assert.equal(kept?.size, fs.statSync(file).size, "the file's bytes are kept under the journal's key");
  assert.equal(await page.evaluate(() => localStorage.length), 0, "nothing in localStorage");
  await page.reload({ waitUntil: "load" });
  await app.waitUntilReady();
  await page.waitForSelector(cellSelector(3, "F"), { timeout: 180_000 });
  assert.equal((await app.cell(3, "F")).text, "46.0");
  assert.deepEqual(await app.cell(3, "D"), { text: "42.0", source: "manual" });
  assert.match(await page.getByTestId("status-bar").innerText(), /已恢复.*plan-60000\.csv/);
  await page.getByTestId("undo").click();
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === "54.0", cellSelector(3, "F"));
  await app.assertClean();
});

test("exporting a large plan shows its progress and the page keeps painting", { timeout: 300_000 }, async (t) => {
  const file = largePlan(t);
  const app = await openApp(t, { name: "progress-large-export" });
  const page = app.page;
  await app.upload(file);
  await page.waitForSelector(cellSelector(2, "F"), { timeout: 180_000 });
  await page.waitForSelector('[data-testid="progress"]', { state: "detached", timeout: 60_000 });
  const warnings = [];
  page.on("console", (message) => {
    if (message.type() === "warning") warnings.push(message.text());
  });
  await watchProgress(page);
  const [download] = await Promise.all([
    page.waitForEvent("download", { timeout: 240_000 }),
    page.getByTestId("export-xlsx").click(),
  ]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhibiao-export-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const saved = path.join(dir, download.suggestedFilename());
  await download.saveAs(saved);
  const { progress, frames, longest } = await seen(page);
  t.diagnostic(
    `${new Set(progress).size} progress states, ${frames} frames painted during the export, ` +
      `longest main-thread task ${Math.round(longest)} ms`,
  );
  assert.deepEqual(
    warnings.filter((w) => w.includes("exporting in the page")),
    [],
    "the export ran in the worker",
  );
  assert.ok(progress.some((p) => p.startsWith("写出工作簿")), `export progress shown: ${[...new Set(progress)].slice(0, 5)}`);
  assert.ok(frames >= 5, `frames painted while exporting: ${frames}`);
  // The workbook reads back: row 2's 2021 target is 53.0 (51.0 → 61.0).
  const report = JSON.parse(execFileSync(CLI, ["report", saved], { maxBuffer: 1 << 30 }).toString());
  const first = report.sheets[0].indicators[0];
  assert.equal(first.yearly["2021"].shown, "53.0");
  assert.equal(report.sheets[0].indicators.length, ROWS);
  await app.assertClean();
});
