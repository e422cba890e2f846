package io.portager.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoDurationTest {
  @ParameterizedTest(name = "[{0}]")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          0               | PT0S
          90s             | PT1M30S
          6h              | PT6H
          1h30m           | PT1H30M
          1.5h            | PT1H30M
          .5h             | PT30M
          5.h             | PT5H
          2h45m30s        | PT2H45M30S
          1h0.5m          | PT1H0M30S
          300ms           | PT0.3S
          1500us          | PT0.0015S
          1500\u00b5s     | PT0.0015S
          1500\u03bcs     | PT0.0015S
          7ns             | PT0.000000007S
          1.9ns           | PT0.000000001S
          +5m             | PT5M
          -1h             | PT-1H
          30m1h           | PT1H30M
          2562047h        | PT2562047H
          """)
  void parsesGoSyntax(String text, Duration expected) {
    assertEquals(expected, GoDuration.parse(text));
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          ''        | has no number
          -         | has no number
          h         | expected a number at "h"
          .h        | expected a number at ".h"
          1h.m      | expected a number at ".m"
          1         | missing unit after 1
          1h30      | missing unit after 30
          1.2.3h    | missing unit after 1.2
          1d        | unknown unit "d"
          1H        | unknown unit "H"
          1hm       | unknown unit "hm"
          2562048h  | longer than the maximum
          """)
  void rejectsInvalidDuration(String text, String fragment) {
    ScheduleSyntaxException e =
        assertThrows(ScheduleSyntaxException.class, () -> GoDuration.parse(text));

    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertTrue(e.getMessage().startsWith("invalid duration \"" + text + "\""), e.getMessage());
  }
}
