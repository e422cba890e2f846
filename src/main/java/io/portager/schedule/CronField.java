package io.portager.schedule;

import java.util.List;
import java.util.Locale;

/** One of the five fields of a cron expression, with its valid values and names. */
enum CronField {
  MINUTE("minute", 0, 59, 59, List.of()),
  HOUR("hour", 0, 23, 23, List.of()),
  DAY_OF_MONTH("day-of-month", 1, 31, 31, List.of()),
  MONTH(
      "month",
      1,
      12,
      12,
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
  // 7 is accepted as a second spelling of Sunday, but "*" and an open-ended step such as "1/2"
  // stop at 6 (Saturday), so "1/2" means Monday, Wednesday and Friday without Sunday.
  DAY_OF_WEEK("day-of-week", 0, 7, 6, List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"));

  private static final int SUNDAY_ALIAS = 7;

  private final String label;
  private final int min;
  private final int max;
  private final int openEnd;
  private final List<String> names;

  CronField(String label, int min, int max, int openEnd, List<String> names) {
    this.label = label;
    this.min = min;
    this.max = max;
    this.openEnd = openEnd;
    this.names = names;
  }

  /**
   * Parses one field: a comma-separated list of {@code *}, values and ranges, each with an optional
   * {@code /step}.
   *
   * @throws ScheduleSyntaxException naming the wrong value and the valid ones
   */
  FieldValues parse(String field) {
    FieldValues values = new FieldValues(0);
    for (String element : field.split(",", -1)) {
      if (element.isEmpty()) {
        throw new ScheduleSyntaxException(label + " list \"" + field + "\" has an empty element");
      }
      values = values.union(parseElement(element));
    }

    if (this == DAY_OF_WEEK && values.contains(SUNDAY_ALIAS)) {
      values = new FieldValues(values.bits() & ~(1L << SUNDAY_ALIAS)).union(new FieldValues(1));
    }
    return values;
  }

  private FieldValues parseElement(String element) {
    int slash = element.indexOf('/');
    String range = slash < 0 ? element : element.substring(0, slash);
    int step = slash < 0 ? 1 : parseStep(element.substring(slash + 1), element);

    if (range.equals("*") || range.equals("?")) {
      if (range.equals("?") && this != DAY_OF_MONTH && this != DAY_OF_WEEK) {
        throw new ScheduleSyntaxException(
            "\"?\" is only valid in day-of-month and day-of-week, not in " + label);
      }
      return FieldValues.range(min, openEnd, step);
    }

    int dash = range.indexOf('-');
    if (dash < 0) {
      int first = parseValue(range, element);
      int last = slash < 0 ? first : Math.max(first, openEnd);
      return FieldValues.range(first, last, step);
    }

    int first = parseValue(range.substring(0, dash), element);
    int last = parseValue(range.substring(dash + 1), element);
    if (first > last) {
      throw new ScheduleSyntaxException(
          label + " range " + range + " is reversed: its start is after its end");
    }
    return FieldValues.range(first, last, step);
  }

  private int parseStep(String step, String element) {
    if (!isDigits(step)) {
      throw new ScheduleSyntaxException(
          label + " step \"" + step + "\" in \"" + element + "\" is not a positive integer");
    }
    // A step of more than nine digits could overflow an int, so it becomes Integer.MAX_VALUE.
    // Any step past 63 selects only the first value, so large steps are accepted.
    int value = step.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(step);
    if (value == 0) {
      throw new ScheduleSyntaxException(
          label + " step 0 in \"" + element + "\" is invalid: the step must be at least 1");
    }
    return value;
  }

  private int parseValue(String text, String element) {
    if (text.isEmpty()) {
      throw new ScheduleSyntaxException(label + " \"" + element + "\" is missing a value");
    }
    if (isDigits(text)) {
      int value = text.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(text);
      if (value < min || value > max) {
        throw new ScheduleSyntaxException(
            label + " " + text + " is out of range " + min + "-" + max);
      }
      return value;
    }
    return parseName(text);
  }

  private int parseName(String text) {
    if (names.isEmpty()) {
      throw new ScheduleSyntaxException(
          label + " \"" + text + "\" is not a number (want " + min + "-" + max + ")");
    }

    int index = names.indexOf(text.toUpperCase(Locale.ROOT));
    if (index >= 0) {
      return min + index;
    }
    String valid = min + "-" + max + " or " + names.get(0) + "-" + names.get(names.size() - 1);
    if (text.chars().allMatch(Character::isLetter)) {
      throw new ScheduleSyntaxException(
          "unknown " + label + " name \"" + text + "\" (want " + valid + ")");
    }
    throw new ScheduleSyntaxException(
        label + " \"" + text + "\" is not a number or a name (want " + valid + ")");
  }

  private static boolean isDigits(String text) {
    return !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
