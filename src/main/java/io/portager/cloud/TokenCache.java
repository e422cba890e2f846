package io.portager.cloud;

import io.portager.log.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * One cached token, fetched again shortly before it expires. The fetch runs while the cache lock is
 * held, so concurrent callers that find the token missing or stale wait for one fetch and share its
 * result. When a refresh fails while the cached token is still valid, the cached token is returned
 * and the failure logged, so a short outage of the identity service during the refresh margin does
 * not fail a sync.
 *
 * <p>NOTE: a token that a registry rejects with 401 stays cached until its refresh time, because
 * nothing reports the rejection back to this cache.
 */
public final class TokenCache {
  /** Refresh at most this long before expiry, so a token does not lapse while a copy runs. */
  static final Duration MAX_REFRESH_MARGIN = Duration.ofMinutes(5);

  private static final Log LOG = Log.get("cloud");

  private final Clock clock;
  private final Supplier<ExpiringToken> fetch;

  // Guarded by this: the current token and when to fetch the next, both null before the first.
  private ExpiringToken current;
  private Instant refreshAt;

  public TokenCache(Clock clock, Supplier<ExpiringToken> fetch) {
    this.clock = clock;
    this.fetch = fetch;
  }

  public synchronized ExpiringToken get() {
    Instant now = clock.instant();
    if (current != null && now.isBefore(refreshAt)) {
      return current;
    }
    ExpiringToken fresh;
    try {
      fresh = fetch.get();
    } catch (CloudCredentialException e) {
      if (current == null || !now.isBefore(current.expiresAt())) {
        throw e;
      }
      LOG.warn(
          "cloud_token_refresh_failed",
          "expires_at",
          current.expiresAt(),
          "error",
          e.getMessage(),
          "action",
          "using the cached token until it expires");
      return current;
    }
    current = fresh;
    refreshAt = fresh.expiresAt().minus(refreshMargin(Duration.between(now, fresh.expiresAt())));
    return fresh;
  }

  // Half the lifetime for short tokens, at most five minutes early for the usual one hour.
  private static Duration refreshMargin(Duration lifetime) {
    Duration half = lifetime.dividedBy(2);
    return half.compareTo(MAX_REFRESH_MARGIN) < 0 ? half : MAX_REFRESH_MARGIN;
  }
}
