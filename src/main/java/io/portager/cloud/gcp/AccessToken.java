package io.portager.cloud.gcp;

import java.time.Instant;

/** A Google OAuth2 access token and when it expires; toString hides the token. */
record AccessToken(String value, Instant expiresAt) {
  @Override
  public String toString() {
    return "AccessToken[expiresAt=" + expiresAt + "]";
  }
}
