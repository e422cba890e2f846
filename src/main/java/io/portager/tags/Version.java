package io.portager.tags;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version read from a tag, such as {@code v1.2}, {@code 1.2.3-rc.1} or {@code
 * 2.0.0+build.5}.
 *
 * <p>Parsing is loose in the way Masterminds/semver 3.x {@code NewVersion} is: a {@code v} or
 * {@code V} prefix is allowed and missing minor or patch numbers are 0, so {@code v1.2} is 1.2.0.
 * The natural ordering is SemVer 2.0.0 precedence (https://semver.org/#spec-item-11), which ignores
 * build metadata and the tag text, so {@code compareTo} is inconsistent with {@code equals}: {@code
 * 1.2} and {@code v1.2.0} compare as 0 but are not equal.
 *
 * @param prerelease the dot-separated pre-release identifiers, empty for a release
 * @param build the build metadata without its {@code +}, empty when absent
 * @param tag the text the version was parsed from
 */
public record Version(
    long major, long minor, long patch, List<String> prerelease, String build, String tag)
    implements Comparable<Version> {

  /** Maximum length of an OCI tag, from the OCI Distribution Specification. */
  public static final int MAX_TAG_LENGTH = 128;

  // NOTE: Masterminds/semver reads 01.2.3 as 1.2.3. Leading zeros are rejected here, as SemVer
  // 2.0.0 requires, so date tags such as 2024.01.05 are not taken for versions.
  private static final String NUMBER = "0|[1-9][0-9]*";
  private static final String IDENTIFIER = "[0-9A-Za-z-]+";
  private static final Pattern SYNTAX =
      Pattern.compile(
          "[vV]?("
              + NUMBER
              + ")(?:\\.("
              + NUMBER
              + "))?(?:\\.("
              + NUMBER
              + "))?(?:-("
              + IDENTIFIER
              + "(?:\\."
              + IDENTIFIER
              + ")*))?(?:\\+("
              + IDENTIFIER
              + "(?:\\."
              + IDENTIFIER
              + ")*))?");
  private static final Pattern LEADING_ZERO_NUMBER = Pattern.compile("0[0-9]+");

  public Version {
    if (major < 0 || minor < 0 || patch < 0) {
      throw new IllegalArgumentException(
          "invalid version "
              + major
              + "."
              + minor
              + "."
              + patch
              + ": numbers must not be negative");
    }
    prerelease = List.copyOf(prerelease);
    Objects.requireNonNull(build, "build");
    Objects.requireNonNull(tag, "tag");
  }

  /**
   * Parses a tag as a version, returning empty when the tag is not one (for example {@code latest},
   * {@code sha-abc}, {@code 1.2.3.4}, {@code 01.2.3}, or a number beyond {@code long}).
   */
  public static Optional<Version> parse(String tag) {
    if (tag.length() > MAX_TAG_LENGTH) {
      return Optional.empty();
    }
    Matcher matcher = SYNTAX.matcher(tag);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    List<String> prerelease = splitIdentifiers(matcher.group(4));
    if (prerelease.stream().anyMatch(id -> LEADING_ZERO_NUMBER.matcher(id).matches())) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Version(
              parseNumber(matcher.group(1)),
              parseNumber(matcher.group(2)),
              parseNumber(matcher.group(3)),
              prerelease,
              matcher.group(5) == null ? "" : matcher.group(5),
              tag));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static long parseNumber(String digits) {
    return digits == null ? 0 : Long.parseLong(digits);
  }

  private static List<String> splitIdentifiers(String dotted) {
    return dotted == null ? List.of() : List.of(dotted.split("\\."));
  }

  /** Returns true for a pre-release such as {@code 1.0.0-rc.1}. */
  public boolean isPrerelease() {
    return !prerelease.isEmpty();
  }

  /** Compares by SemVer 2.0.0 precedence, ignoring build metadata and the tag text. */
  @Override
  public int compareTo(Version other) {
    int result = Long.compare(major, other.major);
    if (result == 0) {
      result = Long.compare(minor, other.minor);
    }
    if (result == 0) {
      result = Long.compare(patch, other.patch);
    }
    if (result == 0) {
      result = comparePrerelease(prerelease, other.prerelease);
    }
    return result;
  }

  /** Compares pre-release lists, where a release (an empty list) has the higher precedence. */
  private static int comparePrerelease(List<String> left, List<String> right) {
    if (left.isEmpty() || right.isEmpty()) {
      return Boolean.compare(left.isEmpty(), right.isEmpty());
    }
    int common = Math.min(left.size(), right.size());
    for (int i = 0; i < common; i++) {
      int result = compareIdentifier(left.get(i), right.get(i));
      if (result != 0) {
        return result;
      }
    }
    return Integer.compare(left.size(), right.size());
  }

  /**
   * Compares numeric identifiers by value and others in ASCII order, a numeric one being lower.
   * Numeric identifiers have no leading zeros and may exceed {@code long}, so the longer is larger.
   */
  private static int compareIdentifier(String left, String right) {
    boolean leftNumeric = isNumeric(left);
    boolean rightNumeric = isNumeric(right);
    if (leftNumeric && rightNumeric) {
      int byLength = Integer.compare(left.length(), right.length());
      return byLength != 0 ? byLength : left.compareTo(right);
    }
    if (leftNumeric || rightNumeric) {
      return leftNumeric ? -1 : 1;
    }
    return left.compareTo(right);
  }

  private static boolean isNumeric(String identifier) {
    return identifier.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /** Returns the canonical form {@code MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]}. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    text.append(major).append('.').append(minor).append('.').append(patch);
    if (isPrerelease()) {
      text.append('-').append(String.join(".", prerelease));
    }
    if (!build.isEmpty()) {
      text.append('+').append(build);
    }
    return text.toString();
  }
}
