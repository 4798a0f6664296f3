// Issue 8: hostile cells are shown as text and exported as strings, never run or turned into
// formulas; no request leaves the page while it imports, exports and saves; bad files of every
// kind get their own message and leave the plan on screen as it was.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { cellSelector, fixture, openApp, READY_TIMEOUT } from "./harness.mjs";
import { unzip, zip } from "./zip.mjs";

/** The hostile texts of tests/fixtures/bad/hostile-cells.xlsx (see tests/hostile.rs): [row, column, text]. */
const HOSTILE = [
  [2, "B", "</script><script>window.__pwned=1</script>"],
  [2, "C", '<img src=x onerror="window.__pwned=2">'],
  [2, "H", '=HYPERLINK("http://evil.example/","点击")'],
  [3, "B", "=cmd|' /C calc'!A0"],
  [3, "C", "@SUM(1+1)"],
  [3, "E", '=HYPERLINK("http://evil.example/")'],
  [3, "H", "-2+3"],
  [4, "B", "<svg onload=alert(1)>森林覆盖率"],
  [4, "H", "+cmd|' /C calc'!A0"],
];

const xmlUnescape = (s) =>
  s
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&apos;", "'")
    .replaceAll("&amp;", "&");

function tmpFile(name, data) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zhibiao-hostile-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, data);
  return file;
}

/** Watches for dialogs (alert, confirm …) and script the page did not mean to run. */
function watchForInjection(app) {
  const dialogs = [];
  app.page.on("dialog", async (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss().catch(() => {});
  });
  return dialogs;
}

// ---------------------------------------------------------------------------------------------

test("hostile cells are shown literally, run nothing, and export as strings", { timeout: 180_000 }, async (t) => {
  const app = await openApp(t, { name: "hostile-cells" });
  const dialogs = watchForInjection(app);
  await app.uploadAndWaitFor(fixture("bad/hostile-cells.xlsx"), 4, "B");
  await app.screenshot("hostile");

  for (const [row, col, text] of HOSTILE) {
    const cell = await app.cell(row, col);
    assert.equal(cell.text, text, `cell ${col}${row} is shown as written`);
  }
  // The texts are text nodes, not markup: no element from a cell made it into the page.
  const injected = await app.page.evaluate(() => ({
    pwned: window.__pwned ?? null,
    img: document.querySelectorAll('[data-testid="sheet-grid"] img').length,
    svg: document.querySelectorAll('[data-testid="sheet-grid"] svg[onload]').length,
    scripts: [...document.scripts].filter((s) => s.textContent.includes("__pwned")).length,
    links: [...document.querySelectorAll("a[href]")].filter((a) => a.href.includes("evil.example")).length,
  }));
  assert.deepEqual(injected, { pwned: null, img: 0, svg: 0, scripts: 0, links: 0 });
  // The indicator panel shows the name too.
  await app.page.locator(cellSelector(2, "B")).click();
  await app.page.waitForTimeout(300);
  assert.equal(await app.page.evaluate(() => window.__pwned ?? null), null);

  const file = await app.download(() => app.page.getByTestId("export-xlsx").click());
  const parts = unzip(file);
  const sheets = Object.keys(parts).filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n));
  assert.ok(sheets.length > 0, `no sheets in ${Object.keys(parts)}`);
  const formulas = sheets.flatMap((n) =>
    [...parts[n].toString("utf8").matchAll(/<f[^>]*>([^<]*)<\/f>/g)].map((m) => xmlUnescape(m[1])),
  );
  for (const f of formulas) {
    assert.doesNotMatch(f, /HYPERLINK|cmd|calc|SUM\(1\+1\)|2\+3|__pwned/i, `an exported formula came from a cell: ${f}`);
  }
  const texts = new Set(
    [parts["xl/sharedStrings.xml"]?.toString("utf8") ?? "", ...sheets.map((n) => parts[n].toString("utf8"))]
      .flatMap((xml) => [...xml.matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)])
      .map((m) => xmlUnescape(m[1])),
  );
  for (const [row, col, text] of HOSTILE) {
    assert.ok(texts.has(text), `${col}${row} is exported as the string ${text}`);
  }
  assert.deepEqual(dialogs, [], "no dialog opened");
  assert.equal(await app.page.evaluate(() => window.__pwned ?? null), null, "no injected script ran");
  await app.assertClean();
});

