package dev.agora.rtfs.reader;

import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.SourcePos;
import dev.agora.rtfs.Value;

/**
 * Number tokens: 64-bit integers ({@code 42 -7 +3}) and floats ({@code 1.5 -2.0e3 1e5}). Digits are
 * required on both sides of a dot; there are no hex, octal or ratio literals. An integer that does
 * not fit in 64 bits is an error, never a silent wrap.
 */
final class Numbers {

  private Numbers() {}

  static Value parse(String token, SourcePos at) {
    int i = token.charAt(0) == '+' || token.charAt(0) == '-' ? 1 : 0;
    int intEnd = digits(token, i);
    if (intEnd == token.length()) {
      return integer(token, at);
    }
    int end = intEnd;
    boolean fraction = false;
    if (token.charAt(end) == '.') {
      int fracEnd = digits(token, end + 1);
      if (fracEnd == end + 1) {
        throw invalid(token, at, fracEnd == token.length() ? "write " + token + "0" : null);
      }
      end = fracEnd;
      fraction = true;
    }
    if (end < token.length() && (token.charAt(end) == 'e' || token.charAt(end) == 'E')) {
      int expStart = end + 1;
      if (expStart < token.length()
          && (token.charAt(expStart) == '+' || token.charAt(expStart) == '-')) {
        expStart++;
      }
      int expEnd = digits(token, expStart);
      if (expEnd == expStart) {
        throw invalid(token, at, null);
      }
      end = expEnd;
      fraction = true;
    }
    if (end != token.length() || !fraction) {
      throw invalid(token, at, hint(token));
    }
    double d = Double.parseDouble(token);
    if (Double.isInfinite(d)) {
      throw RtfsError.parse("float " + token + " is out of range (use ##Inf for infinity)", at);
    }
    return Value.of(d);
  }

  private static Value integer(String token, SourcePos at) {
    try {
      return Value.of(Long.parseLong(token));
    } catch (NumberFormatException e) {
      throw RtfsError.parse("integer " + token + " does not fit in 64 bits", at);
    }
  }

  private static int digits(String s, int from) {
    int i = from;
    while (i < s.length() && Reader.isDigit(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static String hint(String token) {
    if (token.startsWith("0x") || token.startsWith("0X")) {
      return "hexadecimal literals are not supported";
    }
    if (token.contains("T") && token.contains("-")) {
      return "timestamp literals are not supported: write a string";
    }
    if (token.contains("/")) {
      return "ratios are not supported: write a float or (/ a b)";
    }
    return null;
  }

  private static RtfsError invalid(String token, SourcePos at, String hint) {
    return RtfsError.parse(
        "invalid number '" + token + "'" + (hint == null ? "" : ": " + hint), at);
  }
}
