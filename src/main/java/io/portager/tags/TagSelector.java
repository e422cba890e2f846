package io.portager.tags;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Chooses which tags of a repository to sync from a constraint and include and exclude lists. */
public final class TagSelector {
  /** Maximum length of one include or exclude regular expression. */
  public static final int MAX_PATTERN_LENGTH = 1024;

  /**
   * Maximum characters a matcher may read while matching one regular expression against one tag.
   * Java's matcher backtracks: {@code (.*a){12}b} read a 46-character tag more than 50 million
   * times without finishing, while {@code .*-rc\..*} read a 128-character tag 445 times (measured
   * with {@link ReadLimitedText} on JDK 17). The limit leaves ordinary patterns ample room.
   */
  static final int MAX_MATCH_READS = 1_000_000;

  private static final int MAX_QUOTED_LENGTH = 80;

  /** Newest version first, then by tag text, so 1.2, 1.2.0 and v1.2.0 come out in that order. */
  private static final Comparator<Version> NEWEST_FIRST =
      Comparator.<Version>reverseOrder().thenComparing(Version::tag);

  private TagSelector() {}

  /**
   * Returns the tags that are versions satisfying the constraint and pass the include and exclude
   * lists, newest first, at most {@code maxTags} of them unless it is 0.
   *
   * <p>A tag passes when it fully matches at least one include pattern (or the include list is
   * empty) and fully matches no exclude pattern. Tags that are not versions, and tags longer than
   * the OCI limit of 128 characters, are never returned. Tags listed twice count once. Distinct
   * tags of the same version, such as {@code 1.2} and {@code v1.2.0}, are all returned and each
   * counts towards {@code maxTags}.
   *
   * @throws IllegalArgumentException when {@code maxTags} is negative, or when a pattern reads more
   *     than {@link #MAX_MATCH_READS} characters matching one tag
   */
  public static List<String> select(
      List<String> tags,
      Constraint constraint,
      List<Pattern> include,
      List<Pattern> exclude,
      int maxTags) {
    if (maxTags < 0) {
      throw new IllegalArgumentException(
          "invalid maxTags " + maxTags + ": want 0 for no limit or a positive number");
    }

    List<String> selected =
        tags.stream()
            .distinct()
            .map(Version::parse)
            .flatMap(Optional::stream)
            .filter(constraint::isSatisfiedBy)
            .filter(version -> passesFilters(version.tag(), include, exclude))
            .sorted(NEWEST_FIRST)
            .map(Version::tag)
            .toList();
    return maxTags > 0 && selected.size() > maxTags ? selected.subList(0, maxTags) : selected;
  }

  private static boolean passesFilters(String tag, List<Pattern> include, List<Pattern> exclude) {
    boolean included =
        include.isEmpty() || include.stream().anyMatch(pattern -> fullyMatches(pattern, tag));
    return included && exclude.stream().noneMatch(pattern -> fullyMatches(pattern, tag));
  }

  private static boolean fullyMatches(Pattern pattern, String tag) {
    try {
      return pattern.matcher(new ReadLimitedText(tag, MAX_MATCH_READS)).matches();
    } catch (ReadLimitExceededException e) {
      throw new IllegalArgumentException(
          "match regular expression \""
              + quote(pattern.pattern())
              + "\" against tag \""
              + tag
              + "\": read more than "
              + MAX_MATCH_READS
              + " characters, simplify the expression, for example remove nested repetition"
              + " such as (.*a){12}");
    }
  }

  /**
   * Compiles include or exclude regular expressions in Java syntax.
   *
   * @param field the path of the list in the resource, such as {@code spec.images[0].includeTags},
   *     which messages extend with the index of the bad element
   * @throws IllegalArgumentException when an element is null, longer than {@link
   *     #MAX_PATTERN_LENGTH} or not a valid regular expression
   */
  public static List<Pattern> compile(String field, List<String> regexes) {
    List<Pattern> patterns = new ArrayList<>();
    for (int i = 0; i < regexes.size(); i++) {
      patterns.add(compileElement(field + "[" + i + "]", regexes.get(i)));
    }
    return List.copyOf(patterns);
  }

  private static Pattern compileElement(String field, String regex) {
    if (regex == null) {
      throw new IllegalArgumentException(
          "invalid regular expression in " + field + ": missing value, give a regular expression");
    }
    if (regex.length() > MAX_PATTERN_LENGTH) {
      throw invalidRegex(
          field, regex, "longer than " + MAX_PATTERN_LENGTH + " characters, shorten it");
    }
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw invalidRegex(field, regex, describe(e));
    }
  }

  private static IllegalArgumentException invalidRegex(String field, String regex, String reason) {
    return new IllegalArgumentException(
        "invalid regular expression in " + field + " \"" + quote(regex) + "\": " + reason);
  }

  /** Describes a syntax error in lower case, as in "dangling meta character '*' at index 0". */
  private static String describe(PatternSyntaxException e) {
    String description = e.getDescription();
    String reason = Character.toLowerCase(description.charAt(0)) + description.substring(1);
    return e.getIndex() >= 0 ? reason + " at index " + e.getIndex() : reason;
  }

  private static String quote(String value) {
    if (value.length() <= MAX_QUOTED_LENGTH) {
      return value;
    }
    return value.substring(0, MAX_QUOTED_LENGTH) + "...";
  }
}
