// Issue 19: a large .xlsx, .xls or .ods shows its first rows before the rest is read (order, not
// time), read only: an edit made while the rest is read is plainly refused, never silently lost;
// the full plan then replaces the first screen.
import assert from "node:assert/strict";
import test from "node:test";
import { cellSelector, openApp, tempFile } from "./harness.mjs";
import { ods } from "./ods.mjs";
import { xls } from "./xls.mjs";
import { zip } from "./zip.mjs";

const ROWS = 20_000;

const COLS = "ABCDEFGHIJK";

/** The plan's rows: a title, a header, then row r = i + 2: base 50 + i % 40, target
 * 60 + i % 40 (2021 = base + 2). */
function planRows() {
  const rows = [
    ["2021—2025年指标任务分解表"],
    ["序号", "指标名称", "单位", "2020年基期值", "2025年目标值", "2021年", "2022年", "2023年", "2024年", "2025年", "牵头单位"],
  ];
  for (let i = 1; i <= ROWS; i += 1) {
    rows.push([i, `指标${i}`, "%", 50 + (i % 40), 60 + (i % 40), "", "", "", "", "", `单位${i % 31}`]);
  }
  return rows;
}

/** A 20,000-row plan as an .xls (Unicode LABEL and NUMBER records, no shared strings). */
function largeXls(t) {
  return tempFile(t, `plan-${ROWS}.xls`, xls("指标", planRows()));
}

/** A 20,000-row plan as an .ods (numbers and texts as LibreOffice writes them, no styles). */
function largeOds(t) {
  return tempFile(t, `plan-${ROWS}.ods`, ods("指标", planRows()));
}

/** A 20,000-row plan as a streaming writer writes it: inline strings, a title row, a header. */
function largeXlsx(t) {
  const cell = (r, c, v) =>
    typeof v === "number"
      ? `<c r="${COLS[c]}${r}"><v>${v}</v></c>`
      : `<c r="${COLS[c]}${r}" t="inlineStr"><is><t>${v}</t></is></c>`;
  const row = (r, values) => `<row r="${r}">${values.map((v, c) => (v === "" ? "" : cell(r, c, v))).join("")}</row>`;
  const rows = planRows().map((values, i) => row(i + 1, values));
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  const parts = {
    "[Content_Types].xml":
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
      "</Types>",
    "_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    "xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8"?><workbook ${ns} xmlns:r="${rel}"><sheets><sheet name="指标" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    "xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    "xl/worksheets/sheet1.xml": `<?xml version="1.0" encoding="UTF-8"?><worksheet ${ns}><sheetData>${rows.join("")}</sheetData><mergeCells count="1"><mergeCell ref="A1:K1"/></mergeCells></worksheet>`,
  };
  const bytes = zip(Object.entries(parts).map(([name, text]) => ({ name, data: Buffer.from(text, "utf8") })));
  return tempFile(t, `plan-${ROWS}.xlsx`, bytes);
}

/** From now on, records the order of what the page shows: the first data row (and whether it
 * came as a first screen, with the sheet tabs disabled), and the import done. */
async function watchOrder(page) {
  await page.evaluate(() => {
    const seen = (window.__seen = []);
    const check = () => {
      const row = document.querySelector('[data-testid="sheet-grid"] tbody tr[data-row] [data-testid="grid-cell"]');
      const loading = !!document.querySelector('[data-testid="grid-scroll"][data-loading="true"]');
      if (row && loading && !seen.some((s) => s.what === "first-screen")) {
        const tabs = [...document.querySelectorAll('[data-testid="sheet-tab"]')];
        seen.push({
          what: "first-screen",
          tabsDisabled: tabs.length > 0 && tabs.every((b) => b.disabled),
          note: !!document.querySelector('[data-testid="loading-note"]'),
          progress: !!document.querySelector('[data-testid="progress"]'),
        });
      }
      const state = document.querySelector('[data-testid="status-bar"]')?.dataset.state;
      if (row && !loading && state === "ready" && !document.querySelector('[data-testid="progress"]') && !seen.some((s) => s.what === "done")) {
        seen.push({ what: "done" });
      }
    };
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  });
}

