package io.portager.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScheduleParseTest {
  private static final String CRON_HINT =
      "use five fields (minute hour day-of-month month day-of-week), a descriptor such as"
          + " @hourly, or @every 1h30m";

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(
      strings = {
        "0 0 * * *",
        "  0 0 * * *  ",
        "0\t0\t*\t*\t*",
        "0  0 \t * *   *",
        "\t@daily\n",
        " @every   90s "
      })
  void toStringReturnsTrimmedText(String text) {
    Schedule schedule = Schedule.parse(text);

    assertEquals(text.strip(), schedule.toString());
  }

  @Test
  void fieldsSplitOnTabsAndRuns() {
    Schedule schedule = Schedule.parse(" 30\t 9 \t* * MON ");

    assertEquals(
        Instant.parse("2026-03-16T09:30:00Z"),
        schedule.next(Instant.parse("2026-03-10T00:00:00Z")));
  }

  @Test
  void rejectsNull() {
    InvalidScheduleException e =
        assertThrows(InvalidScheduleException.class, () -> Schedule.parse(null));

    assertEquals("invalid schedule: got null; " + CRON_HINT, e.getMessage());
  }

  @Test
  void rejectsMinuteOutOfRangeWithFullMessage() {
    InvalidScheduleException e =
        assertThrows(InvalidScheduleException.class, () -> Schedule.parse("61 * * * *"));

    assertEquals(
        "invalid schedule \"61 * * * *\": minute 61 is out of range 0-59; " + CRON_HINT,
        e.getMessage());
  }

  @Test
  void shortensLongTextInMessage() {
    String text = "* * * * * " + "1 ".repeat(100);

    InvalidScheduleException e =
        assertThrows(InvalidScheduleException.class, () -> Schedule.parse(text));

    assertTrue(e.getMessage().contains(text.substring(0, 100) + "...\""), e.getMessage());
    assertTrue(e.getMessage().contains("got 105 fields, want 5"), e.getMessage());
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          ''                   | invalid schedule "": the schedule is empty; use five fields
          '  \t '              | the schedule is empty
          * * * *              | got 4 fields, want 5; use five fields
          * * * * * *          | got 6 fields, want 5 (a seconds field is not supported)
          61 * * * *           | minute 61 is out of range 0-59
          99999999999 * * * *  | minute 99999999999 is out of range 0-59
          * 24 * * *           | hour 24 is out of range 0-23
          * * 0 * *            | day-of-month 0 is out of range 1-31
          * * 32 * *           | day-of-month 32 is out of range 1-31
          * * * 0 *            | month 0 is out of range 1-12
          * * * 13 *           | month 13 is out of range 1-12
          * * * * 8            | day-of-week 8 is out of range 0-7
          0-60 * * * *         | minute 60 is out of range 0-59
          */0 * * * *          | minute step 0 in "*/0" is invalid: the step must be at least 1
          * 1-5/0 * * *        | hour step 0 in "1-5/0"
          */-5 * * * *         | minute step "-5" in "*/-5" is not a positive integer
          */ * * * *           | minute step "" in "*/" is not a positive integer
          1/2/3 * * * *        | minute step "2/3" in "1/2/3" is not a positive integer
          */x * * * *          | minute step "x" in "*/x" is not a positive integer
          5-1 * * * *          | minute range 5-1 is reversed: its start is after its end
          * * * DEC-JAN *      | month range DEC-JAN is reversed
          * * * * FRI-MON      | day-of-week range FRI-MON is reversed
          * * * FOO *          | unknown month name "FOO" (want 1-12 or JAN-DEC)
          * * * MON *          | unknown month name "MON"
          * * * * funday       | unknown day-of-week name "funday" (want 0-7 or SUN-SAT)
          * * * * MON1         | day-of-week "MON1" is not a number or a name (want 0-7 or SUN-SAT)
          abc * * * *          | minute "abc" is not a number (want 0-59)
          * * JAN * *          | day-of-month "JAN" is not a number (want 1-31)
          -5 * * * *           | minute "-5" is missing a value
          1- * * * *           | minute "1-" is missing a value
          1-2-3 * * * *        | minute "2-3" is not a number
          1,,2 * * * *         | minute list "1,,2" has an empty element
          '1, * * * *'         | minute list "1," has an empty element
          ? * * * *            | "?" is only valid in day-of-month and day-of-week, not in minute
          * * * ? *            | not in month
          0 0 30 2 *           | it never runs, because day-of-month 30 does not occur in month 2
          0 0 31 4,6,9,11 *    | does not occur in month 4,6,9,11
          0 0 30,31 feb *      | never runs
          @weekdays            | unknown descriptor "@weekdays"; use @yearly, @annually
          @                    | unknown descriptor "@"
          @daily 5             | descriptor @daily takes no arguments
          @every               | @every is missing a duration; use a duration of at least 1s
          @every 1h 30m        | @every takes one duration without spaces
          @every 5x            | invalid duration "5x": unknown unit "x"
          @every 90            | invalid duration "90": missing unit after 90
          @every h             | invalid duration "h": expected a number at "h"
          @every 0             | interval 0 is not positive
          @every 0s            | interval 0s is not positive
          @every -1h           | interval -1h is not positive
          @every 500ms         | interval 500ms is below the minimum of 1s
          @every 999999999ns   | interval 999999999ns is below the minimum of 1s
          @every 0.5s          | interval 0.5s is below the minimum of 1s
          @every 3000000h      | longer than the maximum
          """)
  void rejectsInvalidSchedule(String text, String fragment) {
    InvalidScheduleException e =
        assertThrows(InvalidScheduleException.class, () -> Schedule.parse(text));

    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertTrue(e.getMessage().startsWith("invalid schedule \""), e.getMessage());
  }
}
