package io.portager.registry;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bounded retries with exponential backoff and full jitter, honouring a server's {@code
 * Retry-After} in seconds up to {@code maxDelay}.
 */
record RetryPolicy(int maxRetries, Duration baseDelay, Duration maxDelay) {
  static final RetryPolicy DEFAULT =
      new RetryPolicy(4, Duration.ofMillis(250), Duration.ofSeconds(60));

  static boolean isRetryableStatus(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  /** Returns the wait before retry number {@code retry} (0 for the first retry). */
  Duration delay(int retry, Optional<String> retryAfter) {
    Optional<Duration> requested = retryAfter.flatMap(RetryPolicy::parseSeconds);
    if (requested.isPresent()) {
      return min(requested.get(), maxDelay);
    }
    long ceiling = min(baseDelay.multipliedBy(1L << Math.min(retry, 20)), maxDelay).toMillis();
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
  }

  // NOTE: only the delay-seconds form of Retry-After is read; an HTTP-date falls back to backoff.
  private static Optional<Duration> parseSeconds(String value) {
    try {
      long seconds = Long.parseLong(value.trim());
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException e) {
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
