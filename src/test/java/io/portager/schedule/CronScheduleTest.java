package io.portager.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronScheduleTest {
  @ParameterizedTest(name = "{0} after {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          */15 * * * *    | 2026-03-10T10:07:00Z           | 2026-03-10T10:15:00Z
          */15 * * * *    | 2026-03-10T10:14:59.999Z       | 2026-03-10T10:15:00Z
          0 * * * *       | 2026-03-10T10:00:00.000000001Z | 2026-03-10T11:00:00Z
          1-30/5 * * * *  | 2026-03-10T10:27:00Z           | 2026-03-10T11:01:00Z
          1-30/5 * * * *  | 2026-03-10T10:02:00Z           | 2026-03-10T10:06:00Z
          5/15 * * * *    | 2026-03-10T10:21:00Z           | 2026-03-10T10:35:00Z
          5/15 * * * *    | 2026-03-10T10:50:00Z           | 2026-03-10T11:05:00Z
          1,15 3 * * *    | 2026-03-10T03:01:00Z           | 2026-03-10T03:15:00Z
          1,15 3 * * *    | 2026-03-10T03:15:00Z           | 2026-03-11T03:01:00Z
          30 9-17/4 * * * | 2026-03-10T13:30:00Z           | 2026-03-10T17:30:00Z
          30 9-17/4 * * * | 2026-03-10T17:30:00Z           | 2026-03-11T09:30:00Z
          0,30 */6 * * *  | 2026-03-10T18:30:00Z           | 2026-03-11T00:00:00Z
          */99999999999 * * * * | 2026-03-10T10:07:00Z     | 2026-03-10T11:00:00Z
          """)
  void nextHandlesStepsAndLists(String expression, Instant after, Instant expected) {
    Schedule schedule = Schedule.parse(expression);

    assertEquals(expected, schedule.next(after));
  }

  @ParameterizedTest(name = "{0} after {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          0 0 31 * *    | 2026-04-01T00:00:00Z | 2026-05-31T00:00:00Z
          0 0 31 * *    | 2026-05-31T00:00:00Z | 2026-07-31T00:00:00Z
          0 12 30 * *   | 2026-01-31T00:00:00Z | 2026-03-30T12:00:00Z
          0 0 28 2 *    | 2026-01-01T00:00:00Z | 2026-02-28T00:00:00Z
          0 0 29 2 *    | 2026-01-01T00:00:00Z | 2028-02-29T00:00:00Z
          0 0 29 2 *    | 2026-03-01T00:00:00Z | 2028-02-29T00:00:00Z
          0 0 29 2 *    | 2028-02-29T00:00:00Z | 2032-02-29T00:00:00Z
          0 0 29 2 *    | 2096-03-01T00:00:00Z | 2104-02-29T00:00:00Z
          0 0 29-31 * * | 2100-02-01T00:00:00Z | 2100-03-29T00:00:00Z
          0 0 1 1 *     | 2026-12-31T23:59:00Z | 2027-01-01T00:00:00Z
          59 23 31 12 * | 2026-12-31T23:59:00Z | 2027-12-31T23:59:00Z
          * * * * *     | 2026-12-31T23:59:30Z | 2027-01-01T00:00:00Z
          """)
  void nextHandlesMonthEndsAndLeapYears(String expression, Instant after, Instant expected) {
    Schedule schedule = Schedule.parse(expression);

    assertEquals(expected, schedule.next(after));
  }

  // 2026-03-01 is a Sunday.
  @ParameterizedTest(name = "{0} after {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          0 0 * * 0               | 2026-03-10T00:00:00Z | 2026-03-15T00:00:00Z
          0 0 * * 7               | 2026-03-10T00:00:00Z | 2026-03-15T00:00:00Z
          0 0 * * SUN             | 2026-03-10T00:00:00Z | 2026-03-15T00:00:00Z
          0 0 * * 5-7             | 2026-03-14T00:00:00Z | 2026-03-15T00:00:00Z
          0 0 * * 1/2             | 2026-03-13T00:00:00Z | 2026-03-16T00:00:00Z
          0 9 * * mon-fri         | 2026-03-13T09:00:00Z | 2026-03-16T09:00:00Z
          0 9 * * SAT,SUN         | 2026-03-10T00:00:00Z | 2026-03-14T09:00:00Z
          0 9 * JAN-MAR MON-FRI   | 2026-03-31T09:00:00Z | 2027-01-01T09:00:00Z
          0 0 1 jun *             | 2026-03-10T00:00:00Z | 2026-06-01T00:00:00Z
          0 0 1 Jul-Aug,DEC *     | 2026-08-01T00:00:00Z | 2026-12-01T00:00:00Z
          """)
  void nextHandlesNamesAndSunday(String expression, Instant after, Instant expected) {
    Schedule schedule = Schedule.parse(expression);

    assertEquals(expected, schedule.next(after));
  }

  // 2026-03-01 is a Sunday, so the Mondays in March 2026 are the 2nd, 9th, 16th, 23rd and 30th.
  @ParameterizedTest(name = "{0} after {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          0 0 13 * FRI    | 2026-03-01T00:00:00Z | 2026-03-06T00:00:00Z
          0 0 13 * FRI    | 2026-03-10T00:00:00Z | 2026-03-13T00:00:00Z
          0 0 1 * MON     | 2026-03-02T00:00:00Z | 2026-03-09T00:00:00Z
          0 0 1 * MON     | 2026-03-30T00:00:00Z | 2026-04-01T00:00:00Z
          0 0 30 2 MON    | 2026-01-01T00:00:00Z | 2026-02-02T00:00:00Z
          0 0 */2 * MON   | 2026-03-01T00:00:00Z | 2026-03-09T00:00:00Z
          0 0 */2 * MON   | 2026-03-23T00:00:00Z | 2026-04-13T00:00:00Z
          0 0 ? * MON     | 2026-03-10T00:00:00Z | 2026-03-16T00:00:00Z
          0 0 13 * ?      | 2026-03-14T00:00:00Z | 2026-04-13T00:00:00Z
          0 0 13 * *      | 2026-03-14T00:00:00Z | 2026-04-13T00:00:00Z
          0 0 13 * */7    | 2026-01-01T00:00:00Z | 2026-09-13T00:00:00Z
          """)
  void nextAppliesDayOfMonthOrDayOfWeekRule(String expression, Instant after, Instant expected) {
    Schedule schedule = Schedule.parse(expression);

    assertEquals(expected, schedule.next(after));
  }

  @ParameterizedTest(name = "{0} after {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          @hourly   | 2026-03-10T10:30:00Z | 2026-03-10T11:00:00Z
          @daily    | 2026-03-10T00:00:00Z | 2026-03-11T00:00:00Z
          @midnight | 2026-03-10T23:59:59Z | 2026-03-11T00:00:00Z
          @weekly   | 2026-03-10T00:00:00Z | 2026-03-15T00:00:00Z
          @monthly  | 2026-03-10T00:00:00Z | 2026-04-01T00:00:00Z
          @yearly   | 2026-03-10T00:00:00Z | 2027-01-01T00:00:00Z
          @annually | 2027-01-01T00:00:00Z | 2028-01-01T00:00:00Z
          @DAILY    | 2026-03-10T12:00:00Z | 2026-03-11T00:00:00Z
          """)
  void nextHandlesDescriptors(String descriptor, Instant after, Instant expected) {
    Schedule schedule = Schedule.parse(descriptor);

    assertEquals(expected, schedule.next(after));
  }
}
