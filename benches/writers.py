"""The same plan as other writers write it, for `cargo xtask bench --user-path`.

    python writers.py SOURCE.xlsx OUT_DIR

From SOURCE (our generator's file, rust_xlsxwriter: shared strings, number formats, one merged
title) it writes into OUT_DIR:

- `<stem>-openpyxl.xlsx`: loaded and saved by openpyxl (shared strings, its own styles);
- `<stem>-stream.xlsx`: a streaming writer as web systems write them: every text an inline
  string (`t="inlineStr"`) whose non-ASCII characters are numeric character references
  (`&#26576;`), numbers without a style, the merges copied, no shared strings, no dimension.

LibreOffice's file is written by the xtask (`soffice --convert-to xlsx`). Run with the venv the
xtask makes (target/bench/venv, openpyxl 3.1.5).
"""

import re
import sys
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter


def ncr(text):
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif code < 128:
            out.append(ch)
        else:
            out.append(f"&#{code};")
    return "".join(out)


def merges_of(source):
    with zipfile.ZipFile(source) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    return re.findall(r'<mergeCell ref="([A-Z0-9:]+)"', xml)


def write_stream(source, out):
    wb = openpyxl.load_workbook(source, read_only=True)
    ws = wb.worksheets[0]
    name = ws.title
    parts = []
    parts.append(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>"
    )
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = []
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            ref = f"{get_column_letter(c)}{r}"
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{ncr(str(value))}</t></is></c>')
        parts.append(f'<row r="{r}">{"".join(cells)}</row>')
    parts.append("</sheetData>")
    merges = merges_of(source)
    if merges:
        parts.append(f'<mergeCells count="{len(merges)}">')
        parts.extend(f'<mergeCell ref="{m}"/>' for m in merges)
        parts.append("</mergeCells>")
    parts.append("</worksheet>")
    wb.close()
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>",
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{ncr(name)}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": "".join(parts),
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path, text in files.items():
            z.writestr(path, text.encode("utf-8"))


def write_openpyxl(source, out):
    wb = openpyxl.load_workbook(source)
    wb.save(out)


def main():
    source, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = source.stem
    targets = {
        "openpyxl": (write_openpyxl, out_dir / f"{stem}-openpyxl.xlsx"),
        "stream": (write_stream, out_dir / f"{stem}-stream.xlsx"),
    }
    for name, (write, out) in targets.items():
        if not out.is_file():
            write(source, out)
            print(f"writers: {out}")


if __name__ == "__main__":
    main()
