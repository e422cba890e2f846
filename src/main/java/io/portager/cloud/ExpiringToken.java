package io.portager.cloud;

import java.time.Instant;

/** An access token or refresh token and when it expires; toString hides the token. */
public record ExpiringToken(String value, Instant expiresAt) {
  @Override
  public String toString() {
    return "ExpiringToken[expiresAt=" + expiresAt + "]";
  }
}
