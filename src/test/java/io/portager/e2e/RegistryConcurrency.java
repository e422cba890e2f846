package io.portager.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures how many requests a distribution registry was serving at once, from its access log: each
 * "response completed" line gives the completion time and {@code http.response.duration}, so the
 * request was in the registry from {@code time - duration} to {@code time}. The logfmt writer
 * quotes a duration in microseconds ({@code "850µs"}) because of its non-ASCII unit.
 */
final class RegistryConcurrency {
  private static final Pattern TIME = Pattern.compile("^time=\"([^\"]+)\"");
  private static final Pattern DURATION =
      Pattern.compile("http\\.response\\.duration=\"?([0-9.]+)(ns|µs|us|ms|s|m)\"?(?:\\s|$)");

  private RegistryConcurrency() {}

  /** The result: requests counted and the most that overlapped. */
  record Measurement(int requests, int maxConcurrent) {}

  /** Measures requests that completed at or after {@code since}. */
  static Measurement measure(Path accessLog, Instant since) {
    return measure(lines(accessLog), since);
  }

  static Measurement measure(List<String> accessLog, Instant since) {
    List<long[]> edges = new ArrayList<>();
    int requests = 0;
    for (String line : accessLog) {
      Matcher time = TIME.matcher(line);
      Matcher duration = DURATION.matcher(line);
      if (!line.contains("response completed") || !time.find() || !duration.find()) {
        continue;
      }
      Instant end = Instant.parse(time.group(1));
      if (end.isBefore(since)) {
        continue;
      }
      long endNanos = end.getEpochSecond() * 1_000_000_000L + end.getNano();
      long startNanos = endNanos - nanos(duration.group(1), duration.group(2));
      edges.add(new long[] {startNanos, 1});
      edges.add(new long[] {endNanos, -1});
      requests++;
    }
    // At equal times an end sorts before a start, so back-to-back requests do not overlap.
    edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int current = 0;
    int max = 0;
    for (long[] edge : edges) {
      current += (int) edge[1];
      max = Math.max(max, current);
    }
    return new Measurement(requests, max);
  }

  private static long nanos(String value, String unit) {
    double number = Double.parseDouble(value);
    double factor =
        switch (unit) {
          case "ns" -> 1;
          case "µs", "us" -> 1e3;
          case "ms" -> 1e6;
          case "s" -> 1e9;
          default -> 60e9;
        };
    return (long) (number * factor);
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
