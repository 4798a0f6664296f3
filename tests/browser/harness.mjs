// Shared helpers of the end-to-end tests: open dist/zhibiao.html from file:// in headless Chromium
// (Debian's /usr/bin/chromium; playwright-core never downloads a browser), watch for console errors,
// page errors, CSP violations and network requests, capture downloads, read exported workbooks
// back with zhibiao-cli, and take screenshots into target/screenshots/.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const TARGET_DIR = process.env.ZHIBIAO_TARGET_DIR || path.join(ROOT, "target");
export const PAGE_PATH = path.join(ROOT, "dist", "zhibiao.html");
export const PAGE_URL = pathToFileURL(PAGE_PATH).href;
export const FIXTURES = path.join(ROOT, "tests", "fixtures");
export const SCREENSHOTS = path.join(TARGET_DIR, "screenshots");
export const CLI = path.join(TARGET_DIR, "debug", "zhibiao-cli");
export const CHROMIUM = process.env.ZHIBIAO_CHROMIUM || "/usr/bin/chromium";

export const LAUNCH_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** How long the app may take to start, or to import a file. */
export const READY_TIMEOUT = 30_000;

/** The absolute path of a file under tests/fixtures/. */
export const fixture = (name) => path.join(FIXTURES, name);

/** The locator of one grid cell, by 1-based source row and Excel column letters. */
export const cellSelector = (row, col) =>
  `[data-testid="grid-cell"][data-row="${row}"][data-col="${col}"]`;

/**
 * Launches Chromium, opens the page from file:// and waits until the app is ready.
 * Registers cleanup (a final screenshot, then closing the browser) on the test context `t`.
 */
export async function openApp(t, options = {}) {
  const app = await launchApp(t, options);
  await app.waitUntilReady();
  return app;
}

