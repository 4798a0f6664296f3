// The oracle of the browser tests checked on its own (no browser needed).
import assert from "node:assert/strict";
import test from "node:test";
import { linearShown, normalizeShown, parseShown } from "./decimal.mjs";

test("parses numbers as shown", () => {
  assert.deepEqual(parseShown("66.30"), { units: 6630n, scale: 2 });
  assert.deepEqual(parseShown("1,286"), { units: 1286n, scale: 0 });
  assert.deepEqual(parseShown("95%"), { units: 95n, scale: 0 });
  assert.equal(parseShown("9.60（2014年）"), null);
  assert.equal(parseShown("14标台以上"), null);
  assert.equal(normalizeShown("38,127"), "38127");
});

test("linear yearly targets round half away from zero", () => {
  // Yunfu seq 1: 31502 → 58000 over 2016–2020; 2017 is 38126.5 exactly.
  assert.equal(linearShown("31502", "58000", 2016, 2020, 2017), "38127");
  // Yunfu seq 11: 0.4 → 2.3; 2018 is 1.35 exactly (binary floating point may give 1.3).
  assert.equal(linearShown("0.4", "2.3", 2016, 2020, 2018), "1.4");
  // Qinglan seq 14: 10.2 → 11.0 over 2020–2025.
  const qinglan = [2021, 2022, 2023, 2024, 2025].map((y) => linearShown("10.2", "11.0", 2020, 2025, y));
  assert.deepEqual(qinglan, ["10.4", "10.5", "10.7", "10.8", "11.0"]);
  // A falling indicator rounds away from zero too.
  assert.equal(linearShown("-0.5", "-1.5", 2020, 2024, 2022), "-1.0");
  // 0.42 − 0.342·0.25 = 0.3345 exactly, to 3 decimals (from 0.078).
  assert.equal(linearShown("0.42", "0.078", 2016, 2020, 2017), "0.335");
});
