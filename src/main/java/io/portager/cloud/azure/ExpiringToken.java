package io.portager.cloud.azure;

import java.time.Instant;

/** An Entra ID access token or an ACR refresh token and when it expires; toString hides it. */
record ExpiringToken(String value, Instant expiresAt) {
  @Override
  public String toString() {
    return "ExpiringToken[expiresAt=" + expiresAt + "]";
  }
}