/** Launches Chromium with a fresh profile and opens `url` (the page by default) without waiting for the app. */
export async function launchApp(t, { name = slug(t.name), url = PAGE_URL } = {}) {
  assert.ok(fs.existsSync(PAGE_PATH), `${PAGE_PATH} is missing: run \`cargo xtask dist\` first`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  const context = await browser.newContext({
    acceptDownloads: true,
    locale: "zh-CN",
    viewport: { width: 1400, height: 900 },
  });
  const app = new App(name, url, browser, context, await context.newPage());
  t.after(() => app.close());
  await app.goto();
  return app;
}

class App {
  constructor(name, url, browser, context, page) {
    this.name = name;
    this.url = url;
    this.browser = browser;
    this.context = context;
    this.page = page;
    this.consoleErrors = [];
    this.pageErrors = [];
    this.cspConsole = [];
    this.requests = [];
    this.failedRequests = new Map();
    this.listen();
  }

  listen() {
    this.context.on("request", (request) => this.requests.push(request.url()));
    this.context.on("requestfailed", (request) =>
      this.failedRequests.set(request.url(), request.failure()?.errorText ?? "failed"),
    );
    this.page.on("console", (message) => {
      const text = message.text();
      if (message.type() === "error") this.consoleErrors.push(text);
      if (/Content.Security.Policy/i.test(text)) this.cspConsole.push(text);
    });
    this.page.on("pageerror", (error) => this.pageErrors.push(String(error)));
    this.page.on("crash", () => this.pageErrors.push("the page crashed"));
  }

  /** Opens the page, recording CSP violations from the start. */
  async goto() {
    await this.context.addInitScript(() => {
      window.__zhibiaoCsp = [];
      document.addEventListener("securitypolicyviolation", (event) => {
        window.__zhibiaoCsp.push(
          `${event.effectiveDirective} blocked ${event.blockedURI || "(inline)"} ${event.sample || ""}`.trim(),
        );
      });
    });
    await this.page.goto(this.url, { waitUntil: "load" });
  }

  /** Waits until #app-loading is gone and the status bar is there; fails on a start-up error. */
  async waitUntilReady() {
    const ready = this.page
      .waitForFunction(
        () =>
          !document.getElementById("app-loading") &&
          document.querySelector('[data-testid="status-bar"]'),
        null,
        { timeout: READY_TIMEOUT },
      )
      .then(() => "ready");
    const failed = this.page
      .waitForSelector("#app-boot-error", { timeout: READY_TIMEOUT + 1_000 })
      .then(() => "failed");
    // The loser of the race keeps waiting until the browser closes: ignore its rejection.
    ready.catch(() => {});
    failed.catch(() => {});
    const outcome = await Promise.race([ready, failed]).catch((error) => {
      throw new Error(`the app did not become ready: ${error.message}\n${this.describeProblems()}`);
    });
    if (outcome === "failed") {
      const text = await this.page.locator("#app-boot-error").innerText();
      assert.fail(`the app could not start: ${text}\n${this.describeProblems()}`);
    }
  }

  /** The status bar's data-state. */
  async state() {
    return this.page.getByTestId("status-bar").getAttribute("data-state");
  }

  /** Waits until the status bar's data-state is one of `states`, then until the grid's DOM rows have
   * caught up with its canvas ([`App.synced`]). */
  async waitForState(states, timeout = READY_TIMEOUT) {
    await this.page.waitForFunction(
      (wanted) => wanted.includes(document.querySelector('[data-testid="status-bar"]')?.dataset.state),
      states,
      { timeout },
    );
    // A sheet just shown is painted by its canvas first; its DOM rows (what tests read) follow.
    await this.synced();
    return this.state();
  }

  /** Clicks 示例 and waits for the demo's first data row. */
  async loadDemo() {
    await this.page.getByTestId("demo-button").click();
    await this.page.waitForSelector(cellSelector(2, "C"), { timeout: READY_TIMEOUT });
    return this.waitForState(["ready", "error"]);
  }

  /** Chooses `file` in the file input (no waiting: the caller waits for what it expects). */
  async upload(file) {
    await this.page.getByTestId("file-input").setInputFiles(file);
  }

  /** Chooses `file` and waits until the grid shows cell `row`/`col` of it. */
  async uploadAndWaitFor(file, row, col) {
    await this.upload(file);
    await this.waitForState(["ready", "error"]);
    if ((await this.page.locator(cellSelector(row, col)).count()) === 0) await this.scrollToRow(row);
    await this.page.waitForSelector(cellSelector(row, col), { timeout: READY_TIMEOUT });
    return this.waitForState(["ready", "error"]);
  }

  /**
   * Scrolls the virtualised grid so that source row `row` is rendered (only the rows in view
   * are in the DOM). Rows above the body (titles, header) are always rendered.
   */
  async scrollToRow(row) {
    await this.page.evaluate((row) => {
      const el = document.querySelector('[data-testid="grid-scroll"]');
      if (!el) return;
      const start = Number(el.dataset.bodyStart || 0);
      el.scrollTop = Math.max(0, (row - 1 - start) * 26 - 52);
    }, row);
    await this.synced();
  }

  /**
   * Waits two frames (a scroll's event comes with the next one), then until the grid's DOM rows
   * have caught up with what its canvas shows (`data-mirror="synced"`; the DOM grid of
   * `?grid=dom` is always synced).
   */
  async synced() {
    await synced(this.page);
  }

  /** The text shown in one grid cell and where its value came from. */
  async cell(row, col) {
    if ((await this.page.locator(cellSelector(row, col)).count()) === 0) {
      await this.scrollToRow(row);
    }
    const locator = this.page.locator(cellSelector(row, col));
    await locator.waitFor({ state: "attached", timeout: 5_000 }).catch(() => {
      throw new Error(`no grid cell with data-row="${row}" data-col="${col}"`);
    });
    const [text, source] = await Promise.all([
      locator.innerText(),
      locator.getAttribute("data-source"),
    ]);
    return { text: text.trim(), source };
  }

  /** The grid cells rendered now, as { row, col, text, source }. */
  async renderedCells() {
    return this.page.$$eval('[data-testid="grid-cell"]', (nodes) =>
      nodes.map((node) => ({
        row: Number(node.dataset.row),
        col: node.dataset.col,
        text: node.innerText.trim(),
        source: node.dataset.source ?? null,
      })),
    );
  }

  /** Every grid cell of the sheet, scrolling the virtualised grid from top to bottom. */
  async cells() {
    const seen = new Map();
    const scroll = (top) =>
      this.page.evaluate((top) => {
        const el = document.querySelector('[data-testid="grid-scroll"]');
        if (!el) return { done: true };
        el.scrollTop = top;
        return { done: el.scrollTop + el.clientHeight >= el.scrollHeight - 1, step: el.clientHeight / 2 };
      }, top);
    let top = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const { done, step } = await scroll(top);
      await this.synced();
      for (const cell of await this.renderedCells()) seen.set(`${cell.row}:${cell.col}`, cell);
      if (done) break;
      top += Math.max(step, 26);
    }
    await scroll(0);
    return [...seen.values()];
  }

  /**
   * What autosave keeps in the page's IndexedDB: `journals` as { key, json, journal } (the
   * parsed JSON) and `files` as { key, size } (the kept file's bytes).
   */
  async autosaved() {
    return autosaved(this.page);
  }

  /** Runs `action` and saves the download it starts into a fresh temporary folder. */
  async download(action) {
    const [download] = await Promise.all([
      this.page.waitForEvent("download", { timeout: READY_TIMEOUT }),
      action(),
    ]);
    const failure = await download.failure();
    assert.equal(failure, null, `the download failed: ${failure}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhibiao-download-"));
    const file = path.join(dir, download.suggestedFilename() || "download.bin");
    await download.saveAs(file);
    return file;
  }

  /** Saves a full-page screenshot as target/screenshots/<test>-<label>.png. */
  async screenshot(label) {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, `${this.name}-${slug(label)}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }

  /** CSP violations seen by the page and by the console. */
  async cspViolations() {
    const inPage = await this.page.evaluate(() => window.__zhibiaoCsp ?? []).catch(() => []);
    return [...inPage, ...this.cspConsole];
  }

  /** Requests other than the page itself, data: and blob: URLs (even those the CSP then blocked). */
  forbiddenRequests() {
    const page = this.url.split("#")[0];
    return this.requests.filter(
      (url) => url.split("#")[0] !== page && !url.startsWith("data:") && !url.startsWith("blob:"),
    );
  }

  /** Asserts: no network request, no CSP violation, no uncaught error, and (unless allowed) no console error. */
  async assertClean({ allowConsoleErrors = false } = {}) {
    assert.deepEqual(this.forbiddenRequests(), [], "the page made network requests");
    assert.deepEqual(await this.cspViolations(), [], "Content-Security-Policy violations");
    assert.deepEqual(this.pageErrors, [], "uncaught errors in the page");
    if (!allowConsoleErrors) {
      assert.deepEqual(this.consoleErrors, [], "console errors");
    }
  }

  describeProblems() {
    const lines = [
      ...this.pageErrors.map((e) => `page error: ${e}`),
      ...this.consoleErrors.map((e) => `console error: ${e}`),
      ...this.forbiddenRequests().map((u) => `request: ${u}`),
    ];
    return lines.length ? lines.join("\n") : "(no console errors, page errors or requests)";
  }

  async close() {
    await this.screenshot("final").catch(() => {});
    await this.browser.close().catch(() => {});
  }
}

/** What autosave keeps in `page`'s IndexedDB (see `App.autosaved`). */
/** Writes `data` (text or bytes) to a file named `name` in a new temporary folder, removed when
 * the test `t` ends; returns the file's path. */
export function tempFile(t, name, data) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhibiao-test-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, name);
  fs.writeFileSync(file, data);
  return file;
}

