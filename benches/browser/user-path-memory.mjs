// Peak memory of one import on the user's path (issue 19), in the shipped page: a file chosen in
// the file input of a fresh page, then, once the import is done, the wasm memory (found with CDP
// Runtime.queryObjects on WebAssembly.Memory: it never shrinks, so its size is its peak), and the JS
// heap (CDP Runtime.getHeapUsage, now), next to the sheet XML's size. Nothing asserts a size.
//
//   ZHIBIAO_PAGE=dist/zhibiao.html node benches/browser/user-path-memory.mjs file.xlsx …
import fs from "node:fs";
import { chromium } from "playwright-core";
import { CHROMIUM, LAUNCH_ARGS, PAGE_PATH as SHIPPED } from "../../tests/browser/harness.mjs";
import { openReady, pageUrl } from "./page.mjs";

const PAGE_PATH = process.env.ZHIBIAO_PAGE || SHIPPED;
const MB = 1e6;

/** The uncompressed sizes of a zip's parts, from its central directory. */
function partSizes(file) {
  const b = fs.readFileSync(file);
  let eocd = b.length - 22;
  while (eocd > 0 && b.readUInt32LE(eocd) !== 0x06054b50) eocd -= 1;
  const count = b.readUInt16LE(eocd + 10);
  let at = b.readUInt32LE(eocd + 16);
  const sizes = {};
  for (let i = 0; i < count; i += 1) {
    const size = b.readUInt32LE(at + 24);
    const [n, e, c] = [b.readUInt16LE(at + 28), b.readUInt16LE(at + 30), b.readUInt16LE(at + 32)];
    sizes[b.subarray(at + 46, at + 46 + n).toString()] = size;
    at += 46 + n + e + c;
  }
  return sizes;
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
try {
  for (const file of process.argv.slice(2)) {
    // The sheets' XML: an .xlsx's worksheet parts, an .ods's content.xml; an .xls is weighed by
    // the file itself.
    const zipped = file.endsWith(".xlsx") || file.endsWith(".ods");
    const sizes = zipped ? partSizes(file) : { "xl/worksheets/(the file).xml": fs.statSync(file).size };
    const sheetPart = file.endsWith(".ods") ? /^content\.xml$/ : /worksheets\/.*\.xml$/;
    const sheetXml = Object.entries(sizes).filter(([n]) => sheetPart.test(n)).reduce((a, [, s]) => a + s, 0);
    const allXml = Object.values(sizes).reduce((a, s) => a + s, 0);
    const context = await browser.newContext({ locale: "zh-CN", viewport: { width: 1366, height: 768 } });
    let cdp;
    // Ready and warmed up, as on the user's path (page.mjs).
    const page = await openReady(context, pageUrl(PAGE_PATH), async (p) => {
      cdp = await context.newCDPSession(p);
    });
    const wasm = async () => {
      const proto = await cdp.send("Runtime.evaluate", { expression: "WebAssembly.Memory.prototype" });
      const { objects } = await cdp.send("Runtime.queryObjects", { prototypeObjectId: proto.result.objectId });
      const got = await cdp.send("Runtime.callFunctionOn", {
        objectId: objects.objectId,
        functionDeclaration: "function () { return this.reduce((a, m) => a + m.buffer.byteLength, 0); }",
        returnByValue: true,
      });
      return got.result.value;
    };
    await cdp.send("HeapProfiler.collectGarbage");
    const before = { wasm: await wasm(), heap: (await cdp.send("Runtime.getHeapUsage")).usedSize };
    await page.locator('[data-testid="file-input"]').setInputFiles(file);
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="sheet-grid"] tbody tr[data-row]') &&
        !document.querySelector('[data-testid="progress"]') &&
        !document.querySelector('[data-loading="true"]') &&
        document.querySelector('[data-testid="status-bar"]')?.getAttribute("data-state") === "ready",
      null,
      { timeout: 600_000, polling: 100 },
    );
    const after = { wasm: await wasm(), heap: (await cdp.send("Runtime.getHeapUsage")).usedSize };
    console.log(
      `${file.split("/").pop()}: sheet XML ${(sheetXml / MB).toFixed(2)} MB (all parts ${(allXml / MB).toFixed(2)} MB); ` +
        `wasm memory ${(before.wasm / MB).toFixed(1)} → ${(after.wasm / MB).toFixed(1)} MB (${(after.wasm / sheetXml).toFixed(1)}× the sheet XML); ` +
        `JS heap ${(before.heap / MB).toFixed(1)} → ${(after.heap / MB).toFixed(1)} MB`,
    );
    await context.close();
  }
} finally {
  await browser.close();
}
