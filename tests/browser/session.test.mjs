// Nothing lost: autosave and restore after a reload, the guard before replacing unsaved work,
// and 保存为网页 — the saved page opens from disk in a fresh profile with the plan and edits,
// hostile cell text stays inert, and no request leaves the page.
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import test from "node:test";
import { cellSelector, fixture, launchApp, openApp, readReport } from "./harness.mjs";

const PLAN = "qinglan-county-2021-2025-plan.xlsx";
const HOSTILE = '</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';

async function waitForCell(page, row, col, text) {
  await page.waitForFunction(
    ([sel, text]) => document.querySelector(sel)?.textContent === text,
    [cellSelector(row, col), text],
    { timeout: 15_000 },
  );
}

async function typeInto(app, row, col, text) {
  await app.page.locator(cellSelector(row, col)).click();
  await app.page.keyboard.press("F2");
  await app.page.getByTestId("cell-editor").fill(text);
  await app.page.keyboard.press("Enter");
}

test("autosave: an edit survives a reload, with its undo history", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "session-autosave" });
  await app.uploadAndWaitFor(fixture(PLAN), 16, "G");
  await typeInto(app, 16, "E", "10.0");
  await waitForCell(app.page, 16, "G", "10.2");
  await app.page.waitForTimeout(1_000); // autosave writes a moment after the last change
  await app.page.reload({ waitUntil: "load" });
  await app.waitUntilReady();
  await waitForCell(app.page, 16, "G", "10.2");
  assert.deepEqual(await app.cell(16, "E"), { text: "10.0", source: "manual" });
  assert.match(await app.page.getByTestId("status-bar").innerText(), /已恢复/);
  await app.page.getByTestId("undo").click();
  await waitForCell(app.page, 16, "G", "10.4");
  await app.assertClean();
});

// Sessions autosaved by an earlier version (localStorage) are carried into IndexedDB on the
// first start, then removed from localStorage.
test("autosave: a session kept in localStorage by an earlier version is carried over once", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "session-migrate" });
  await app.uploadAndWaitFor(fixture(PLAN), 16, "G");
  await typeInto(app, 16, "E", "10.0");
  await waitForCell(app.page, 16, "G", "10.2");
  await app.page.waitForTimeout(500);
  const before = await app.autosaved();
  assert.equal(before.journals.length, 1);
  const [{ key, json }] = before.journals;
  assert.match(key, /^zhibiao\.session#/);
  // What the earlier version left: the same journal in localStorage, and none in IndexedDB.
  await app.page.evaluate(async ([key, json]) => {
    const db = await new Promise((resolve) => {
      const open = indexedDB.open("zhibiao");
      open.onsuccess = () => resolve(open.result);
    });
    await new Promise((resolve) => {
      const tx = db.transaction("journals", "readwrite");
      tx.objectStore("journals").clear();
      tx.oncomplete = resolve;
    });
    db.close();
    localStorage.setItem(key, json);
  }, [key, json]);
  assert.equal((await app.autosaved()).journals.length, 0);

  await app.page.reload({ waitUntil: "load" });
  await app.waitUntilReady();
  await waitForCell(app.page, 16, "G", "10.2");
  assert.deepEqual(await app.cell(16, "E"), { text: "10.0", source: "manual" });
  assert.match(await app.page.getByTestId("status-bar").innerText(), /已恢复/);
  assert.equal(await app.page.evaluate(() => localStorage.length), 0, "localStorage emptied");
  const after = await app.autosaved();
  assert.deepEqual(after.journals.map((j) => j.key), [key], "carried into IndexedDB");
  assert.equal(after.journals[0].journal.log.length, 1);

  // Again: from IndexedDB now, the undo history with it.
  await app.page.reload({ waitUntil: "load" });
  await app.waitUntilReady();
  await waitForCell(app.page, 16, "G", "10.2");
  await app.page.getByTestId("undo").click();
  await waitForCell(app.page, 16, "G", "10.4");
  await app.assertClean();
});

