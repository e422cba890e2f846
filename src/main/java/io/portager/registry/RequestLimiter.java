package io.portager.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;

/**
 * The request limits of one registry endpoint: a cap on requests in flight (a fair semaphore) and
 * an optional token bucket for the request rate.
 *
 * <p>A permit covers one HTTP exchange from sending until the response headers arrive. Reading a
 * streamed response body does not hold it, so a blob stream feeding an upload to the same registry
 * cannot deadlock against its own upload.
 *
 * <p>Mutable state: the bucket's token count and refill instant, and the end of a pause that a 429
 * requested, guarded by this object's monitor. The count goes negative when callers have reserved
 * tokens that are not refilled yet, and each of them sleeps until its own token is due.
 */
final class RequestLimiter {
  private final Semaphore inFlight;
  private final double ratePerSecond;
  private final double burst;
  private final Clock clock;
  private final RetryPolicy.Sleeper sleeper;
  private double tokens;
  private Instant refilledAt;
  private Instant pausedUntil;

  RequestLimiter(ClientLimits settings, Clock clock, RetryPolicy.Sleeper sleeper) {
    this.inFlight = new Semaphore(settings.maxRequestsInFlight(), true);
    this.ratePerSecond = settings.requestsPerSecond();
    this.burst = Math.max(1, ratePerSecond);
    this.tokens = burst;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /**
   * Holds every request that has not started yet until {@code delay} from now, as a registry's 429
   * with {@code Retry-After} requests. A later pause that ends sooner does not shorten it.
   */
  synchronized void pauseFor(Duration delay) {
    Instant until = clock.instant().plus(delay);
    if (pausedUntil == null || until.isAfter(pausedUntil)) {
      pausedUntil = until;
    }
  }

  private synchronized Duration pauseLeft() {
    if (pausedUntil == null) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(clock.instant(), pausedUntil);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /**
   * Waits out a pause, then the rate limit, then for a free slot. The caller must {@link #release}
   * the slot.
   */
  void acquire(String action) {
    try {
      Duration paused = pauseLeft();
      if (!paused.isZero()) {
        sleeper.sleep(paused);
      }
      Duration wait = reserveToken();
      if (!wait.isZero()) {
        sleeper.sleep(wait);
      }
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(
          0, null, action + ": interrupted while waiting for a request slot", e, false);
    }
  }

  void release() {
    inFlight.release();
  }

  private synchronized Duration reserveToken() {
    if (ratePerSecond == 0) {
      return Duration.ZERO;
    }
    Instant now = clock.instant();
    if (refilledAt == null) {
      refilledAt = now;
    } else if (now.isAfter(refilledAt)) {
      double elapsedSeconds = Duration.between(refilledAt, now).toNanos() / 1e9;
      tokens = Math.min(burst, tokens + elapsedSeconds * ratePerSecond);
      refilledAt = now;
    }
    tokens -= 1;
    if (tokens >= 0) {
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) Math.ceil(-tokens / ratePerSecond * 1e9));
  }
}
