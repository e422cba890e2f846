package io.portager.schedule;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** Parser behind {@link Schedule#parse}: cron expressions, descriptors and {@code @every}. */
final class ScheduleParser {
  /** The shortest {@code @every} interval, so that a sync loop cannot spin. */
  static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  private static final String CRON_HINT =
      "use five fields (minute hour day-of-month month day-of-week),"
          + " a descriptor such as @hourly, or @every 1h30m";
  private static final String DESCRIPTOR_HINT =
      "use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly"
          + " or @every followed by a duration such as 1h30m";
  private static final String EVERY_HINT =
      "use a duration of at least 1s such as @every 90s or @every 1h30m,"
          + " with units ns, us, ms, s, m or h";
  private static final String NEVER_RUNS_HINT =
      "choose days of the month that occur in the chosen months";

  /** The cron expression for each descriptor, as in Vixie cron and robfig/cron. */
  private static final Map<String, String> DESCRIPTORS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  /** Schedule text longer than this is cut short in error messages. */
  private static final int MAX_QUOTED_LENGTH = 100;

  private ScheduleParser() {}

  static Schedule parse(String text) {
    if (text == null) {
      throw new InvalidScheduleException("invalid schedule: got null; " + CRON_HINT);
    }
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      throw invalid(trimmed, "the schedule is empty", CRON_HINT);
    }

    String[] words = trimmed.split("\\s+");
    if (words[0].startsWith("@")) {
      return parseDescriptor(trimmed, words);
    }
    if (words.length != 5) {
      String problem = "got " + words.length + " fields, want 5";
      if (words.length == 6) {
        problem += " (a seconds field is not supported)";
      }
      throw invalid(trimmed, problem, CRON_HINT);
    }
    return parseCron(trimmed, words);
  }

  private static Schedule parseDescriptor(String text, String[] words) {
    String name = words[0].toLowerCase(Locale.ROOT);
    if (name.equals("@every")) {
      return parseEvery(text, words);
    }

    String expression = DESCRIPTORS.get(name);
    if (expression == null) {
      throw invalid(text, "unknown descriptor \"" + words[0] + "\"", DESCRIPTOR_HINT);
    }
    if (words.length > 1) {
      throw invalid(text, "descriptor " + words[0] + " takes no arguments", DESCRIPTOR_HINT);
    }
    return parseCron(text, expression.split(" "));
  }

  private static Schedule parseEvery(String text, String[] words) {
    if (words.length == 1) {
      throw invalid(text, "@every is missing a duration", EVERY_HINT);
    }
    if (words.length > 2) {
      throw invalid(text, "@every takes one duration without spaces", EVERY_HINT);
    }

    String durationText = words[1];
    Duration interval;
    try {
      interval = GoDuration.parse(durationText);
    } catch (ScheduleSyntaxException e) {
      throw invalid(text, e.getMessage(), EVERY_HINT);
    }

    if (interval.isNegative() || interval.isZero()) {
      throw invalid(text, "interval " + durationText + " is not positive", EVERY_HINT);
    }
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      throw invalid(text, "interval " + durationText + " is below the minimum of 1s", EVERY_HINT);
    }
    return new EverySchedule(text, interval);
  }

  private static CronSchedule parseCron(String text, String[] fields) {
    CronSchedule schedule;
    try {
      schedule =
          new CronSchedule(
              text,
              CronField.MINUTE.parse(fields[0]),
              CronField.HOUR.parse(fields[1]),
              CronField.DAY_OF_MONTH.parse(fields[2]),
              CronField.MONTH.parse(fields[3]),
              CronField.DAY_OF_WEEK.parse(fields[4]),
              isStar(fields[2]),
              isStar(fields[4]));
    } catch (ScheduleSyntaxException e) {
      throw invalid(text, e.getMessage(), CRON_HINT);
    }

    if (!schedule.hasPossibleDay()) {
      String problem =
          "it never runs, because day-of-month "
              + fields[2]
              + " does not occur in month "
              + fields[3];
      throw invalid(text, problem, NEVER_RUNS_HINT);
    }
    return schedule;
  }

  /** Reports whether a day field counts as unrestricted for Vixie cron's day rule. */
  private static boolean isStar(String field) {
    return field.startsWith("*") || field.startsWith("?");
  }

  private static InvalidScheduleException invalid(String text, String problem, String hint) {
    return new InvalidScheduleException(
        "invalid schedule " + quote(text) + ": " + problem + "; " + hint);
  }

  private static String quote(String text) {
    String shown =
        text.length() <= MAX_QUOTED_LENGTH ? text : text.substring(0, MAX_QUOTED_LENGTH) + "...";
    return '"' + shown.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
