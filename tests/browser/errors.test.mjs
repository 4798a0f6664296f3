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
