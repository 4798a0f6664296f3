// (f) A file that is not a workbook shows an error and leaves the loaded plan in place.
import assert from "node:assert/strict";
import test from "node:test";
import { cellSelector, fixture, openApp, READY_TIMEOUT } from "./harness.mjs";

test("a PDF named .xls shows an error and keeps the demo", { timeout: 90_000 }, async (t) => {
  const app = await openApp(t, { name: "bad-file" });
  await app.loadDemo();
  await app.upload(fixture("bad/pdf-renamed.xls"));
  const error = app.page.getByTestId("error-message");
  await error.waitFor({ state: "visible", timeout: READY_TIMEOUT });
  await app.screenshot("error");

  const text = (await error.innerText()).trim();
  assert.ok(text.length > 0, "the error message has text");
  assert.equal(
    await app.page.locator(`[data-testid="sheet-grid"] ${cellSelector(2, "C")}`).count(),
    1,
    "the grid still shows the demo's row 2",
  );
  // Reporting the bad file in the console is acceptable; anything uncaught, a request or a CSP
  // violation is not.
  await app.assertClean({ allowConsoleErrors: true });
});

test("every bad sample gets its own message and the demo stays", { timeout: 120_000 }, async (t) => {
  const app = await openApp(t, { name: "bad-samples" });
  await app.loadDemo();
  const cases = [
    ["bad/zero-bytes.xlsx", /空文件/],
    ["bad/truncated-plan.xlsx", /损坏|不完整/],
    ["bad/pdf-renamed.xls", /PDF/],
    ["bad/password-protected.xlsx", /加密/],
  ];
  for (const [file, expected] of cases) {
    await app.upload(fixture(file));
    const error = app.page.getByTestId("error-message");
    await app.page.waitForFunction(
      (name) => document.querySelector('[data-testid="error-message"]')?.textContent.includes(name),
      file.split("/").pop(),
      { timeout: READY_TIMEOUT },
    );
    const text = await error.innerText();
    assert.match(text, expected, `${file}: ${text}`);
    assert.equal((await app.cell(2, "C")).text, "人均GDP(2010年不变价)", `${file}: the demo stays`);
  }
  await app.assertClean({ allowConsoleErrors: true });
});
