//! Rounding for display (PLANNING-RULES "Rounding").
//!
//! This module exists because binary floating point cannot hold most decimal ties: 3.675 is stored
//! as 3.67499999…, so `format!("{:.2}", x)` rounds it down, and it rounds ties to even. Plans are
//! read and checked by people with a calculator, who round half away from zero on the decimal digits
//! they see. We therefore take the decimal form of 15 significant digits (which removes the
//! binary noise of a few arithmetic steps) and round that.
//!
//! That decimal form is the one `format!("{:.14e}")` writes, computed with integer arithmetic
//! (a page shows hundreds of thousands of figures; formatting and re-reading each was a quarter
//! of the computation). The formatter stays as the reference, and as the path for the values
//! the arithmetic does not cover (subnormal, or beyond 10^±30); a test compares both.
//!
//! Rounding is applied only to what is shown and exported, never to a value that feeds a further
//! computation.

/// Significant digits kept before rounding: enough for every figure of a plan, few enough to drop the
/// noise that a handful of float operations leave in the last bits.
const SIGNIFICANT: usize = 15;

/// Rounds `value` half away from zero to `decimals` decimals and returns the text the user sees.
///
/// Ties are decided on the 15-significant-digit decimal form of `value`, so a tie that binary float
/// holds slightly below (3.675 computed as 3.25 + 0.85·0.5) still rounds up. Negative numbers use
/// an ASCII `-`; a value that rounds to zero has no sign. Non-finite input gives `NaN`, `inf` or
/// `-inf`.
///
/// ```
/// use zhibiao::plan::round::shown;
/// assert_eq!(shown(38126.5, 0), "38127");
/// assert_eq!(shown(71.25, 1), "71.3");
/// assert_eq!(shown(3.25 + (4.1 - 3.25) * 0.5, 2), "3.68");
/// assert_eq!(shown(-2.5, 0), "-3");
/// assert_eq!(shown(2.0, 2), "2.00");
/// ```
pub fn shown(value: f64, decimals: u8) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_shown(&mut out, value, decimals);
    out
}

/// Writes what [`shown`] returns to `out`, without allocating for a finite value within
/// 10^±30 (the values of a plan): the text a [`Shown`](super::model::Shown) displays.
///
/// # Errors
/// Only those of `out`.
///
/// ```
/// use zhibiao::plan::round::write_shown;
/// let mut s = String::new();
/// write_shown(&mut s, -2.345, 2).unwrap();
/// assert_eq!(s, "-2.35");
/// ```
pub fn write_shown<W: std::fmt::Write>(out: &mut W, value: f64, decimals: u8) -> std::fmt::Result {
    if value.is_nan() {
        return out.write_str("NaN");
    }
    if value.is_infinite() {
        return out.write_str(if value > 0.0 { "inf" } else { "-inf" });
    }
    if value == 0.0 {
        return write_decimal(out, false, 0, 0, decimals);
    }
    match decimal15(value.abs()) {
        Some((mantissa, exp)) => write_decimal(out, value < 0.0, mantissa, exp, decimals),
        None => out.write_str(&shown_by_text(value, decimals)),
    }
}

/// Formats what [`shown`] returns through `f`, honouring its width, fill and alignment: the
/// `Display` of [`Shown`](super::model::Shown) and [`YearTarget`](super::model::YearTarget).
/// Allocates only for a text longer than 64 bytes.
///
/// # Errors
/// Only those of `f`.
pub fn fmt_shown(f: &mut std::fmt::Formatter<'_>, value: f64, decimals: u8) -> std::fmt::Result {
    let mut text = StackText::default();
    match write_shown(&mut text, value, decimals) {
        Ok(()) => f.pad(text.as_str()),
        Err(_) => f.pad(&shown(value, decimals)),
    }
}

/// A short text on the stack; writing past its 64 bytes fails.
struct StackText {
    buf: [u8; 64],
    len: usize,
}

impl Default for StackText {
    fn default() -> Self {
        Self {
            buf: [0; 64],
            len: 0,
        }
    }
}

