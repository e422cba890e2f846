package io.portager.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryConcurrencyTest {
  private static String line(String time, String duration) {
    return "time=\""
        + time
        + "\" level=info msg=\"response completed\" go.version=go1.26.8"
        + " http.request.method=GET http.response.duration="
        + duration
        + " http.response.status=200";
  }

  @Test
  void countsOverlappingRequestsInEveryDurationForm() {
    List<String> log =
        List.of(
            line("2026-12-04T19:00:00.010000000Z", "10ms"),
            line("2026-12-04T19:00:00.009000000Z", "\"8500µs\""),
            line("2026-12-04T19:00:00.008000000Z", "0.005s"),
            line("2026-12-04T19:00:00.030000000Z", "\"900µs\""),
            "time=\"2026-12-04T19:00:00Z\" level=info msg=\"listening\"");

    RegistryConcurrency.Measurement measurement =
        RegistryConcurrency.measure(log, Instant.parse("2026-12-04T18:00:00Z"));

    assertEquals(4, measurement.requests());
    assertEquals(3, measurement.maxConcurrent());
  }

  @Test
  void skipsRequestsBeforeStart() {
    List<String> log =
        List.of(
            line("2026-12-04T19:00:00.010000000Z", "10ms"),
            line("2026-12-04T19:00:00.009000000Z", "9ms"));

    RegistryConcurrency.Measurement measurement =
        RegistryConcurrency.measure(log, Instant.parse("2026-12-04T19:00:00.009500000Z"));

    assertEquals(1, measurement.requests());
    assertEquals(1, measurement.maxConcurrent());
  }
}
