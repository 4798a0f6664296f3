// (a) The page starts from file:// with no console error, no CSP violation and no network request.
import assert from "node:assert/strict";
import test from "node:test";
import { openApp } from "./harness.mjs";

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
