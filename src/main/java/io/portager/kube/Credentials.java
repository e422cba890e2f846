package io.portager.kube;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * How requests authenticate, apart from a TLS client certificate, which lives in the SSLContext.
 * Implementations keep their secrets out of {@code toString}.
 */
sealed interface Credentials {
  /** Returns the Authorization header value, or empty when requests carry none. */
  Optional<String> authorization();

  /** Drops cached credentials after the server returned 401, so the next request re-reads them. */
  default void invalidate() {}

  record None() implements Credentials {
    @Override
    public Optional<String> authorization() {
      return Optional.empty();
    }
  }

  record StaticToken(String token) implements Credentials {
    @Override
    public Optional<String> authorization() {
      return Optional.of("Bearer " + token);
    }

    @Override
    public String toString() {
      return "StaticToken[redacted]";
    }
  }

  record TokenFromFile(TokenFile file) implements Credentials {
    @Override
    public Optional<String> authorization() {
      return Optional.of("Bearer " + file.token());
    }

    @Override
    public void invalidate() {
      file.invalidate();
    }

    @Override
    public String toString() {
      return "TokenFromFile[" + file.path() + "]";
    }
  }

  record Basic(String username, String password) implements Credentials {
    @Override
    public Optional<String> authorization() {
      String pair = username + ":" + password;
      return Optional.of(
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String toString() {
      return "Basic[" + username + ", redacted]";
    }
  }
}
