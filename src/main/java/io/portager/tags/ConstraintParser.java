package io.portager.tags;

import io.portager.tags.Constraint.Alternative;
import java.util.ArrayList;
import java.util.List;

/** Reads the text of a {@link Constraint} into alternatives of comparisons. */
final class ConstraintParser {
  private static final String EXAMPLES = "examples: \"^1.2\", \">=1.22.0 <1.23.0\", \"1.x\"";
  private static final String OPERATOR_CHARACTERS = "=!<>~^";
  private static final int MAX_QUOTED_LENGTH = 80;

  private final String text;
  private final List<Comparison> comparisons = new ArrayList<>();
  private String[] tokens;
  private int next;

  private ConstraintParser(String text) {
    this.text = text;
  }

  static List<Alternative> parse(String text) {
    return new ConstraintParser(text).parseAlternatives();
  }

  private List<Alternative> parseAlternatives() {
    if (text.length() > Constraint.MAX_LENGTH) {
      throw invalid("longer than " + Constraint.MAX_LENGTH + " characters, shorten it");
    }
    if (text.isBlank()) {
      throw invalid("empty constraint");
    }

    List<Alternative> alternatives = new ArrayList<>();
    for (String alternative : text.split("\\|\\|", -1)) {
      alternatives.add(parseAlternative(alternative));
    }
    return alternatives;
  }

  private Alternative parseAlternative(String alternative) {
    if (alternative.isBlank()) {
      throw invalid("missing comparator next to \"||\"");
    }
    if (alternative.contains("|")) {
      throw invalid("single \"|\" found, join alternatives with \"||\"");
    }

    comparisons.clear();
    for (String group : alternative.split(",", -1)) {
      if (group.isBlank()) {
        throw invalid("missing comparator next to \",\"");
      }
      parseGroup(group.strip());
    }
    return new Alternative(comparisons);
  }

  /** Reads comparators separated by spaces, which may include hyphen ranges. */
  private void parseGroup(String group) {
    tokens = group.split("\\s+");
    next = 0;
    while (next < tokens.length) {
      parseComparator();
    }
  }

  private void parseComparator() {
    String token = tokens[next++];
    if (token.equals("-")) {
      throw invalid("unexpected \"-\", write a hyphen range as \"1.2 - 1.4.5\"");
    }
    String symbol = leadingOperator(token);
    Operator operator = symbol.isEmpty() ? Operator.EQUAL : operatorFor(symbol);
    String versionText = token.substring(symbol.length());
    if (versionText.isEmpty()) {
      versionText = takeVersionAfter(symbol);
    }
    PartialVersion bound = parseVersion(versionText);

    if (symbol.isEmpty() && next < tokens.length && tokens[next].equals("-")) {
      next++;
      addHyphenRange(bound);
      return;
    }
    comparisons.add(new Comparison(operator, bound));
  }

  private void addHyphenRange(PartialVersion lower) {
    if (next >= tokens.length) {
      throw invalid("missing version after \"-\" in hyphen range");
    }
    String upperText = tokens[next++];
    if (!leadingOperator(upperText).isEmpty()) {
      throw invalid("hyphen range needs versions without operators, got \"" + upperText + "\"");
    }
    comparisons.add(new Comparison(Operator.GREATER_OR_EQUAL, lower));
    comparisons.add(new Comparison(Operator.LESS_OR_EQUAL, parseVersion(upperText)));
  }

  /** Takes the next token as the version of an operator written apart from it, as in ">= 1.2". */
  private String takeVersionAfter(String symbol) {
    if (next >= tokens.length) {
      throw invalid("missing version after \"" + symbol + "\"");
    }
    String token = tokens[next];
    if (token.equals("-") || !leadingOperator(token).isEmpty()) {
      throw invalid("missing version after \"" + symbol + "\"");
    }
    next++;
    return token;
  }

  private static String leadingOperator(String token) {
    int end = 0;
    while (end < token.length() && OPERATOR_CHARACTERS.indexOf(token.charAt(end)) >= 0) {
      end++;
    }
    return token.substring(0, end);
  }

  private Operator operatorFor(String symbol) {
    return Operator.fromSymbol(symbol)
        .orElseThrow(() -> invalid("unknown operator \"" + quote(symbol) + "\""));
  }

  private PartialVersion parseVersion(String versionText) {
    return PartialVersion.parse(versionText)
        .orElseThrow(
            () ->
                invalid(
                    "invalid version \""
                        + quote(versionText)
                        + "\", want MAJOR[.MINOR[.PATCH]][-PRERELEASE] with x or * as wildcards"));
  }

  private IllegalArgumentException invalid(String detail) {
    return new IllegalArgumentException(
        "invalid semver constraint \"" + quote(text) + "\": " + detail + "; " + EXAMPLES);
  }

  /** Shortens text for a message, so a long value does not flood a condition or log line. */
  private static String quote(String value) {
    if (value.length() <= MAX_QUOTED_LENGTH) {
      return value;
    }
    return value.substring(0, MAX_QUOTED_LENGTH) + "...";
  }
}
