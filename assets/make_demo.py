"""Builds assets/demo.xlsx, the built-in demo (示例), from the public Yunfu sample.

The sample (tests/fixtures/yunfu-2016-2020-demo.xlsx, from ../shared/samples) has yearly
targets to compute but no actuals, so completion and scores would never show in the demo. This
adds one year of invented actuals, 2017年完成 (column L), so the demo shows realization,
statuses, unit scores and next year's draft at once. The actuals are deterministic: each is the
engine's 2017 target (from `zhibiao-cli report`) times a factor from a fixed cycle (a few short
of it, most on or above it, in the indicator's direction), rounded to the indicator's decimals;
a qualitative target gets `完成`.

Run from the repository root, with the CLI built and openpyxl 3.1.5:
    cargo build --bin zhibiao-cli
    pip install openpyxl==3.1.5
    python3 assets/make_demo.py
"""

import json
import subprocess
from copy import copy
from decimal import ROUND_HALF_UP, Decimal

import openpyxl

SOURCE = "tests/fixtures/yunfu-2016-2020-demo.xlsx"
OUT = "assets/demo.xlsx"
# How far each actual lands from its 2017 target, in the indicator's favour (> 1) or not; never
# exactly on it, so that no actual is a hair short of a target it seems to equal when rounded.
FACTORS = [1.002, 1.012, 0.985, 1.004, 1.02, 0.97, 1.006, 1.008, 0.993, 1.015]

report = json.loads(
    subprocess.run(
        ["target/debug/zhibiao-cli", "report", SOURCE], check=True, capture_output=True
    ).stdout
)
indicators = report["sheets"][0]["indicators"]

book = openpyxl.load_workbook(SOURCE)
sheet = book.worksheets[0]
header_row, col = 1, 12  # L: after 责任单位 (K)
head = sheet.cell(row=header_row, column=col)
head.value = "2017年完成"
template = sheet.cell(row=header_row, column=col - 1)
head.font, head.alignment, head.border, head.fill = (
    copy(template.font), copy(template.alignment), copy(template.border), copy(template.fill),
)
sheet.column_dimensions["L"].width = 12
for k, ind in enumerate(indicators):
    cell = sheet.cell(row=ind["row"], column=col)
    body = sheet.cell(row=ind["row"], column=col - 1)
    cell.border, cell.font = copy(body.border), copy(body.font)
    target = ind["yearly"].get("2017")
    if target is None:
        if ind["target"] and ind["target"]["text"] and ind["target"]["value"] is None:
            cell.value = "完成"
        continue
    factor = FACTORS[k % len(FACTORS)]
    if ind["direction"] == "negative":
        factor = 2.0 - factor
    d = ind["decimals"]
    value = float(
        Decimal(repr(target["value"] * factor)).quantize(Decimal(1).scaleb(-d), ROUND_HALF_UP)
    )
    cell.value = int(value) if d == 0 else value
    cell.number_format = "0" if d == 0 else "0." + "0" * d
book.save(OUT)
print(f"wrote {OUT}: {len(indicators)} indicators, actuals for 2017 in column L")
