// The import warmed up before a file is chosen (issue 19, src/ui/warm.rs): once the page is
// shown it imports the built-in demo plan a few times in the background, showing and keeping
// nothing, and a file opened meanwhile stops it and opens as it always does.
import assert from "node:assert/strict";
import test from "node:test";
import { PAGE_URL, fixture, launchApp, openApp } from "./harness.mjs";

const PLAN = fixture("qinglan-county-2021-2025-plan.xlsx");

const warm = (app) => app.page.evaluate(() => document.documentElement.dataset.warm ?? null);
const marks = (app) =>
  app.page.evaluate(() =>
    performance
      .getEntriesByType("mark")
      .map((m) => m.name)
      .filter((n) => n.startsWith("zb:")),
  );

test("the page warms its import up once shown, and shows and keeps nothing of it", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t);
  const stored = () => app.page.evaluate(() => Object.entries(localStorage).sort());
  const before = {
    state: await app.state(),
    status: await app.page.getByTestId("status-bar").innerText(),
    stored: await stored(),
  };
  await app.page.waitForFunction(() => document.documentElement.dataset.warm === "done", null, { timeout: 60_000 });
  const seen = await marks(app);
  assert.ok(seen.includes("zb:warm") && seen.includes("zb:warm-done"), seen.join(" "));
  // Nothing of the demo plan reached the page: no grid, no plan, the same status.
  assert.equal(await app.page.getByTestId("sheet-grid").count(), 0, "no grid");
  assert.equal(await app.page.getByTestId("progress").count(), 0, "no progress bar");
  assert.equal(await app.state(), before.state);
  assert.equal(await app.page.getByTestId("status-bar").innerText(), before.status);
  assert.deepEqual(await stored(), before.stored, "nothing saved");
  await app.screenshot("warmed");
  // A file then opens as always.
  assert.equal(await app.uploadAndWaitFor(PLAN, 16, "G"), "ready");
  await app.assertClean();
});

test("a file opened while the page warms up stops it and opens as always", { timeout: 90_000 }, async (t) => {
  // So many rounds that the warm-up is certainly still running when the file is chosen.
  const app = await launchApp(t, { url: `${PAGE_URL}?warm=100000` });
  await app.waitUntilReady();
  await app.page.waitForFunction(() => document.documentElement.dataset.warm === "running", null, { timeout: 30_000 });
  const reference = await openApp(t, { name: "warm-reference", url: `${PAGE_URL}?warm=0` });
  assert.equal(await warm(reference), "off", "?warm=0: no warm-up");
  assert.equal(await reference.uploadAndWaitFor(PLAN, 16, "G"), "ready");

  assert.equal(await app.uploadAndWaitFor(PLAN, 16, "G"), "ready");
  await app.page.waitForFunction(() => document.documentElement.dataset.warm === "stopped", null, { timeout: 30_000 });
  assert.ok((await marks(app)).includes("zb:warm-stopped"));
  assert.deepEqual(await app.cells(), await reference.cells(), "the same cells as a page that did not warm up");
  await app.screenshot("opened-while-warming");
  await app.assertClean();
  await reference.assertClean();
});