test("a 20,000-row .xlsx shows its first rows before the import is done, read-only, then the whole plan", { timeout: 300_000 }, async (t) => {
  await firstScreenThenWhole(t, largeXlsx(t), "loading-first-screen");
});

test("a 20,000-row .xls shows its first rows before the import is done, read-only, then the whole plan", { timeout: 300_000 }, async (t) => {
  await firstScreenThenWhole(t, largeXls(t), "loading-first-screen-xls");
});

test("a 20,000-row .ods shows its first rows before the import is done, read-only, then the whole plan", { timeout: 300_000 }, async (t) => {
  await firstScreenThenWhole(t, largeOds(t), "loading-first-screen-ods");
});

/** Opens `file` (the plan of [`planRows`]) on a slowed CPU: its first screen, an edit refused
 * there, then the whole plan, computed and editable. */
async function firstScreenThenWhole(t, file, name) {
  const app = await openApp(t, { name });
  const page = app.page;
  // A slower CPU makes the reading of the rest last long enough to act in it on any machine.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 6 });
  await watchOrder(page);
  await app.upload(file);

  // The first screen: the first rows, read-only, while the progress bar is still up.
  await page.waitForSelector('[data-testid="grid-scroll"][data-loading="true"] [data-testid="grid-cell"]', { timeout: 120_000 });
  await app.screenshot("first-screen");
  // An edit tried now: base of row 3 (i = 1, 51 → 61) typed 41.
  await page.locator(cellSelector(3, "D")).click();
  await page.keyboard.press("F2");
  const editor = page.getByTestId("cell-editor");
  const opened = await editor.isVisible().catch(() => false);
  if (opened) {
    await editor.fill("41");
    await page.keyboard.press("Enter");
  }
  const during = await page.evaluate(() => ({
    loading: !!document.querySelector('[data-testid="grid-scroll"][data-loading="true"]'),
    refused: !!document.querySelector('[data-testid="edit-refused"]'),
  }));
  t.diagnostic(`editor opened: ${opened}; after the edit: ${JSON.stringify(during)}`);
  if (during.loading) {
    assert.ok(during.refused, "an edit while loading is refused with a visible message");
    await app.screenshot("edit-refused");
  }

  await page.waitForFunction(() => window.__seen.some((s) => s.what === "done"), null, { timeout: 240_000 });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  const seen = await page.evaluate(() => window.__seen);
  t.diagnostic(JSON.stringify(seen));
  assert.deepEqual(seen.map((s) => s.what), ["first-screen", "done"], "the first screen comes before the import is done");
  const first = seen[0];
  assert.ok(first.tabsDisabled, "the sheet tabs are disabled while the rest is read");
  assert.ok(first.note, "a note says the rest is being read");
  assert.ok(first.progress, "the progress bar is still up under the first screen");

  // The whole plan: the last row is there and computed (i = 20,000: 50 → 60, 2021 = 52).
  assert.equal(await page.locator('[data-testid="grid-scroll"][data-loading]').count(), 0);
  assert.equal(await page.getByTestId("loading-note").count(), 0);
  assert.equal((await app.cell(ROWS + 2, "B")).text, `指标${ROWS}`);
  assert.equal((await app.cell(ROWS + 2, "F")).text, "52");
  // The edit was refused (said so, and the file's value is shown) or kept: never lost.
  const refusedShown = (await page.getByTestId("edit-refused").count()) > 0;
  const base = (await app.cell(3, "D")).text;
  if (refusedShown) {
    assert.equal(base, "51", "a refused edit changed nothing");
  } else {
    assert.equal(base, "41", "an edit not refused is kept");
  }
  // Editing works once the whole file is in: 41 → 2021 = 41 + (61 − 41)/5 = 45.
  await page.locator(cellSelector(3, "D")).click();
  await page.keyboard.press("F2");
  await page.getByTestId("cell-editor").fill("41");
  await page.keyboard.press("Enter");
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === "45", cellSelector(3, "F"));
  assert.equal(await page.getByTestId("edit-refused").count(), 0, "an edit taken closes the message of the refused one");
  await app.screenshot("done");
  await app.assertClean();
}
