package io.portager.schedule;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.testenv.MutationFuzzer;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fuzzes the cron and {@code @every} parser, then the next-run search of what it accepts. */
class ScheduleFuzzTest {
  private static final Instant NOW = Instant.parse("2026-12-04T18:00:00Z");

  @Test
  void scheduleParserRejectsOnlyWithInvalidSchedule() {
    List<String> samples =
        List.of(
            "*/5 * * * *",
            "0 3 * * 1-5",
            "15,45 0-23/2 1,15 1-12 MON-FRI",
            "0 0 29 2 *",
            "@hourly",
            "@every 1h30m",
            "@every 90s",
            "0 0 L * ?",
            "59 23 31 DEC SUN");

    MutationFuzzer.Result result =
        MutationFuzzer.fromSystemProperties()
            .run(
                "schedule",
                samples,
                List.of(
                    "*", "/", "-", ",", "?", "L", "W", "#", "@every ", "@daily", "JAN", "SUN", "ms",
                    "h", "m", "s", "us", "ns", "60", "32", "13", "7"),
                ScheduleFuzzTest::parseAndFindNextRun,
                InvalidScheduleException.class);

    assertTrue(result.accepted() >= 6, result.toString());
  }

  private static void parseAndFindNextRun(String input) {
    Schedule schedule = Schedule.parse(input);
    try {
      Instant next = schedule.next(NOW);
      assertTrue(next.isAfter(NOW), input + ": next run " + next + " is not after " + NOW);
    } catch (DateTimeException e) {
      // documented: the next run would be past the year 999999999
    }
  }
}
