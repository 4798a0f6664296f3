// What the in-browser benches share: opening the shipped page ready for a file, and the
// watcher of the user's path (file chosen → first data row painted → import done).
//
// "Painted" is the end of the animation frame that shows the change: the canvas body draws its
// rows inside a frame (in `requestAnimationFrame`), whose style, layout and paint follow in the
// same task, so its rows are painted when that task ends; a change of the DOM outside a frame is
// painted at the end of the next one. The end of a task is taken by a task of the highest
// priority queued in it (`scheduler.postTask`, "user-blocking"), which runs before the page's
// own timers. (Until 2026-12-07 it was "the next frame, then a zero timeout": that waited for
// the next frame, which the browser gives a busy page only after its queued timers, and then
// behind one of the reader's 30 ms slices, 60–170 ms after the frame that showed the row.)

import { pathToFileURL } from "node:url";

/** The file URL of the page at `path`, which may end in a query (`dist/zhibiao.html?warm=0`). */
export function pageUrl(path) {
  const at = path.indexOf("?");
  return at < 0 ? pathToFileURL(path).href : pathToFileURL(path.slice(0, at)).href + path.slice(at);
}

/** A new page of `context` at `url`, once the app has started (the status bar shown) and has
 * warmed its import up (`data-warm` on the root, src/ui/warm.rs: a person takes longer than
 * that to pick a file; a page without a warm-up is given the same quarter of a second);
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
  await page.waitForTimeout(250);
  // `pending` or `running` while it warms up; no attribute on a page without a warm-up.
  await page.waitForFunction(
    () => [undefined, "done", "stopped", "off"].includes(document.documentElement.dataset.warm),
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
  const afterTask = (f) =>
    globalThis.scheduler?.postTask ? scheduler.postTask(f, { priority: "user-blocking" }) : setTimeout(f, 0);
  // `inFrame`: the change was made inside an animation frame (the canvas drawing its rows).
  const painted = (key, inFrame) => {
    const stamp = () => (up[key] ??= performance.now());
    if (inFrame) afterTask(stamp);
    else requestAnimationFrame(() => afterTask(stamp));
  };
  const check = () => {
    if (up.change === undefined) return;
    // A data row in the DOM, or drawn by the canvas body (which says which rows it painted;
    // its DOM rows may catch up later).
    const drawn = document.querySelector('[data-testid="grid-canvas"]')?.dataset.paintedRows;
    if (up.rowDom === undefined && (drawn || document.querySelector('[data-testid="sheet-grid"] tbody tr[data-row] [data-testid="grid-cell"]'))) {
      up.rowDom = performance.now();
      up.firstScreen = !!document.querySelector('[data-testid="grid-scroll"][data-loading="true"]');
      painted("row", !!drawn);
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
      painted("done", false);
    }
  };
  new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
}