/** [`App.synced`] for any page: two frames, then the grid's DOM rows caught up with the scroll. */
export async function synced(page, timeout = 10_000) {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.waitForFunction(
    () => document.querySelector('[data-testid="grid-scroll"]')?.dataset.mirror !== "behind",
    null,
    { timeout, polling: "raf" },
  );
}

export async function autosaved(page) {
  return page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open("zhibiao");
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = (store) =>
      new Promise((resolve, reject) => {
        if (!db.objectStoreNames.contains(store)) return resolve([]);
        const tx = db.transaction(store);
        const keys = tx.objectStore(store).getAllKeys();
        const values = tx.objectStore(store).getAll();
        tx.oncomplete = () => resolve(keys.result.map((key, i) => [key, values.result[i]]));
        tx.onerror = () => reject(tx.error);
      });
    const journals = (await all("journals")).map(([key, json]) => ({ key, json, journal: JSON.parse(json) }));
    const files = (await all("files")).map(([key, value]) => ({ key, size: value.size ?? value.length }));
    db.close();
    return { journals, files };
  });
}

/** Runs `zhibiao-cli report FILE` and returns its JSON. */
export function readReport(file) {
  assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`cargo build --bin zhibiao-cli\``);
  const run = spawnSync(CLI, ["report", file], { encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(
    run.status,
    0,
    `zhibiao-cli report ${file} failed (${run.status ?? run.signal}):\n${run.stderr}${run.stdout.slice(0, 2000)}`,
  );
  try {
    return JSON.parse(run.stdout);
  } catch (error) {
    throw new Error(`zhibiao-cli report printed no JSON (${error.message}):\n${run.stdout.slice(0, 2000)}`);
  }
}

function slug(text) {
  return String(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60) || "test";
}
