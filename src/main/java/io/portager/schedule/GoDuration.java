package io.portager.schedule;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;

/**
 * Parser for durations in the syntax of Go's {@code time.ParseDuration}: an optional sign, then one
 * or more decimal numbers with an optional fraction, each followed by a unit, as in {@code 1h30m}
 * or {@code 1.5h}. A bare {@code 0} needs no unit.
 */
final class GoDuration {
  private static final Map<String, Long> NANOS_PER_UNIT =
      Map.of(
          "ns", 1L,
          "us", 1_000L,
          "\u00b5s", 1_000L, // U+00B5 MICRO SIGN
          "\u03bcs", 1_000L, // U+03BC GREEK SMALL LETTER MU
          "ms", 1_000_000L,
          "s", 1_000_000_000L,
          "m", 60_000_000_000L,
          "h", 3_600_000_000_000L);

  /** Go stores a duration as a signed 64-bit count of nanoseconds, about 292 years at most. */
  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

  private GoDuration() {}

  /**
   * Parses {@code text} into a duration, which may be zero or negative.
   *
   * @throws ScheduleSyntaxException naming the part of {@code text} that is wrong
   */
  static Duration parse(String text) {
    boolean negative = text.startsWith("-");
    String rest = negative || text.startsWith("+") ? text.substring(1) : text;
    if (rest.equals("0")) {
      return Duration.ZERO;
    }
    if (rest.isEmpty()) {
      throw invalid(text, "it has no number");
    }

    BigDecimal nanos = BigDecimal.ZERO;
    int position = 0;
    while (position < rest.length()) {
      int numberEnd = scanNumber(rest, position);
      String number = rest.substring(position, numberEnd);
      if (!number.chars().anyMatch(Character::isDigit)) {
        throw invalid(text, "expected a number at \"" + rest.substring(position) + "\"");
      }

      int unitEnd = scanUnit(rest, numberEnd);
      String unit = rest.substring(numberEnd, unitEnd);
      if (unit.isEmpty()) {
        throw invalid(text, "missing unit after " + number);
      }
      Long unitNanos = NANOS_PER_UNIT.get(unit);
      if (unitNanos == null) {
        throw invalid(text, "unknown unit \"" + unit + "\"");
      }

      // Go drops fractions of a nanosecond too, as in "1.5ns", which is 1ns.
      BigDecimal term = new BigDecimal(number).multiply(BigDecimal.valueOf(unitNanos));
      nanos = nanos.add(term.setScale(0, RoundingMode.DOWN));
      if (nanos.compareTo(MAX_NANOS) > 0) {
        throw invalid(text, "it is longer than the maximum of about 292 years");
      }
      position = unitEnd;
    }

    Duration duration = Duration.ofNanos(nanos.longValueExact());
    return negative ? duration.negated() : duration;
  }

  /** Returns the end of the digits, optional point and fraction digits starting at {@code from}. */
  private static int scanNumber(String text, int from) {
    int position = skipDigits(text, from);
    if (position < text.length() && text.charAt(position) == '.') {
      position = skipDigits(text, position + 1);
    }
    return position;
  }

  /** Returns the end of the unit, which runs up to the next digit or point. */
  private static int scanUnit(String text, int from) {
    int position = from;
    while (position < text.length()
        && !isDigit(text.charAt(position))
        && text.charAt(position) != '.') {
      position++;
    }
    return position;
  }

  private static int skipDigits(String text, int from) {
    int position = from;
    while (position < text.length() && isDigit(text.charAt(position))) {
      position++;
    }
    return position;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static ScheduleSyntaxException invalid(String text, String problem) {
    return new ScheduleSyntaxException("invalid duration \"" + text + "\": " + problem);
  }
}
