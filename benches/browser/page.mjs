// What the in-browser benches share: opening the shipped page ready for a file, and the
// watcher of the user's path (file chosen → first data row painted → import done).
//
// "Painted" is the first animation frame after the DOM change, plus a task (rAF → setTimeout 0):
// the frame with the row has been produced by then.

/** A new page of `context` at `url`, once the app has started (the status bar shown);
 * `beforeLoad(page)` runs before it navigates (e.g. to attach a CDP session). */
export async function openReady(context, url, beforeLoad = async () => {}) {
  const page = await context.newPage();
  await beforeLoad(page);
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(
    () => !document.getElementById("app-loading") && document.querySelector('[data-testid="status-bar"]'),
    null,
    { timeout: 60_000 },
  );
  return page;
}

/** Evaluated in the page before the file is chosen: records in `window.__up` the change event,
 * the first data row painted, the import done, the longest main-thread task in between and how
 * many tasks took over 100 ms. */
export function watch() {
  const up = (window.__up = { longest: 0, over100: 0 });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      up.longest = Math.max(up.longest, entry.duration);
      if (entry.duration > 100) up.over100 += 1;
    }
  }).observe({ type: "longtask" });
  addEventListener("change", () => (up.change ??= performance.now()), true);
  const painted = (key) => requestAnimationFrame(() => setTimeout(() => (up[key] ??= performance.now()), 0));
  const check = () => {
    if (up.change === undefined) return;
    // A data row in the DOM, or drawn by the canvas body (which says which rows it painted;
    // its DOM rows may catch up later).
    const drawn = document.querySelector('[data-testid="grid-canvas"]')?.dataset.paintedRows;
    if (up.rowDom === undefined && (drawn || document.querySelector('[data-testid="sheet-grid"] tbody tr[data-row] [data-testid="grid-cell"]'))) {
      up.rowDom = performance.now();
      up.firstScreen = !!document.querySelector('[data-testid="grid-scroll"][data-loading="true"]');
      painted("row");
    }
    const status = document.querySelector('[data-testid="status-bar"]')?.getAttribute("data-state");
    if (
      up.doneDom === undefined &&
      up.rowDom !== undefined &&
      !document.querySelector('[data-testid="progress"]') &&
      !document.querySelector('[data-loading="true"]') &&
      (status === "ready" || status === "error")
    ) {
      up.doneDom = performance.now();
      up.status = status;
      painted("done");
    }
  };
  new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
}
