package io.portager.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogTest {
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final Clock clock = Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC);

  private String lines() {
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @AfterEach
  void restore() {
    Log.configure(Log.Format.LOGFMT, Log.Level.INFO, System.err, Clock.systemUTC());
  }

  @Test
  void logfmtLineHasEventAndQuotedValues() {
    Log.configure(Log.Format.LOGFMT, Log.Level.INFO, new PrintStream(buffer, true), clock);

    Log.get("test").info("tag_copied", "tag", "1.0", "error", "two words");

    assertEquals(
        "time=2026-12-04T10:00:00Z level=info logger=test event=tag_copied tag=1.0"
            + " error=\"two words\"\n",
        lines());
  }

  @Test
  void jsonLineEscapesValues() {
    Log.configure(Log.Format.JSON, Log.Level.INFO, new PrintStream(buffer, true), clock);

    Log.get("test").warn("failed", "error", "a \"quoted\"\nline", "count", 3);

    assertEquals(
        "{\"time\":\"2026-12-04T10:00:00Z\",\"level\":\"warn\",\"logger\":\"test\","
            + "\"event\":\"failed\",\"error\":\"a \\\"quoted\\\"\\nline\",\"count\":3}\n",
        lines());
  }

  @Test
  void levelBelowThresholdIsDropped() {
    Log.configure(Log.Format.LOGFMT, Log.Level.WARN, new PrintStream(buffer, true), clock);

    Log.get("test").info("ignored");

    assertEquals("", lines());
  }

  @Test
  void contextReachesEveryLineAndOtherThreads() throws Exception {
    Log.configure(Log.Format.LOGFMT, Log.Level.INFO, new PrintStream(buffer, true), clock);
    ExecutorService pool = Executors.newSingleThreadExecutor();

    try (Log.Scope scope = Log.withContext("object", "ns/a", "reconcile", "1f")) {
      Log.get("test").info("here");
      pool.submit(
              Log.propagating(
                  () -> {
                    Log.get("test").info("there");
                    return null;
                  }))
          .get(5, TimeUnit.SECONDS);
    }
    Log.get("test").info("after");
    pool.shutdown();

    String[] lines = lines().split("\n");
    assertTrue(lines[0].contains("event=here object=ns/a reconcile=1f"), lines[0]);
    assertTrue(lines[1].contains("event=there object=ns/a reconcile=1f"), lines[1]);
    assertTrue(!lines[2].contains("object="), lines[2]);
  }
}