impl StackText {
    fn as_str(&self) -> &str {
        // Only whole `&str`s are ever written.
        self.buf
            .get(..self.len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

impl std::fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let slot = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// 10^14 and 10^15: the bounds of a 15-digit mantissa.
const P14: u64 = 100_000_000_000_000;
const P15: u64 = 1_000_000_000_000_000;

/// The exact powers of ten of an `f64` (10^22 is the largest one a double holds exactly).
const POW10_F64: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// 10^0 … 10^19.
const POW10_U64: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut i = 1;
    while i < t.len() {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// 5^0 … 5^30.
const POW5: [u128; 31] = {
    let mut t = [1u128; 31];
    let mut i = 1;
    while i < t.len() {
        t[i] = t[i - 1] * 5;
        i += 1;
    }
    t
};

/// The 15-significant-digit decimal form of a finite `a > 0`: `(m, e)` with 10^14 ≤ m < 10^15
/// and `a ≈ m × 10^(e − 14)`, rounded half to even on the exact binary value — the digits and
/// exponent that `format!("{:.14e}", a)` writes, without formatting. Integer arithmetic on
/// `a = f × 2^q`: `a × 10^s = f × 5^s × 2^(q + s)`, exact in `u128` while `|s| ≤ 30` and the
/// shifts fit; `None` outside that (the caller then formats).
fn decimal15(a: f64) -> Option<(u64, i32)> {
    let bits = a.to_bits();
    let biased = i32::try_from((bits >> 52) & 0x7ff).ok()?;
    if biased == 0 || biased == 0x7ff {
        // Subnormal, or not finite: rare, left to the formatter.
        return None;
    }
    let f = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
    let q = biased - 1075;
    // floor(log10(2^log2)) (78913 / 2^18 is log10 2 to 6 digits, exact for |log2| < 1650): a
    // is below 2^(log2 + 1), so floor(log10(a)) is this or one more, which an exact comparison
    // with a power of ten settles where one exists, and the loop below otherwise.
    let log2 = biased - 1023;
    let mut e = (log2 * 78913) >> 18;
    if let Some(&next) = usize::try_from(e + 1).ok().and_then(|i| POW10_F64.get(i)) {
        if a >= next {
            e += 1;
        }
    }
    for _ in 0..4 {
        let (quot, half) = scaled(f, q, 14 - e)?;
        if quot >= u128::from(P15) {
            e += 1;
            continue;
        }
        if quot < u128::from(P14) {
            e -= 1;
            continue;
        }
        let mut m = u64::try_from(quot).ok()?;
        let up = match half {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Equal => m % 2 == 1,
            std::cmp::Ordering::Less => false,
        };
        if up {
            m += 1;
        }
        return Some(if m == P15 { (P14, e + 1) } else { (m, e) });
    }
    None
}

/// `floor(f × 2^q × 10^s)` and how the dropped fraction compares with ½; `None` when the
/// numbers would not fit in `u128`.
fn scaled(f: u64, q: i32, s: i32) -> Option<(u128, std::cmp::Ordering)> {
    use std::cmp::Ordering;
    if !(-30..=30).contains(&s) {
        return None;
    }
    let p5 = *POW5.get(usize::try_from(s.unsigned_abs()).ok()?)?;
    let e2 = q + s;
    if s >= 0 {
        // f × 5^s × 2^e2: a shift either way (numbers below 10^15 with decimals: the usual case).
        let num = u128::from(f) * p5;
        let sh = e2.unsigned_abs();
        if e2 >= 0 {
            return (sh < num.leading_zeros()).then(|| (num << sh, Ordering::Less));
        }
        if sh >= 127 {
            return None;
        }
        // sh ≥ 1 here: the dropped bits against ½ = 2^(sh − 1).
        let rem = num & ((1u128 << sh) - 1);
        return Some((num >> sh, rem.cmp(&(1u128 << (sh - 1)))));
    }
    let (mut num, mut den) = (u128::from(f), p5);
    let sh = e2.unsigned_abs();
    if e2 >= 0 {
        if sh >= num.leading_zeros() {
            return None;
        }
        num <<= sh;
    } else {
        // Keep two spare bits so that 2 × remainder cannot overflow.
        if sh + 2 > den.leading_zeros() {
            return None;
        }
        den <<= sh;
    }
    Some((num / den, (2 * (num % den)).cmp(&den)))
}

/// Writes `m × 10^(e − 14)` (a 15-digit mantissa, or 0) rounded half away from zero to
/// `decimals` decimals, with a `-` when `negative` and the result is not zero.
fn write_decimal<W: std::fmt::Write>(
    out: &mut W,
    negative: bool,
    m: u64,
    e: i32,
    decimals: u8,
) -> std::fmt::Result {
    let d = i64::from(decimals);
    // Digits of the mantissa dropped by the rounding; negative: zeros appended.
    let k = 14 - i64::from(e) - d;
    let (rounded, zeros) = if k <= 0 {
        (m, usize::try_from(-k).unwrap_or(0))
    } else if let Some(&p) = usize::try_from(k).ok().and_then(|k| POW10_U64.get(k)) {
        let q = m / p;
        (q + u64::from(m - q * p >= p / 2), 0)
    } else {
        (0, 0)
    };
    let mut buf = [0u8; 20];
    let mut first = buf.len();
    let mut r = rounded;
    loop {
        first -= 1;
        buf[first] = b'0' + (r % 10) as u8;
        r /= 10;
        if r == 0 {
            break;
        }
    }
    let digits = buf.get(first..).unwrap_or(&[]);
    // The figures are `pad` zeros, the digits of `rounded`, then `zeros` zeros, with the point
    // `decimals` from the right and at least one figure before it.
    let d = usize::from(decimals);
    let len = digits.len() + zeros;
    let pad = (d + 1).saturating_sub(len);
    let figures = Figures { pad, digits, zeros };
    let int_len = len + pad - d;
    if negative && rounded != 0 {
        out.write_char('-')?;
    }
    figures.write(out, 0, int_len)?;
    if d > 0 {
        out.write_char('.')?;
        figures.write(out, int_len, len + pad)?;
    }
    Ok(())
}

/// The figures of a rounded number: `pad` zeros, `digits`, `zeros` zeros.
struct Figures<'a> {
    pad: usize,
    digits: &'a [u8],
    zeros: usize,
}

impl Figures<'_> {
    /// Writes the figures `from..to`.
    fn write<W: std::fmt::Write>(&self, out: &mut W, from: usize, to: usize) -> std::fmt::Result {
        let digits_end = self.pad + self.digits.len();
        write_zeros(out, from.min(self.pad), to.min(self.pad))?;
        let (a, b) = (
            from.clamp(self.pad, digits_end),
            to.clamp(self.pad, digits_end),
        );
        if let Some(run) = self.digits.get(a - self.pad..b - self.pad) {
            // ASCII digits only.
            out.write_str(std::str::from_utf8(run).unwrap_or(""))?;
        }
        let end = digits_end + self.zeros;
        write_zeros(out, from.clamp(digits_end, end), to.clamp(digits_end, end))
    }
}

/// Writes `to − from` zeros (none when `to ≤ from`).
fn write_zeros<W: std::fmt::Write>(out: &mut W, from: usize, to: usize) -> std::fmt::Result {
    const ZEROS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
    let mut n = to.saturating_sub(from);
    while n > 0 {
        let k = n.min(ZEROS.len());
        out.write_str(ZEROS.get(..k).unwrap_or(""))?;
        n -= k;
    }
    Ok(())
}

/// [`shown`] by formatting: the decimal string of 15 significant digits, rounded as a string.
/// The reference for [`decimal15`] and the path for values it does not handle.
fn shown_by_text(value: f64, decimals: u8) -> String {
    if value.is_nan() {
        return "NaN".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let d = usize::from(decimals);
    // "d.dddddddddddddde<exp>" with SIGNIFICANT digits.
    let sci = format!("{:.*e}", SIGNIFICANT - 1, value.abs());
    let (mantissa, exp) = match sci.split_once('e') {
        Some(parts) => parts,
        None => return sci,
    };
    let exp: i64 = exp.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    // Number of digits before the decimal point.
    let mut int_len: i64 = exp + 1;
    if int_len < 1 {
        // Prepend zeros so that there is at least one integer digit ("0.00123").
        let pad = usize::try_from(1 - int_len).unwrap_or(0);
        let mut padded = vec![0u8; pad];
        padded.extend_from_slice(&digits);
        digits = padded;
        int_len = 1;
    }
    let int_len = usize::try_from(int_len).unwrap_or(1);
    let keep = int_len + d;
    if digits.len() < keep + 1 {
        digits.resize(keep + 1, 0);
    }
    let round_up = digits.get(keep).is_some_and(|&x| x >= 5);
    digits.truncate(keep);
    let mut int_len = int_len;
    if round_up {
        let mut carry = true;
        for x in digits.iter_mut().rev() {
            if *x == 9 {
                *x = 0;
            } else {
                *x += 1;
                carry = false;
                break;
            }
        }
        if carry {
            digits.insert(0, 1);
            int_len += 1;
        }
    }
    let negative = value < 0.0 && digits.iter().any(|&x| x != 0);
    let mut out = String::with_capacity(digits.len() + 2);
    if negative {
        out.push('-');
    }
    let (int_part, frac_part) = digits.split_at(int_len.min(digits.len()));
    let first_nonzero = int_part
        .iter()
        .position(|&x| x != 0)
        .unwrap_or(int_part.len().saturating_sub(1));
    for &x in int_part.iter().skip(first_nonzero) {
        out.push(char::from(b'0' + x));
    }
    if int_part.is_empty() {
        out.push('0');
    }
    if !frac_part.is_empty() {
        out.push('.');
        for &x in frac_part {
            out.push(char::from(b'0' + x));
        }
    }
    out
}

/// Rounds `value` half away from zero to `decimals` decimals, as [`shown`] does, and returns the
/// number. Non-finite values are returned unchanged.
///
/// ```
/// use zhibiao::plan::round::round;
/// assert_eq!(round(94.65, 1), 94.7);
/// ```
pub fn round(value: f64, decimals: u8) -> f64 {
    if !value.is_finite() {
        return value;
    }
    shown(value, decimals).parse().unwrap_or(value)
}

/// `value` cleaned to 15 significant digits: removes binary noise such as 0.356 × 100 =
/// 35.599999999999994 (→ 35.6) without changing any figure a person could have written.
pub fn clean(value: f64) -> f64 {
    if !value.is_finite() || value == 0.0 {
        return value;
    }
    // m × 10^(e − 14) with m < 2^53 and an exact power of ten: one correctly rounded operation,
    // the number that parsing the 15-digit text gives.
    if let Some((m, e)) = decimal15(value.abs()) {
        let k = e - 14;
        let m = m as f64;
        let p = POW10_F64.get(usize::try_from(k.unsigned_abs()).unwrap_or(usize::MAX));
        if let Some(&p) = p {
            let a = if k >= 0 { m * p } else { m / p };
            return if value < 0.0 { -a } else { a };
        }
    }
    format!("{:.*e}", SIGNIFICANT - 1, value)
        .parse()
        .unwrap_or(value)
}

/// The decimals of `format!("{}", clean(value))` (the shortest text of the cleaned number), from
/// its 15 significant digits without trailing zeros; `None` where [`clean`] formats.
pub(super) fn clean_decimals(value: f64) -> Option<usize> {
    if value == 0.0 {
        return Some(0);
    }
    if !value.is_finite() {
        return None;
    }
    let (m, e) = decimal15(value.abs())?;
    let tz = (0..15).find(|&k| m % 10u64.pow(k + 1) != 0).unwrap_or(15);
    Some(usize::try_from(14 - i64::from(e) - i64::from(tz)).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_round_half_away_from_zero() {
        // 38126.5 is exact in binary: half away from zero gives 38127 (half-to-even would too,
        // 2.5 → 3 would not).
        assert_eq!(shown(38126.5, 0), "38127");
        assert_eq!(shown(2.5, 0), "3");
        assert_eq!(shown(-2.5, 0), "-3");
        // 71.25 is exact; half-to-even would give 71.2.
        assert_eq!(shown(71.25, 1), "71.3");
        // 94.65 is 94.650000000000005684… in binary (above the tie) but check anyway.
        assert_eq!(shown(94.65, 1), "94.7");
        // 3.25 + (4.1 − 3.25)·0.5 = 3.6749999999999998 in binary: the tie 3.675 must still round up.
        let g = 3.25 + (4.1 - 3.25) * 0.5;
        assert!(g < 3.675 + 1e-15);
        assert_eq!(shown(g, 2), "3.68");
        // 1.005 is 1.00499999999999989… in binary.
        assert_eq!(shown(1.005, 2), "1.01");
    }

    #[test]
    fn padding_carry_and_sign() {
        assert_eq!(shown(2.0, 2), "2.00");
        assert_eq!(shown(9.996, 2), "10.00");
        assert_eq!(shown(99.5, 0), "100");
        assert_eq!(shown(0.0004, 3), "0.000");
        assert_eq!(shown(-0.0004, 3), "0.000");
        assert_eq!(shown(-0.0005, 3), "-0.001");
        assert_eq!(shown(0.000123, 6), "0.000123");
        assert_eq!(shown(0.0, 0), "0");
        assert_eq!(shown(-58.8, 0), "-59");
        assert_eq!(shown(1e20, 0), "100000000000000000000");
        assert_eq!(shown(123456.0, 0), "123456");
        assert_eq!(shown(0.5, 0), "1");
        assert_eq!(shown(0.4999, 0), "0");
        assert_eq!(shown(f64::NAN, 2), "NaN");
    }

    use crate::plan::testing::Rng;

    /// The reference of [`clean`]: the number that the 15-digit text parses to.
    fn clean_by_text(value: f64) -> f64 {
        format!("{:.*e}", SIGNIFICANT - 1, value)
            .parse()
            .unwrap_or(value)
    }

    fn check(v: f64) {
        if (1e-12..1e25).contains(&v.abs()) {
            assert!(
                decimal15(v.abs()).is_some(),
                "{v:e} is left to the formatter"
            );
        }
        for d in [0u8, 1, 2, 3, 4, 5, 6, 8, 12, 15, 17, 20, 25, 40, 63, 100] {
            assert_eq!(shown(v, d), shown_by_text(v, d), "shown({v:e}, {d})");
        }
        let shortest = format!("{}", clean_by_text(v));
        if v.is_finite() {
            let d = shortest.split_once('.').map_or(0, |(_, f)| f.len());
            if let Some(fast) = clean_decimals(v) {
                assert_eq!(fast, d, "decimals of {shortest}");
            }
        }
        let c = clean(v);
        let r = clean_by_text(v);
        assert!(
            c.to_bits() == r.to_bits() || (c.is_nan() && r.is_nan()),
            "clean({v:e}) = {c:e}, not {r:e}"
        );
    }

    #[test]
    fn arithmetic_rounding_equals_the_text_rounding() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        // Edge values: zeros, ties, carries, powers of ten and their neighbours, huge and tiny.
        let mut edges = vec![
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            -2.5,
            9.995,
            9.996,
            99.5,
            999_999_999_999_999.0,
            1_000_000_000_000_005.0,
            1_000_000_000_000_015.0,
            1_000_000_000_000_025.0,
            9.999_999_999_999_995e14,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            1e-300,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for k in -40..=40 {
            let p = 10f64.powi(k);
            for x in [p, p * 0.5, p * 1.5, p * 2.5, p * 9.5] {
                edges.extend([
                    x,
                    -x,
                    f64::from_bits(x.to_bits() + 1),
                    f64::from_bits(x.to_bits() - 1),
                ]);
            }
        }
        for v in edges {
            check(v);
        }
        for _ in 0..8_000 {
            // Any bit pattern.
            check(f64::from_bits(rng.next()));
            // Numbers a person writes: a few digits at a few decimals, and their ties.
            let digits = rng.below(10_000_000) as f64;
            let scale = 10f64.powi(rng.below(12) as i32 - 4);
            let written = digits / scale;
            check(written);
            check(-written);
            check((digits + 0.5) / scale);
            // What the engine computes from them: interpolations, growth, ratios.
            let b = rng.below(100_000) as f64 / 100.0;
            let t = rng.below(100_000) as f64 / 100.0;
            let f = rng.unit();
            check(b + (t - b) * f);
            check(b * (1.0 + t / 1000.0).powf(f * 10.0));
            if t > 0.0 {
                check(100.0 * b / t);
            }
            check(b * 100.0);
        }
    }

    #[test]
    fn round_returns_the_number() {
        assert_eq!(round(1.296, 2), 1.3);
        assert_eq!(round(-2.5, 0), -3.0);
        assert_eq!(round(f64::INFINITY, 2), f64::INFINITY);
        assert_eq!(clean(0.356 * 100.0), 35.6);
    }
}
