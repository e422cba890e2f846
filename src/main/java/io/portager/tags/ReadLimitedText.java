package io.portager.tags;

/**
 * Text that counts the characters a regular expression matcher reads and stops the match after a
 * limit. {@link java.util.regex} backtracks, so a pattern such as {@code (.*a){12}b} can read a
 * short tag more than 50 million times, and the count is a cheap bound on the time a match takes.
 *
 * <p>Not thread-safe: each match gets its own instance.
 */
final class ReadLimitedText implements CharSequence {
  private final String text;
  private final int maxReads;
  private int reads;

  ReadLimitedText(String text, int maxReads) {
    this.text = text;
    this.maxReads = maxReads;
  }

  /**
   * Returns the character at the index.
   *
   * @throws ReadLimitExceededException when this read is over the limit
   */
  @Override
  public char charAt(int index) {
    reads++;
    if (reads > maxReads) {
      throw new ReadLimitExceededException();
    }
    return text.charAt(index);
  }

  @Override
  public int length() {
    return text.length();
  }

  /** Returns a plain copy of the range: matchers call this only to extract matched groups. */
  @Override
  public CharSequence subSequence(int start, int end) {
    return text.substring(start, end);
  }

  @Override
  public String toString() {
    return text;
  }
}
