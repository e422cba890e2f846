package io.portager.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks the skipping search in {@code next} against a walk over every minute. */
class CronScheduleSearchTest {
  private static final List<String> EXPRESSIONS =
      List.of(
          "*/7 */5 * * *",
          "0 0 13 * FRI",
          "15 10 */2 * MON",
          "0 0 31 * *",
          "5/15 1-3 1,15 JAN,JUL *",
          "0 12 * * 0,6",
          "30 9-17/4 * * 1-5",
          "59 23 * * *",
          "0 0 1 * MON",
          "0 0 29 2 1");

  private static final List<Instant> STARTS =
      List.of(
          Instant.parse("2026-01-01T00:00:00Z"),
          Instant.parse("2026-02-28T23:59:59Z"),
          Instant.parse("2027-12-31T23:59:00Z"),
          Instant.parse("2028-02-29T12:34:56.789Z"));

  /** The walk gives up after this long, which is longer than any gap in the expressions. */
  private static final Duration MAX_WALK = Duration.ofDays(400);

  static Stream<Arguments> expressionsAndStarts() {
    return EXPRESSIONS.stream()
        .flatMap(expression -> STARTS.stream().map(start -> Arguments.of(expression, start)));
  }

  @ParameterizedTest(name = "{0} after {1}")
  @MethodSource("expressionsAndStarts")
  void nextMatchesMinuteWalk(String expression, Instant after) {
    CronSchedule schedule = (CronSchedule) Schedule.parse(expression);

    Instant expected = walkToNextMatch(schedule, after);

    assertTrue(schedule.matches(expected), "the walk stopped on a minute that does not match");
    assertEquals(expected, schedule.next(after));
  }

  private static Instant walkToNextMatch(CronSchedule schedule, Instant after) {
    Instant minute = after.truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plusSeconds(60);
    Instant limit = after.plus(MAX_WALK);
    while (!schedule.matches(minute) && minute.isBefore(limit)) {
      minute = minute.plusSeconds(60);
    }
    return minute;
  }
}
