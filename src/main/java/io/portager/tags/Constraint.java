package io.portager.tags;

import java.util.List;

/**
 * A semver constraint in the syntax of Masterminds/semver 3.x, such as {@code ^1.2}, {@code
 * >=1.22.0 <1.23.0}, {@code 1.x || ~2.4} or {@code 1.2 - 1.4.5}.
 *
 * <p>Comparators joined by spaces or commas must all hold. Alternatives joined by {@code ||} need
 * one to hold. A pre-release version satisfies an alternative only when some comparator of that
 * alternative has a pre-release version, as in Masterminds/semver 3.2 and later. So {@code
 * >=1.0.0-0 <2.0.0} admits 1.5.0-beta.1 while {@code >=1.0.0} does not, and {@code 1.x ||
 * >=2.0.0-rc.1} admits 2.0.0-rc.2 but not 1.5.0-beta.1. Unlike npm, the pre-release may belong to
 * any version, not only to one named in the alternative.
 *
 * <p>Instances are immutable. The syntax and how each form reads are described on {@link #parse}.
 */
public final class Constraint {
  /** Maximum length of a constraint, so a runaway value cannot cost unbounded parsing. */
  public static final int MAX_LENGTH = 1024;

  private final String text;
  private final List<Alternative> alternatives;

  private Constraint(String text, List<Alternative> alternatives) {
    this.text = text;
    this.alternatives = List.copyOf(alternatives);
  }

  /**
   * Parses a constraint.
   *
   * <p>Operators are {@code =} (also written with no operator), {@code !=}, {@code >}, {@code <},
   * {@code >=} (or {@code =>}), {@code <=} (or {@code =<}), {@code ~} (or {@code ~>}) and {@code
   * ^}. Versions may start with {@code v}, leave out the minor or patch number, and use {@code x},
   * {@code X} or {@code *} as a wildcard. A missing part and a wildcard mean the same, so:
   *
   * <ul>
   *   <li>{@code 1.2}, {@code 1.2.x} and {@code =1.2} are {@code >=1.2.0 <1.3.0}, {@code 1} is
   *       {@code >=1.0.0 <2.0.0}, {@code *} is any release;
   *   <li>{@code >1.2} is {@code >=1.3.0}, {@code <=1.2} is {@code <1.3.0}, {@code >=1.2} is {@code
   *       >=1.2.0}, {@code <1.2} is {@code <1.2.0};
   *   <li>{@code ~1.2.3} is {@code >=1.2.3 <1.3.0}, {@code ~1.2} is {@code >=1.2.0 <1.3.0}, {@code
   *       ~1} is {@code >=1.0.0 <2.0.0};
   *   <li>{@code ^1.2.3} is {@code >=1.2.3 <2.0.0}, {@code ^0.2.3} is {@code >=0.2.3 <0.3.0},
   *       {@code ^0.0.3} is {@code >=0.0.3 <0.0.4}, {@code ^0} is {@code >=0.0.0 <1.0.0};
   *   <li>{@code 1.2 - 1.4.5} is {@code >=1.2 <=1.4.5}, so {@code 1.2.3 - 2} is {@code >=1.2.3
   *       <3.0.0}.
   * </ul>
   *
   * <p>NOTE: on a few degenerate forms the Masterminds/semver 3.x code departs from these range
   * readings, and this parser does not copy it: there {@code ~0.0.0} admits any release, {@code ^*}
   * only 0.0.0, {@code >*} anything above 0.0.0, {@code <=*} only major version 0, and {@code !=*}
   * anything but 0.0.0. Here {@code ~0.0.0} is {@code >=0.0.0 <0.1.0}, {@code ^*} and {@code <=*}
   * admit any release, and {@code >*} and {@code !=*} admit nothing.
   *
   * @throws IllegalArgumentException when the text is not a valid constraint, with a message that
   *     names the bad part and gives examples of valid constraints
   */
  public static Constraint parse(String text) {
    return new Constraint(text, ConstraintParser.parse(text));
  }

  /** Returns true when the version satisfies any alternative of this constraint. */
  public boolean isSatisfiedBy(Version version) {
    return alternatives.stream().anyMatch(alternative -> alternative.matches(version));
  }

  /** Returns the text the constraint was parsed from. */
  @Override
  public String toString() {
    return text;
  }

  /** Comparisons that must all hold, one of the alternatives joined by {@code ||}. */
  record Alternative(List<Comparison> comparisons) {
    Alternative {
      comparisons = List.copyOf(comparisons);
    }

    boolean matches(Version version) {
      if (version.isPrerelease() && !includesPrerelease()) {
        return false;
      }
      return comparisons.stream().allMatch(comparison -> comparison.matches(version));
    }

    private boolean includesPrerelease() {
      return comparisons.stream().anyMatch(comparison -> comparison.bound().hasPrerelease());
    }
  }
}
