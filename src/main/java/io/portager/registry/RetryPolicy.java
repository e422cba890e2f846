package io.portager.registry;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bounded retries with exponential backoff and jitter. A server's {@code Retry-After} (RFC 9110
 * section 10.2.3: delay seconds or an HTTP date) replaces the backoff, up to {@code maxDelay}.
 * {@code maxTotalDelay} caps the sum of the waits of one request, so a registry that keeps
 * returning 429 cannot hold a worker for long.
 */
record RetryPolicy(int maxRetries, Duration baseDelay, Duration maxDelay, Duration maxTotalDelay) {
  static final RetryPolicy DEFAULT =
      new RetryPolicy(4, Duration.ofMillis(250), Duration.ofSeconds(60), Duration.ofMinutes(2));

  /** Creates a policy whose total wait is bounded only by the number of retries. */
  RetryPolicy(int maxRetries, Duration baseDelay, Duration maxDelay) {
    this(maxRetries, baseDelay, maxDelay, maxDelay.multipliedBy(Math.max(1, maxRetries)));
  }

  /**
   * True for 429 and the 5xx statuses that describe a transient server state. 501 (Not Implemented)
   * and 505 (HTTP Version Not Supported) would come back on every attempt.
   */
  static boolean isRetryableStatus(int status) {
    return status == 429 || status >= 500 && status <= 599 && status != 501 && status != 505;
  }

  /**
   * Returns the wait before retry number {@code retry} (0 for the first retry): the server's {@code
   * Retry-After} when present and valid, otherwise a random wait between half and all of {@code
   * baseDelay * 2^retry}, never more than {@code maxDelay}.
   */
  Duration delay(int retry, Optional<String> retryAfter, Instant now) {
    Optional<Duration> requested = retryAfter.flatMap(value -> parseRetryAfter(value, now));
    if (requested.isPresent()) {
      return min(requested.get(), maxDelay);
    }
    long ceiling = min(baseDelay.multipliedBy(1L << Math.min(retry, 20)), maxDelay).toMillis();
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
  }

  /** True when waiting {@code next} after {@code waited} stays within {@code maxTotalDelay}. */
  boolean allowsWait(Duration waited, Duration next) {
    return waited.plus(next).compareTo(maxTotalDelay) <= 0;
  }

  /** Parses delay seconds or an IMF-fixdate; a date in the past means no wait. */
  static Optional<Duration> parseRetryAfter(String value, Instant now) {
    String trimmed = value.trim();
    try {
      long seconds = Long.parseLong(trimmed);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException e) {
      // Not delay seconds, so it may be a date.
    }
    try {
      Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(now, at);
      return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Waits between attempts; tests replace it to avoid real sleeps. */
  interface Sleeper {
    Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

    void sleep(Duration duration) throws InterruptedException;
  }
}
