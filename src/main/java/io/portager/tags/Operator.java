package io.portager.tags;

import io.portager.tags.PartialVersion.Precision;
import java.util.List;
import java.util.Optional;

/**
 * An operator of a comparator, with the meaning Masterminds/semver 3.x gives it.
 *
 * <p>With a partial version, {@code =}, {@code ~} and {@code ^} denote ranges, {@code >} means
 * above the whole range and {@code <=} means not above it, while {@code >=} and {@code <} compare
 * with the lowest version of the range. So {@code >1.2} is {@code >=1.3.0}, {@code <=1.2} is {@code
 * <1.3.0}, {@code >=1.2} is {@code >=1.2.0} and {@code <1.2} is {@code <1.2.0}.
 */
enum Operator {
  EQUAL("="),
  NOT_EQUAL("!="),
  GREATER(">"),
  GREATER_OR_EQUAL(">="),
  LESS("<"),
  LESS_OR_EQUAL("<="),
  TILDE("~"),
  CARET("^");

  private final String symbol;

  Operator(String symbol) {
    this.symbol = symbol;
  }

  /** Returns the operator that the text is, accepting {@code =>}, {@code =<} and {@code ~>}. */
  static Optional<Operator> fromSymbol(String text) {
    String symbol =
        switch (text) {
          case "=>" -> ">=";
          case "=<" -> "<=";
          case "~>" -> "~";
          default -> text;
        };
    return List.of(values()).stream().filter(op -> op.symbol.equals(symbol)).findFirst();
  }

  /** Returns true when the version satisfies this operator and bound, pre-release rules aside. */
  boolean test(Version version, PartialVersion bound) {
    return switch (this) {
      case EQUAL -> isEqual(version, bound);
      case NOT_EQUAL -> !isEqual(version, bound);
      case GREATER -> bound.isBelow(version);
      case GREATER_OR_EQUAL -> version.compareTo(bound.floor()) >= 0;
      case LESS -> version.compareTo(bound.floor()) < 0;
      case LESS_OR_EQUAL -> !bound.isBelow(version);
      case TILDE -> isAtLeast(version, bound) && bound.sharesParts(version, Precision.MINOR);
      case CARET -> isAtLeast(version, bound) && bound.sharesParts(version, caretDepth(bound));
    };
  }

  /** Reads {@code =1.2.3} as equal precedence and {@code =1.2} as the range 1.2.x. */
  private static boolean isEqual(Version version, PartialVersion bound) {
    if (bound.isExact()) {
      return version.compareTo(bound.floor()) == 0;
    }
    return isAtLeast(version, bound) && bound.sharesParts(version, Precision.PATCH);
  }

  private static boolean isAtLeast(Version version, PartialVersion bound) {
    return version.compareTo(bound.floor()) >= 0;
  }

  /**
   * Returns the parts a caret range keeps fixed: those up to the first non-zero number, or every
   * given part when all of them are 0. So {@code ^1.2.3} keeps 1, {@code ^0.2.3} keeps 0.2, {@code
   * ^0.0.3} keeps 0.0.3, {@code ^0.0} keeps 0.0 and {@code ^0} keeps 0.
   */
  private static Precision caretDepth(PartialVersion bound) {
    Version floor = bound.floor();
    if (floor.major() > 0) {
      return Precision.MAJOR;
    }
    if (floor.minor() > 0) {
      return Precision.MINOR;
    }
    return Precision.PATCH;
  }

  @Override
  public String toString() {
    return symbol;
  }
}