// Two tabs of the app each autosave into their own slot: neither overwrites the other's work. A
// new tab starts from the latest work; a reload keeps the tab's own.
test("autosave: two tabs keep their own work", { timeout: 120_000 }, async (t) => {
  const app = await openApp(t, { name: "session-two-tabs" });
  const a = app.page;
  await app.uploadAndWaitFor(fixture(PLAN), 16, "G");
  // Seq 14: base (E) → 2021 (G), linear to 11.0 in 2025.
  await typeInto(app, 16, "E", "10.0");
  await waitForCell(a, 16, "G", "10.2");
  await a.waitForTimeout(1_000); // autosave writes a moment after the last change

  const b = await app.context.newPage();
  await b.goto(app.url, { waitUntil: "load" });
  await b.waitForSelector(cellSelector(16, "G"), { timeout: 60_000 });
  await waitForCell(b, 16, "G", "10.2"); // the new tab carries on with the latest work
  await typeInto({ page: b }, 16, "E", "10.4");
  await waitForCell(b, 16, "G", "10.5"); // 10.4 + 0.6 / 5 = 10.52
  await b.waitForTimeout(1_000);
  await typeInto(app, 16, "E", "9.8");
  await waitForCell(a, 16, "G", "10.0"); // 9.8 + 1.2 / 5 = 10.04
  await a.waitForTimeout(1_000);

  await b.reload({ waitUntil: "load" });
  await b.waitForSelector(cellSelector(16, "G"), { timeout: 60_000 });
  await waitForCell(b, 16, "G", "10.5");
  await a.reload({ waitUntil: "load" });
  await app.waitUntilReady();
  await a.waitForSelector(cellSelector(16, "G"), { timeout: 60_000 });
  await waitForCell(a, 16, "G", "10.0");
  // Undo in tab a goes back through its own edits: 9.8 → 10.0.
  await a.getByTestId("undo").click();
  await waitForCell(a, 16, "G", "10.2");
  await app.assertClean();
});

test("replacing a plan with unsaved edits asks first", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "session-guard" });
  await app.uploadAndWaitFor(fixture(PLAN), 16, "G");
  await typeInto(app, 16, "E", "10.0");
  await waitForCell(app.page, 16, "G", "10.2");
  const messages = [];
  app.page.once("dialog", (dialog) => {
    messages.push(dialog.message());
    dialog.dismiss();
  });
  await app.page.getByTestId("demo-button").click();
  assert.equal(messages.length, 1, "a confirmation was asked");
  assert.match(messages[0], /修改/);
  assert.equal((await app.cell(16, "G")).text, "10.2", "dismissed: the plan stays");
  app.page.once("dialog", (dialog) => dialog.accept());
  await app.page.getByTestId("demo-button").click();
  await app.page.waitForSelector(cellSelector(2, "C"));
  assert.equal((await app.cell(2, "C")).text, "人均GDP(2010年不变价)");
  await app.assertClean();
});

test("保存为网页: the saved page opens from disk with the plan, inert and offline", { timeout: 120_000 }, async (t) => {
  const app = await openApp(t, { name: "session-save" });
  await app.uploadAndWaitFor(fixture(PLAN), 16, "G");
  await typeInto(app, 16, "E", "10.0");
  await typeInto(app, 16, "C", HOSTILE);
  await waitForCell(app.page, 16, "C", HOSTILE);
  const saved = await app.download(() => app.page.getByTestId("save-html").click());
  assert.match(saved, /\.html$/);
  await app.assertClean();

  // A fresh browser and profile: no autosave to fall back on.
  const other = await launchApp(t, { name: "session-saved-page", url: pathToFileURL(saved).href });
  await other.waitUntilReady();
  await waitForCell(other.page, 16, "G", "10.2");
  // A page that opens with its plan does not warm its import up (src/ui/warm.rs).
  await other.page.waitForFunction(() => document.documentElement.dataset.warm === "stopped", null, { timeout: 10_000 });
  assert.ok(!(await other.page.evaluate(() => performance.getEntriesByName("zb:warm").length)), "no warm-up round ran");
  assert.deepEqual(await other.cell(16, "E"), { text: "10.0", source: "manual" });
  assert.equal((await other.cell(16, "C")).text, HOSTILE, "the hostile text is shown as text");
  assert.equal(await other.page.evaluate(() => window.__pwned), undefined, "no injected script ran");
  assert.equal(await other.page.locator('img[src="x"]').count(), 0, "no injected element");
  assert.match(await other.page.getByTestId("status-bar").innerText(), /网页中保存的计划/);
  // The recipient can work on: edit, export and save again.
  await typeInto(other, 16, "F", "12.0");
  await waitForCell(other.page, 16, "K", "12.0");
  const exported = await other.download(() => other.page.getByTestId("export-xlsx").click());
  assert.match(exported, /\.xlsx$/);
  // The export worker rebuilt the plan from the page's session and the edits made since.
  const seq14 = readReport(exported)
    .sheets.flatMap((sheet) => sheet.indicators)
    .find((i) => String(i.seq).trim() === "14");
  assert.equal(seq14.base.text, "10.0", "the edit saved in the page");
  assert.ok(
    Object.values(seq14.yearly).some((y) => y.shown === "12.0"),
    `the edit made after opening the saved page: ${JSON.stringify(seq14.yearly)}`,
  );
  const again = await other.download(() => other.page.getByTestId("save-html").click());
  assert.match(again, /\.html$/);
  await other.screenshot("opened");
  await other.assertClean();
});
