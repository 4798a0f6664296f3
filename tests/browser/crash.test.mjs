// Crash safety: an autosaved plan survives Chromium killed in the middle of a session
// (SIGKILL, no chance to clean up) a second after the last edit; a new Chromium on the same
// profile shows the plan and the edit.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { chromium } from "playwright-core";
import { CHROMIUM, LAUNCH_ARGS, PAGE_URL, READY_TIMEOUT, cellSelector, fixture } from "./harness.mjs";

/** Starts Chromium on `profile` and connects to it over the DevTools protocol (loopback only). */
async function start(profile) {
  const proc = spawn(CHROMIUM, [...LAUNCH_ARGS, `--user-data-dir=${profile}`, "--remote-debugging-port=0", "about:blank"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const endpoint = await new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`no DevTools endpoint:\n${text}`)), READY_TIMEOUT);
    proc.stderr.on("data", (chunk) => {
      text += chunk;
      const match = /DevTools listening on (ws:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    proc.on("exit", () => reject(new Error(`chromium exited:\n${text}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint);
  const context = browser.contexts()[0];
  const page = context.pages()[0] ?? (await context.newPage());
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(PAGE_URL, { waitUntil: "load" });
  await page.waitForFunction(() => !document.getElementById("app-loading"), null, { timeout: READY_TIMEOUT });
  return { proc, browser, page };
}

const textOf = (page, row, col) =>
  page.evaluate((sel) => document.querySelector(sel)?.textContent ?? null, cellSelector(row, col));

test("an edit made a second before Chromium is killed survives", { timeout: 120_000 }, async (t) => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "zhibiao-profile-"));
  t.after(() => fs.rmSync(profile, { recursive: true, force: true }));

  const first = await start(profile);
  t.after(() => first.proc.kill("SIGKILL"));
  await first.page.getByTestId("file-input").setInputFiles(fixture("qinglan-county-2021-2025-plan.xlsx"));
  await first.page.waitForSelector(cellSelector(16, "G"), { timeout: READY_TIMEOUT });
  await first.page.locator(cellSelector(16, "E")).click();
  await first.page.keyboard.type("10.0");
  await first.page.keyboard.press("Enter");
  const edited = Date.now();
  await first.page.waitForFunction((sel) => document.querySelector(sel)?.textContent === "10.2", cellSelector(16, "G"));
  // Autosave commits each change to IndexedDB in its own transaction at once (durability
  // "strict"); the edit above is a second old when the browser dies. (With localStorage, which
  // Chromium writes to disk about 5 s late, it was lost.)
  await first.page.waitForTimeout(1_000 - (Date.now() - edited));
  // The next edit is still being typed when the browser dies.
  await first.page.locator(cellSelector(16, "F")).click();
  await first.page.keyboard.type("12");
  first.proc.kill("SIGKILL");
  const killedAfter = Date.now() - edited;
  await new Promise((resolve) => first.proc.once("exit", resolve));
  assert.ok(killedAfter < 1_500, `killed ${killedAfter} ms after the edit`);

  const second = await start(profile);
  t.after(() => second.proc.kill("SIGKILL"));
  await second.page.waitForSelector(cellSelector(16, "G"), { timeout: READY_TIMEOUT });
  assert.equal(await textOf(second.page, 16, "E"), "10.0", `the edit made ${killedAfter} ms before the kill is back`);
  assert.equal(await textOf(second.page, 16, "G"), "10.2");
  assert.equal(await textOf(second.page, 16, "F"), "11.0", "the unfinished edit was never committed");
  assert.match(await second.page.getByTestId("status-bar").innerText(), /已恢复/);
  // Nothing is left in localStorage: the journal lives in IndexedDB.
  assert.equal(await second.page.evaluate(() => localStorage.length), 0);
  await second.browser.close().catch(() => {});
});
