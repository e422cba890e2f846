package io.portager.schedule;

/**
 * The set of values that one cron field matches, as a bit mask: bit {@code v} is set when value
 * {@code v} matches. Every field's values fit in 0-63.
 */
record FieldValues(long bits) {
  /** Returns {@code first}, {@code first + step} and so on up to {@code last}, inclusive. */
  static FieldValues range(int first, int last, int step) {
    long bits = 0;
    // A long counter, because a step near Integer.MAX_VALUE would overflow an int.
    for (long value = first; value <= last; value += step) {
      bits |= 1L << value;
    }
    return new FieldValues(bits);
  }

  FieldValues union(FieldValues other) {
    return new FieldValues(bits | other.bits);
  }

  boolean contains(int value) {
    return (bits & (1L << value)) != 0;
  }

  /**
   * Returns the smallest value that is at least {@code from}, or -1 when there is none. {@code
   * from} must be in 0-63.
   */
  int nextFrom(int from) {
    long candidates = bits & (-1L << from);
    return candidates == 0 ? -1 : Long.numberOfTrailingZeros(candidates);
  }
}
