// The Content-Security-Policy is in force: the page cannot reach the network or run injected
// scripts (a control for the "no violation" checks of the other tests).
import assert from "node:assert/strict";
import test from "node:test";
import { openApp } from "./harness.mjs";

test("the CSP blocks requests and injected scripts", { timeout: 60_000 }, async (t) => {
  const app = await openApp(t, { name: "csp" });
  const policy = await app.page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute("content");
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, /script-src 'sha256-[A-Za-z0-9+/]+=*' 'wasm-unsafe-eval'(;|$)/);
  assert.match(policy, /connect-src 'none'/);

  const outcome = await app.page.evaluate(async () => {
    const fetched = await fetch("http://127.0.0.1:9/blocked.json").then(
      () => "fetched",
      () => "refused",
    );
    const script = document.createElement("script");
    script.textContent = "window.__injectedRan = true;";
    document.body.append(script);
    const image = new Image();
    image.src = "http://127.0.0.1:9/blocked.png";
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { fetched, injectedRan: window.__injectedRan === true };
  });
  assert.deepEqual(outcome, { fetched: "refused", injectedRan: false });

  const violations = (await app.cspViolations()).join("\n");
  for (const directive of ["connect-src", "script-src-elem", "img-src"]) {
    assert.match(violations, new RegExp(directive), `a ${directive} violation was reported`);
  }
  // Chromium announces the image request, then the CSP blocks it before it leaves the page.
  const escaped = app.forbiddenRequests().filter((url) => !/csp/i.test(app.failedRequests.get(url) ?? ""));
  assert.deepEqual(escaped, [], `requests not blocked by the CSP: ${JSON.stringify([...app.failedRequests])}`);
});
