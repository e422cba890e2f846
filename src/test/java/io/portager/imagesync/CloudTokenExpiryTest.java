package io.portager.imagesync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.cloud.CloudAuthOptions;
import io.portager.cloud.CloudCredentialException;
import io.portager.cloud.CloudIdentities;
import io.portager.cloud.ExpiringToken;
import io.portager.cloud.MutableClock;
import io.portager.cloud.TokenCache;
import io.portager.registry.Credential;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A sync that outlives its cloud token: each tag job asks the token source again, so a job that
 * starts after the token expired gets a fresh one instead of the token fetched when the sync began.
 */
class CloudTokenExpiryTest {
  private static final String HOST = "us-docker.pkg.dev";
  private static final Duration LIFETIME = Duration.ofHours(1);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final AtomicInteger fetches = new AtomicInteger();
  private RuntimeException failure;
  private final TokenCache cache =
      new TokenCache(
          clock,
          () -> {
            if (failure != null) {
              throw failure;
            }
            int n = fetches.incrementAndGet();
            return new ExpiringToken("token-" + n, clock.instant().plus(LIFETIME));
          });
  private final CredentialResolver resolver =
      new CredentialResolver(
          null,
          false,
          new CloudIdentities()
              .register(
                  "gar",
                  options ->
                      registryHost ->
                          new Credential.Basic("oauth2accesstoken", cache.get().value())));
  private final AuthPlan gar =
      new AuthPlan("spec.source.auth", "gar", null, new CloudAuthOptions(null, null));

  @Test
  void laterTagJobGetsFreshToken() {
    CredentialResolver.Lookup lookup = resolver.lookup(gar, "default", HOST);
    Credential first = lookup.forRepository("team/a");

    clock.advance(LIFETIME.plusMinutes(10));
    Credential later = lookup.forRepository("team/b");

    assertEquals(new Credential.Basic("oauth2accesstoken", "token-1"), first);
    assertEquals(new Credential.Basic("oauth2accesstoken", "token-2"), later);
  }

  @Test
  void lookupFetchesOnceForManyJobsWithinLifetime() {
    CredentialResolver.Lookup lookup = resolver.lookup(gar, "default", HOST);
    for (int i = 0; i < 20; i++) {
      lookup.forRepository("team/" + i);
    }

    assertEquals(1, fetches.get());
  }

  @Test
  void expiredTokenAndFailedRefreshFailsJobAsCredentialError() {
    CredentialResolver.Lookup lookup = resolver.lookup(gar, "default", HOST);
    clock.advance(LIFETIME.plusMinutes(1));
    failure = new CloudCredentialException("get token from metadata server: timed out", true);

    CredentialException e =
        assertThrows(CredentialException.class, () -> lookup.forRepository("team/a"));

    assertTrue(e.getMessage().contains("timed out"), e.getMessage());
  }
}
