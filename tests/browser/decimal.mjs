// Exact decimal arithmetic for the expected values of the tests (no binary floating point):
// numbers as written in a cell, linear yearly targets, and rounding half away from zero.

/** Parses a number as shown (`31502`, `0.51`, `66.30`, `1,286`, `95%`); null when it is not plain. */
export function parseShown(text) {
  const clean = String(text).trim().replace(/,/g, "").replace(/%$/, "").trim();
  const match = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(clean);
  if (!match) return null;
  const [, sign, whole, fraction = ""] = match;
  const units = BigInt(whole + fraction) * (sign === "-" ? -1n : 1n);
  return { units, scale: fraction.length };
}

/** The text of a shown number without thousands separators or a trailing `%`. */
export function normalizeShown(text) {
  return String(text).trim().replace(/,/g, "").replace(/%$/, "").trim();
}

/** `n / d` rounded half away from zero (BigInt, d > 0). */
function divRound(n, d) {
  const negative = n < 0n;
  const a = negative ? -n : n;
  let q = a / d;
  if (2n * (a % d) >= d) q += 1n;
  return negative ? -q : q;
}

/** Formats `units / 10^scale` with exactly `scale` decimals. */
function format(units, scale) {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : "";
  return `${negative && units !== 0n ? "-" : ""}${whole}${fraction}`;
}

/**
 * The linear yearly target b + (T − b)·(year − t0)/(t1 − t0), rounded half away from zero to the
 * most decimals of the base and the target as written, as text.
 */
export function linearShown(baseText, targetText, t0, t1, year) {
  const base = parseShown(baseText);
  const target = parseShown(targetText);
  if (!base || !target) throw new Error(`not plain numbers: ${baseText}, ${targetText}`);
  const scale = Math.max(base.scale, target.scale);
  const b = base.units * 10n ** BigInt(scale - base.scale);
  const T = target.units * 10n ** BigInt(scale - target.scale);
  const span = BigInt(t1 - t0);
  const numerator = b * span + (T - b) * BigInt(year - t0);
  return format(divRound(numerator, span), scale);
}