test("importing, exporting and saving send no request", { timeout: 180_000 }, async (t) => {
  const app = await openApp(t, { name: "no-network" });
  await app.uploadAndWaitFor(fixture("qinglan-county-2021-2025-plan.xlsx"), 16, "G");
  await app.upload(fixture("wangchuan-city-2016-2020-assessment.ods"));
  await app.page.waitForSelector(cellSelector(6, "B"), { timeout: READY_TIMEOUT });
  await app.upload(fixture("qinglan-county-2021-2022-progress.xls"));
  await app.page.waitForSelector(cellSelector(6, "C"), { timeout: READY_TIMEOUT });
  const exported = await app.download(() => app.page.getByTestId("export-xlsx").click());
  assert.ok(fs.statSync(exported).size > 0);
  const save = app.page.getByTestId("save-html");
  if (await save.count()) {
    const saved = await app.download(() => save.click());
    assert.ok(fs.statSync(saved).size > 0);
  }
  await app.page.waitForTimeout(500);
  assert.deepEqual(app.forbiddenRequests(), [], "no request left the page");
  assert.deepEqual([...app.failedRequests.keys()].filter((u) => !u.startsWith("blob:") && !u.startsWith("data:")), []);
  await app.assertClean();
});

/** Bad files made here: [file name, bytes, words the message must hold]. */
function badFiles() {
  const million = ["序号,指标名称,单位,2020年,2025年"];
  for (let i = 0; i < 1_000_000; i++) million.push(`${i},指标${i},万元,1,2`);
  const sst = `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>${"A".repeat(64 * 1024 * 1024)}</t></si></sst>`;
  const bomb = zip([
    { name: "[Content_Types].xml", data: Buffer.from("<Types/>") },
    { name: "xl/workbook.xml", data: Buffer.from("<workbook/>") },
    { name: "xl/sharedStrings.xml", data: Buffer.from(sst) },
  ]);
  const declared = zip([
    { name: "xl/workbook.xml", data: Buffer.from("<workbook/>") },
    { name: "xl/sharedStrings.xml", data: Buffer.from("<sst/>"), declared: 540_000_000 },
  ]);
  const docx = zip([
    { name: "[Content_Types].xml", data: Buffer.from("<Types/>") },
    { name: "word/document.xml", data: Buffer.from("<w:document/>") },
  ]);
  // A web page with no table (an HTML table saved as .xls is read since issue 14: formats.test.mjs).
  const html =
    '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><body><p>序号 指标名称</p></body></html>';
  // The Liuwan .xls with its CODEPAGE record turned into FILEPASS (same length).
  const xls = fs.readFileSync(fixture("liuwan-township-2022-text-numbers.xls"));
  const codepage = xls.indexOf(Buffer.from([0x42, 0x00, 0x02, 0x00]));
  assert.ok(codepage > 0, "the Liuwan .xls has a CODEPAGE record");
  const encrypted = Buffer.from(xls);
  Buffer.from([0x2f, 0x00, 0x02, 0x00, 0x01, 0x00]).copy(encrypted, codepage);
  return [
    ["bomb.xlsx", bomb, ["压缩比异常"]],
    ["bomb-540mb.xlsx", declared, ["解压后过大", "514 MB"]],
    ["encrypted.xls", encrypted, ["已加密"]],
    ["report.xlsx", docx, ["Word"]],
    ["plan.xls", Buffer.from(html), ["HTML"]],
    ["million.csv", Buffer.from(million.join("\n")), ["200000 行"]],
  ];
}

test("bad files each get their message and the plan stays", { timeout: 300_000 }, async (t) => {
  const app = await openApp(t, { name: "bad-files" });
  await app.loadDemo();
  const before = await app.cell(2, "C");
  for (const [name, bytes, words] of badFiles()) {
    const file = tmpFile(name, bytes);
    const started = Date.now();
    await app.upload(file);
    const error = app.page.getByTestId("error-message");
    await app.page.waitForFunction(
      (name) => document.querySelector('[data-testid="error-message"]')?.innerText.includes(name),
      name,
      { timeout: READY_TIMEOUT },
    );
    const text = (await error.innerText()).trim();
    console.log(`${name} (${bytes.length} bytes): ${Date.now() - started} ms: ${text}`);
    for (const w of words) assert.ok(text.includes(w), `${name}: “${text}” should say ${w}`);
    assert.deepEqual(await app.cell(2, "C"), before, `${name}: the demo plan is still on screen`);
    await app.screenshot(name);
  }
  await app.assertClean({ allowConsoleErrors: true });
});
