// (a) The page starts from file:// with no console error, no CSP violation and no network request;
// and when it cannot start, it says so in the page.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { pathToFileURL } from "node:url";
import { launchApp, openApp, PAGE_PATH } from "./harness.mjs";

test("page loads from file:// cleanly", { timeout: 60_000 }, async (t) => {
  const app = await openApp(t, { name: "load" });
  await app.screenshot("loaded");

  assert.ok(await app.page.getByTestId("status-bar").isVisible(), "the status bar is visible");
  assert.equal(await app.state(), "empty", "status bar data-state before anything is loaded");
  for (const id of ["file-input", "demo-button"]) {
    assert.equal(await app.page.getByTestId(id).count(), 1, `one element with data-testid="${id}"`);
  }
  assert.equal(await app.page.title(), "指标 Zhibiao");
  // Give late work (timers, lazy effects) a moment to misbehave before checking.
  await app.page.waitForTimeout(500);
  await app.assertClean();
});

test("a damaged page shows a Chinese start-up error", { timeout: 60_000 }, async (t) => {
  // The same page with the inlined wasm replaced by bytes that are not a module: the module
  // script (and so its CSP hash) is unchanged, only the data block differs.
  const html = fs.readFileSync(PAGE_PATH, "utf8");
  const damaged = html.replace(
    /(<script type="application\/octet-stream" id="zhibiao-wasm">)[^<]*(<\/script>)/,
    "$1AAECAwQF$2",
  );
  assert.notEqual(damaged, html, "the page has the #zhibiao-wasm data block");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhibiao-damaged-"));
  const file = path.join(dir, "zhibiao.html");
  fs.writeFileSync(file, damaged);

  const app = await launchApp(t, { name: "damaged", url: pathToFileURL(file).href });
  const error = app.page.getByTestId("boot-error");
  await error.waitFor({ state: "visible", timeout: 15_000 });
  await app.screenshot("boot-error");
  assert.match(await error.innerText(), /无法启动/);
  assert.equal(await app.page.locator("#app-loading").count(), 0, "the loading message is replaced");
  assert.deepEqual(await app.cspViolations(), [], "Content-Security-Policy violations");
  assert.deepEqual(app.forbiddenRequests(), [], "the page made network requests");
});
