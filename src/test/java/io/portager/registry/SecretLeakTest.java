package io.portager.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.portager.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the authentication paths with logging at DEBUG into a buffer and checks that no password or
 * token appears in the log, in an exception message or in a credential's toString: plain, base64
 * (alone or in a Basic pair) or URL-encoded.
 */
class SecretLeakTest {
  private static final String PASSWORD = "leak-check-password";
  private static final String REFRESH = "leak-check-refresh";
  private static final String ROTATED = "leak-check-rotated";

  private final RegistryClientTest.MutableClock clock = new RegistryClientTest.MutableClock();
  private final List<String> texts = new ArrayList<>();

  @Test
  void secretsAppearNowhere() throws Exception {
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    Log.configure(Log.Format.JSON, Log.Level.DEBUG, new PrintStream(logs, true), clock);
    try (TokenAuthRegistry registry = new TokenAuthRegistry()) {
      exercise(registry);
    } finally {
      Log.configure(Log.Format.LOGFMT, Log.Level.INFO, System.err, Clock.systemUTC());
    }
    texts.add(logs.toString(StandardCharsets.UTF_8));
    texts.add(new Credential.Basic("alice", PASSWORD).toString());
    texts.add(new Credential.IdentityToken(REFRESH).toString());

    for (String secret : List.of(PASSWORD, REFRESH, ROTATED, "access-")) {
      for (String form : forms(secret)) {
        for (String text : texts) {
          assertFalse(text.contains(form), "found " + secret + " in: " + text);
        }
      }
    }
  }

  private void exercise(TokenAuthRegistry registry) {
    RegistryClient client =
        new RegistryClient(
            registry.endpoint(),
            clock,
            new RetryPolicy(1, Duration.ofMillis(1), Duration.ofSeconds(1)),
            delay -> {});
    registry.password = PASSWORD;
    client.repository("app", new Credential.Basic("alice", PASSWORD)).headManifest("v1");
    capture(
        () ->
            client
                .repository("app", new Credential.Basic("alice", "x" + PASSWORD))
                .headManifest("v1"));

    registry.password = null;
    registry.refreshToken = REFRESH;
    registry.rotatedRefreshToken = ROTATED;
    client.repository("app", new Credential.IdentityToken(REFRESH)).headManifest("v1");
    capture(
        () ->
            client.repository("b", new Credential.IdentityToken("x" + REFRESH)).headManifest("v1"));

    registry.refreshToken = null;
    registry.realm = "http://localhost:" + registry.host().split(":")[1] + "/token";
    client.repository("c", new Credential.Basic("alice", PASSWORD)).headManifest("v1");
    registry.revokeTokens();
    registry.revokeAfterUploadPost = true;
    capture(() -> client.repository("d", new Credential.Basic("alice", PASSWORD)).listTags());

    capture(
        () ->
            new Registries(
                clock,
                new RegistrySettings(
                    null,
                    Duration.ofSeconds(30),
                    Map.of("HTTPS_PROXY", "socks5://alice:" + PASSWORD + "@127.0.0.1:1"))));
    new Registries(
        clock,
        new RegistrySettings(
            null,
            Duration.ofSeconds(30),
            Map.of("HTTPS_PROXY", "http://alice:" + PASSWORD + "@127.0.0.1:1")));
  }

  private void capture(Runnable action) {
    RuntimeException e = assertThrows(RuntimeException.class, action::run);
    for (Throwable t = e; t != null; t = t.getCause()) {
      texts.add(String.valueOf(t.getMessage()));
      texts.add(t.toString());
    }
  }

  private static List<String> forms(String secret) {
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    return List.of(
        secret,
        Base64.getEncoder().encodeToString(bytes),
        Base64.getEncoder().encodeToString(("alice:" + secret).getBytes(StandardCharsets.UTF_8)),
        Base64.getEncoder().encodeToString(("<token>:" + secret).getBytes(StandardCharsets.UTF_8)),
        URLEncoder.encode(secret, StandardCharsets.UTF_8));
  }
}
