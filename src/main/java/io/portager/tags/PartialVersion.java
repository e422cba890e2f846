package io.portager.tags;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version in a comparator of a constraint, which may leave out parts or use a wildcard: {@code
 * 1.2.3}, {@code 1.2}, {@code 1.x}, {@code *}.
 *
 * <p>A missing part counts as a wildcard, as in Masterminds/semver 3.x, so {@code 1} means the same
 * as {@code 1.x} and {@code 1.x.x}. Parts after the first wildcard are ignored, so {@code 1.x.3}
 * means {@code 1.x}.
 *
 * @param floor the lowest version the text denotes, with wildcards read as 0 and any pre-release
 *     kept, so {@code 1.x-beta} has the floor 1.0.0-beta
 * @param precision how many leading parts are fixed numbers
 */
record PartialVersion(Version floor, Precision precision) {

  /** The parts of a partial version that are fixed numbers. */
  enum Precision {
    /** {@code *}: no part is fixed. */
    ANY,
    /** {@code 1} or {@code 1.x}: only the major number is fixed. */
    MAJOR,
    /** {@code 1.2} or {@code 1.2.x}: the major and minor numbers are fixed. */
    MINOR,
    /** {@code 1.2.3}: every part is fixed. */
    PATCH
  }

  private static final String PART = "0|[1-9][0-9]*|[xX*]";
  private static final String IDENTIFIER = "[0-9A-Za-z-]+";
  private static final Pattern SYNTAX =
      Pattern.compile(
          "[vV]?("
              + PART
              + ")(?:\\.("
              + PART
              + "))?(?:\\.("
              + PART
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

  /** Parses the version of a comparator, returning empty when the text is not one. */
  static Optional<PartialVersion> parse(String text) {
    Matcher matcher = SYNTAX.matcher(text);
    if (!matcher.matches() || hasLeadingZeroIdentifier(matcher.group(4))) {
      return Optional.empty();
    }
    Precision precision = precisionOf(matcher.group(1), matcher.group(2), matcher.group(3));
    try {
      Version floor =
          new Version(
              numberAt(matcher.group(1), precision.compareTo(Precision.MAJOR) >= 0),
              numberAt(matcher.group(2), precision.compareTo(Precision.MINOR) >= 0),
              numberAt(matcher.group(3), precision == Precision.PATCH),
              identifiers(matcher.group(4)),
              matcher.group(5) == null ? "" : matcher.group(5),
              text);
      return Optional.of(new PartialVersion(floor, precision));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Precision precisionOf(String major, String minor, String patch) {
    if (isWildcard(major)) {
      return Precision.ANY;
    }
    if (isWildcard(minor)) {
      return Precision.MAJOR;
    }
    if (isWildcard(patch)) {
      return Precision.MINOR;
    }
    return Precision.PATCH;
  }

  private static boolean isWildcard(String part) {
    return part == null || part.equals("x") || part.equals("X") || part.equals("*");
  }

  private static long numberAt(String part, boolean fixed) {
    return fixed ? Long.parseLong(part) : 0;
  }

  private static List<String> identifiers(String dotted) {
    return dotted == null ? List.of() : List.of(dotted.split("\\."));
  }

  private static boolean hasLeadingZeroIdentifier(String dotted) {
    return identifiers(dotted).stream().anyMatch(id -> LEADING_ZERO_NUMBER.matcher(id).matches());
  }

  /**
   * Returns true when the version has the same numbers as this one in the leading parts up to
   * {@code depth}, or up to this precision if that is shorter.
   */
  boolean sharesParts(Version version, Precision depth) {
    Precision compared = depth.compareTo(precision) < 0 ? depth : precision;
    return switch (compared) {
      case ANY -> true;
      case MAJOR -> version.major() == floor.major();
      case MINOR -> version.major() == floor.major() && version.minor() == floor.minor();
      case PATCH ->
          version.major() == floor.major()
              && version.minor() == floor.minor()
              && version.patch() == floor.patch();
    };
  }

  /** Returns true when the version is above every version this one denotes. */
  boolean isBelow(Version version) {
    return switch (precision) {
      case ANY -> false;
      case MAJOR -> version.major() > floor.major();
      case MINOR ->
          version.major() > floor.major()
              || version.major() == floor.major() && version.minor() > floor.minor();
      case PATCH -> version.compareTo(floor) > 0;
    };
  }

  boolean isExact() {
    return precision == Precision.PATCH;
  }

  boolean hasPrerelease() {
    return floor.isPrerelease();
  }

  @Override
  public String toString() {
    return floor.tag();
  }
}
