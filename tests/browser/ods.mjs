// A minimal .ods writer for the browser tests: one sheet of text and number cells in
// content.xml, packaged as LibreOffice packages it — `mimetype` stored first, then
// `META-INF/manifest.xml` and `content.xml`, deflated — with the cells as LibreOffice writes
// them (a number's value in `office:value` and its text in a paragraph, empty cells as one
// repeated cell, the unused rest of the sheet as one repeated empty row).

import { zip } from "./zip.mjs";

const MIME = "application/vnd.oasis.opendocument.spreadsheet";

const MANIFEST =
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">' +
  `<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="${MIME}"/>` +
  '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>' +
  "</manifest:manifest>";

const HEAD =
  '<?xml version="1.0" encoding="UTF-8"?><office:document-content' +
  ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"' +
  ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"' +
  ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"' +
  ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"' +
  ' xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"' +
  ' office:version="1.3">';

const escape = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** One cell: a number, a text, or "" (empty), `repeat` times. */
function cell(v, repeat) {
  const times = repeat > 1 ? ` table:number-columns-repeated="${repeat}"` : "";
  if (v === "") return `<table:table-cell${times}/>`;
  if (typeof v === "number") {
    return `<table:table-cell${times} office:value-type="float" office:value="${v}" calcext:value-type="float"><text:p>${v}</text:p></table:table-cell>`;
  }
  return `<table:table-cell${times} office:value-type="string" calcext:value-type="string"><text:p>${escape(v)}</text:p></table:table-cell>`;
}

/** A row of `values`, runs of empty cells written as one repeated cell (trailing ones dropped). */
function row(values) {
  const last = values.findLastIndex((v) => v !== "");
  const cells = [];
  for (let c = 0; c <= last; ) {
    let run = 1;
    if (values[c] === "") while (c + run <= last && values[c + run] === "") run += 1;
    cells.push(cell(values[c], run));
    c += run;
  }
  return `<table:table-row>${cells.join("")}</table:table-row>`;
}

/** The content.xml of one sheet `name` holding `rows` (arrays of strings, numbers or "" for an
 * empty cell). */
export function odsContent(name, rows) {
  const width = Math.max(1, ...rows.map((r) => r.length));
  return (
    HEAD +
    `<office:body><office:spreadsheet><table:table table:name="${escape(name)}">` +
    `<table:table-column table:number-columns-repeated="${width}"/>` +
    rows.map(row).join("") +
    `<table:table-row table:number-rows-repeated="${1_048_576 - rows.length}"><table:table-cell table:number-columns-repeated="${width}"/></table:table-row>` +
    "</table:table></office:spreadsheet></office:body></office:document-content>"
  );
}

/** An .ods of one sheet `name` holding `rows`. */
export function ods(name, rows) {
  return zip([
    { name: "mimetype", data: Buffer.from(MIME, "utf8"), deflate: false },
    { name: "META-INF/manifest.xml", data: Buffer.from(MANIFEST, "utf8") },
    { name: "content.xml", data: Buffer.from(odsContent(name, rows), "utf8") },
  ]);
}
