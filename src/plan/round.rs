//! Rounding for display (PLANNING-RULES "Rounding").
//!
//! This module exists because binary floating point cannot hold most decimal ties: 3.675 is stored
//! as 3.67499999…, so `format!("{:.2}", x)` rounds it down, and it rounds ties to even. Plans are
//! read and checked by people with a calculator, who round half away from zero on the decimal digits
//! they see. We therefore go through a decimal string of 15 significant digits (which removes the
//! binary noise of a few arithmetic steps) and round that string.
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
    if !value.is_finite() {
        return value;
    }
    format!("{:.*e}", SIGNIFICANT - 1, value)
        .parse()
        .unwrap_or(value)
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

    #[test]
    fn round_returns_the_number() {
        assert_eq!(round(1.296, 2), 1.3);
        assert_eq!(round(-2.5, 0), -3.0);
        assert_eq!(round(f64::INFINITY, 2), f64::INFINITY);
        assert_eq!(clean(0.356 * 100.0), 35.6);
    }
}
