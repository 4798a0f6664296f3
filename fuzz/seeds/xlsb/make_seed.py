#!/usr/bin/env python3
"""Writes fuzz/seeds/xlsb/plan.seed: the parts of tests/fixtures/formats/plan.xlsb in the xlsb
target's input layout (workbook.bin, sharedStrings.bin, styles.bin each after its length as two
bytes little-endian, then the worksheet). Run from this folder: python3 make_seed.py"""
import struct
import zipfile

with zipfile.ZipFile("../../../tests/fixtures/formats/plan.xlsb") as z:
    parts = [z.read(n) for n in ("xl/workbook.bin", "xl/sharedStrings.bin", "xl/styles.bin")]
    sheet = z.read("xl/worksheets/sheet1.bin")
with open("plan.seed", "wb") as f:
    for p in parts:
        f.write(struct.pack("<H", len(p)) + p)
    f.write(sheet)
