package io.portager.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EveryScheduleTest {
  @ParameterizedTest(name = "{0} after {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          @every 90s         | 2026-03-10T10:00:00Z           | 2026-03-10T10:01:30Z
          @every 6h          | 2026-03-10T20:00:00Z           | 2026-03-11T02:00:00Z
          @every 1h30m       | 2026-03-10T10:00:00Z           | 2026-03-10T11:30:00Z
          @every 1.5h        | 2026-03-10T10:00:00Z           | 2026-03-10T11:30:00Z
          @every 2h45m30s    | 2026-03-10T10:00:00Z           | 2026-03-10T12:45:30Z
          @every 1s          | 2026-03-10T10:00:00.25Z        | 2026-03-10T10:00:01.25Z
          @every 1500ms      | 2026-03-10T10:00:00Z           | 2026-03-10T10:00:01.5Z
          @every 1m0.5s      | 2026-03-10T10:00:00Z           | 2026-03-10T10:01:00.5Z
          @every 24h         | 2026-12-31T12:00:00.000000001Z | 2027-01-01T12:00:00.000000001Z
          @EVERY 1m          | 2026-03-10T10:00:00Z           | 2026-03-10T10:01:00Z
          """)
  void nextAddsInterval(String text, Instant after, Instant expected) {
    Schedule schedule = Schedule.parse(text);

    assertEquals(expected, schedule.next(after));
  }
}
