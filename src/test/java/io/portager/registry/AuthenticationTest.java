package io.portager.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.log.Log;
import io.portager.oci.Descriptor;
import io.portager.oci.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthenticationTest {
  private static final String REFRESH = "refresh-token-one";
  private static final String PASSWORD = "pw-for-auth-test";

  private final RegistryClientTest.MutableClock clock = new RegistryClientTest.MutableClock();
  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  private TokenAuthRegistry registry;
  private RegistryClient client;

  @BeforeEach
  void start() throws IOException {
    Log.configure(Log.Format.LOGFMT, Log.Level.DEBUG, new PrintStream(logs, true), clock);
    registry = new TokenAuthRegistry();
    client =
        new RegistryClient(
            registry.endpoint(),
            clock,
            new RetryPolicy(2, Duration.ofMillis(1), Duration.ofSeconds(1)),
            delay -> {});
  }

  @AfterEach
  void stop() {
    registry.close();
    Log.configure(Log.Format.LOGFMT, Log.Level.INFO, System.err, Clock.systemUTC());
  }

  @Test
  void identityTokenPostsRefreshForm() {
    registry.refreshToken = REFRESH;

    head("app", new Credential.IdentityToken(REFRESH));

    TokenAuthRegistry.TokenRequest request = registry.tokenRequests.get(0);
    assertEquals(1, registry.tokenRequests.size());
    assertEquals("POST", request.method());
    assertEquals(
        Map.of(
            "grant_type", "refresh_token",
            "refresh_token", REFRESH,
            "service", "fake",
            "scope", "repository:app:pull",
            "client_id", "portager"),
        request.form());
    assertNull(request.auth());
  }

  @Test
  void identityTokenFallsBackToGet() {
    registry.refreshToken = REFRESH;
    registry.oauthPost = false;

    head("app", new Credential.IdentityToken(REFRESH));

    assertEquals(2, registry.tokenRequests.size());
    assertEquals("POST", registry.tokenRequests.get(0).method());
    TokenAuthRegistry.TokenRequest get = registry.tokenRequests.get(1);
    assertEquals("GET", get.method());
    assertEquals(TokenAuthRegistry.basic("<token>", REFRESH), get.auth());
    assertEquals(List.of("repository:app:pull"), get.query().get("scope"));
  }

  @Test
  void rotatedRefreshTokenIsUsedNext() {
    registry.refreshToken = REFRESH;
    registry.rotatedRefreshToken = "refresh-token-two";
    Credential credential = new Credential.IdentityToken(REFRESH);
    head("app", credential);

    clock.advance(Duration.ofSeconds(300));
    head("app", credential);

    assertEquals(2, registry.tokenRequests.size());
    assertEquals("refresh-token-two", registry.tokenRequests.get(1).form().get("refresh_token"));
  }

  @Test
  void tokenCachedUntilShortlyBeforeExpiry() {
    registry.expiresIn = 120;
    Repository repository = client.repository("app", new Credential.Anonymous());
    repository.headManifest("v1");

    clock.advance(Duration.ofSeconds(89));
    repository.headManifest("v1");
    assertEquals(1, registry.tokenRequests.size());

    clock.advance(Duration.ofSeconds(2));
    repository.headManifest("v1");
    assertEquals(2, registry.tokenRequests.size());
  }

  @Test
  void missingExpiresInMeansSixtySeconds() {
    registry.expiresIn = 0;
    Repository repository = client.repository("app", new Credential.Anonymous());
    repository.headManifest("v1");

    clock.advance(Duration.ofSeconds(29));
    repository.headManifest("v1");
    assertEquals(1, registry.tokenRequests.size());

    clock.advance(Duration.ofSeconds(2));
    repository.headManifest("v1");
    assertEquals(2, registry.tokenRequests.size());
  }

  @Test
  void issuedAtShortensLifetime() {
    registry.expiresIn = 300;
    registry.issuedAt = clock.instant().minusSeconds(100).toString();
    Repository repository = client.repository("app", new Credential.Anonymous());
    repository.headManifest("v1");

    clock.advance(Duration.ofSeconds(169));
    repository.headManifest("v1");
    assertEquals(1, registry.tokenRequests.size());

    clock.advance(Duration.ofSeconds(2));
    repository.headManifest("v1");
    assertEquals(2, registry.tokenRequests.size());
  }

  @Test
  void issuedAtInFutureIsIgnored() {
    registry.expiresIn = 300;
    registry.issuedAt = clock.instant().plusSeconds(3600).toString();
    Repository repository = client.repository("app", new Credential.Anonymous());
    repository.headManifest("v1");

    clock.advance(Duration.ofSeconds(271));
    repository.headManifest("v1");

    assertEquals(2, registry.tokenRequests.size());
  }

  @Test
  void revokedTokenIsRefreshedOnce() {
    Repository repository = client.repository("app", new Credential.Anonymous());
    repository.headManifest("v1");
    registry.revokeTokens();

    assertTrue(repository.headManifest("v1").isPresent());

    assertEquals(2, registry.tokenRequests.size());
    long heads = registry.requests.stream().filter(r -> r.startsWith("HEAD")).count();
    assertEquals(4, heads, registry.requests.toString());
  }

  @Test
  void tokenExpiringMidUploadRestartsWithFreshToken() {
    byte[] content = "layer bytes".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(content);
    registry.blobs.put(digest, content);
    Descriptor blob = new Descriptor("application/octet-stream", digest, content.length);
    Repository source = client.repository("src", new Credential.Anonymous());
    Repository destination = client.repository("dst", new Credential.Anonymous());
    registry.revokeAfterUploadPost = true;

    destination.copyBlobFrom(source, blob);

    long posts = registry.requests.stream().filter(r -> r.startsWith("POST /v2/")).count();
    long puts = registry.requests.stream().filter(r -> r.startsWith("PUT /v2/")).count();
    // The first POST draws the challenge; the second opens the upload whose PUT is rejected once
    // the token is revoked; the third starts over with a fresh token.
    assertEquals(3, posts, registry.requests.toString());
    assertEquals(2, puts, registry.requests.toString());
    assertEquals(3, registry.tokenRequests.size(), registry.requests.toString());
    assertArrayEquals(content, registry.blobs.get(digest));
  }

  @Test
  void insufficientScopeAddsScopeAtFront() {
    Repository repository = client.repository("app", new Credential.Anonymous());
    repository.headManifest("v1");
    registry.extraScopes = List.of("repository:other:pull");

    assertTrue(repository.headManifest("v1").isPresent());

    assertEquals(
        List.of("repository:other:pull", "repository:app:pull"), registry.requestedScopes().get(1));
  }

  @Test
  void pushWithMountScopesPushFirst() {
    HttpRepository destination =
        (HttpRepository) client.repository("dst", new Credential.Anonymous());
    Call call = Call.head(client.uri("/v2/dst/manifests/v1"), Map.of());

    Responses.discard(
        destination.executePush("mount", call, List.of(HttpRepository.pullScope("src"))));

    assertEquals(
        List.of("repository:dst:pull,push", "repository:src:pull"),
        registry.requestedScopes().get(0));
  }

  @Test
  void challengeWithoutService() {
    registry.challenge = "Bearer realm=\"REALM\"";

    head("app", new Credential.Anonymous());

    assertFalse(registry.tokenRequests.get(0).query().containsKey("service"));
    assertEquals(
        List.of("repository:app:pull"), registry.tokenRequests.get(0).query().get("scope"));
  }

  @Test
  void basicChallengeSendsPassword() {
    registry.challenge = "Basic realm=\"fake\"";
    registry.password = PASSWORD;

    head("app", new Credential.Basic("alice", PASSWORD));

    assertEquals(0, registry.tokenRequests.size());
  }

  @Test
  void plainHttpRealmOnOtherHostGetsNoCredentials() {
    registry.realm = "http://localhost:" + registry.host().split(":")[1] + "/token";
    Credential credential = new Credential.Basic("alice", PASSWORD);

    head("app", credential);
    head("other", credential);

    assertEquals(2, registry.tokenRequests.size());
    assertNull(registry.tokenRequests.get(0).auth());
    assertNull(registry.tokenRequests.get(1).auth());
    String output = logs.toString(StandardCharsets.UTF_8);
    assertEquals(1, output.lines().filter(l -> l.contains("token_realm_insecure")).count(), output);
    assertTrue(output.contains("level=warn"), output);
  }

  @Test
  void plainHttpRealmOnSameHostGetsCredentials() {
    registry.password = PASSWORD;

    head("app", new Credential.Basic("alice", PASSWORD));

    assertEquals(TokenAuthRegistry.basic("alice", PASSWORD), registry.tokenRequests.get(0).auth());
  }

  @Test
  void changedPasswordGetsNewToken() {
    registry.password = PASSWORD;
    head("app", new Credential.Basic("alice", PASSWORD));
    registry.password = "rotated-password";

    head("app", new Credential.Basic("alice", "rotated-password"));

    assertEquals(2, registry.tokenRequests.size());
    assertEquals(
        TokenAuthRegistry.basic("alice", "rotated-password"), registry.tokenRequests.get(1).auth());
  }

  @Test
  void wrongPasswordFailsWithoutSecret() {
    registry.password = PASSWORD;

    RegistryException e =
        assertThrows(
            RegistryException.class,
            () -> head("app", new Credential.Basic("alice", "wrong-" + PASSWORD)));

    assertTrue(e.isAuthFailure(), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
  }

  @Test
  void fingerprintHidesSecret() {
    Authenticator authenticator = new Authenticator(registry.endpoint(), null, Clock.systemUTC());

    String one = authenticator.fingerprint(new Credential.Basic("alice", PASSWORD));
    String two = authenticator.fingerprint(new Credential.Basic("alice", PASSWORD + "x"));

    assertNotEquals(one, two);
    assertEquals(one, authenticator.fingerprint(new Credential.Basic("alice", PASSWORD)));
    assertFalse(one.contains(PASSWORD));
    assertNotEquals(one, authenticator.fingerprint(new Credential.IdentityToken(PASSWORD)));
  }

  private void head(String repository, Credential credential) {
    assertTrue(client.repository(repository, credential).headManifest("v1").isPresent());
  }
}
