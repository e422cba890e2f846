package io.portager.cloud.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.cloud.CloudCredentialException;
import io.portager.cloud.FakeEndpoint;
import io.portager.cloud.LoopbackHttpClient;
import io.portager.cloud.MutableClock;
import io.portager.log.Log;
import io.portager.registry.Credential;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GoogleTokenSourceTest {
  private static final String GAR = "europe-west1-docker.pkg.dev";

  @TempDir Path directory;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
  private final LoopbackHttpClient http = LoopbackHttpClient.create();
  private FakeGoogle google;

  @BeforeEach
  void startFake() {
    google = new FakeGoogle(clock);
  }

  @AfterEach
  void stopFake() {
    google.close();
  }

  @Test
  void serviceAccountKeySendsSignedJwt() {
    Path key = google.writeServiceAccountKey(directory);
    GoogleTokenSource source = fromEnvironment(Map.of("GOOGLE_APPLICATION_CREDENTIALS", key));

    Credential credential = source.credential(GAR);

    assertEquals(new Credential.Basic("oauth2accesstoken", "ya29.oauth-1"), credential);
    List<FakeEndpoint.Request> requests = google.endpoint().requests(FakeGoogle.OAUTH_PATH);
    assertEquals(1, requests.size());
    Map<String, String> form = requests.get(0).form();
    assertEquals(ServiceAccountKey.JWT_BEARER_GRANT, form.get("grant_type"));
    assertEquals(List.of(), google.jwtProblems(form.get("assertion")));
    assertEquals("application/x-www-form-urlencoded", requests.get(0).header("Content-Type"));
  }

  @Test
  void fakeRejectsJwtSignedWithOtherKey() throws IOException {
    FakeGoogle other = new FakeGoogle(clock, FakeGoogle.generateKeyPair());
    try (other) {
      Path otherKey = other.writeServiceAccountKey(Files.createDirectory(directory.resolve("o")));
      String assertion =
          ServiceAccountKey.parse(
                  otherKey,
                  new com.fasterxml.jackson.databind.ObjectMapper().readTree(otherKey.toFile()),
                  new GoogleHttp(http))
              .assertion(clock.instant());

      List<String> problems = google.jwtProblems(assertion);

      assertTrue(
          problems.contains("signature does not verify with the public key"), problems.toString());
    }
  }

  @Test
  void logLineNamesIdentityNotToken() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Log.configure(Log.Format.LOGFMT, Log.Level.DEBUG, new PrintStream(buffer, true), clock);
    Path key = google.writeServiceAccountKey(directory);
    try {
      fromEnvironment(Map.of("GOOGLE_APPLICATION_CREDENTIALS", key)).credential(GAR);
    } finally {
      Log.configure(Log.Format.LOGFMT, Log.Level.INFO, System.err, Clock.systemUTC());
    }

    String output = buffer.toString(StandardCharsets.UTF_8);
    assertTrue(output.contains("event=cloud_token_fetched"), output);
    assertTrue(output.contains(FakeGoogle.CLIENT_EMAIL), output);
    assertFalse(output.contains("ya29.oauth-1"), output);
  }

  @Test
  void metadataServerGetsFlavorHeader() {
    GoogleTokenSource source = fromEnvironment(Map.of("GCE_METADATA_HOST", google.host()));

    Credential credential = source.credential("gcr.io");

    assertEquals(new Credential.Basic("oauth2accesstoken", "ya29.metadata-1"), credential);
    List<FakeEndpoint.Request> requests = google.endpoint().requests(MetadataServer.TOKEN_PATH);
    assertEquals(1, requests.size());
    assertEquals("GET", requests.get(0).method());
    assertEquals("Google", requests.get(0).header("Metadata-Flavor"));
  }

  @Test
  void metadataServerDefaultsToGoogleInternalHost() {
    GoogleTokenSource source = fromEnvironment(Map.of());

    MetadataServer metadata = (MetadataServer) source.googleIdentity();

    assertEquals(
        "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token",
        metadata.tokenUri().toString());
    assertEquals(List.of(), http.refused());
  }

  @Test
  void unreachableMetadataServerIsRetryable() {
    try (FakeEndpoint closed = FakeEndpoint.start()) {
      String host = closed.hostPort();
      closed.close();
      GoogleTokenSource source = fromEnvironment(Map.of("GCE_METADATA_HOST", host));

      CloudCredentialException error =
          assertThrows(CloudCredentialException.class, () -> source.credential(GAR));

      assertTrue(error.getMessage().contains("metadata server " + host), error.getMessage());
      assertTrue(error.retryable());
    }
  }

  @Test
  void tokenIsCachedUntilShortlyBeforeExpiry() {
    GoogleTokenSource source = fromEnvironment(Map.of("GCE_METADATA_HOST", google.host()));

    Credential first = source.credential(GAR);
    clock.advance(Duration.ofMinutes(54));
    Credential second = source.credential("gcr.io");
    clock.advance(Duration.ofMinutes(2));
    Credential third = source.credential(GAR);

    assertEquals(first, second);
    assertEquals(new Credential.Basic("oauth2accesstoken", "ya29.metadata-2"), third);
    assertEquals(2, google.endpoint().requests(MetadataServer.TOKEN_PATH).size());
  }

  @Test
  void shortLivedTokenIsRefreshedAtHalfLife() {
    google.setLifetime(Duration.ofMinutes(4));
    GoogleTokenSource source = fromEnvironment(Map.of("GCE_METADATA_HOST", google.host()));

    source.credential(GAR);
    clock.advance(Duration.ofSeconds(119));
    source.credential(GAR);
    clock.advance(Duration.ofSeconds(2));
    source.credential(GAR);

    assertEquals(2, google.endpoint().requests(MetadataServer.TOKEN_PATH).size());
  }

  @Test
  void concurrentCallersShareOneFetch() throws Exception {
    google.setLatency(Duration.ofMillis(300));
    GoogleTokenSource source = fromEnvironment(Map.of("GCE_METADATA_HOST", google.host()));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Credential>> results = new ArrayList<>();

    try {
      for (int i = 0; i < 8; i++) {
        results.add(pool.submit(() -> source.credential(GAR)));
      }
      for (Future<Credential> result : results) {
        assertEquals(new Credential.Basic("oauth2accesstoken", "ya29.metadata-1"), result.get());
      }
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    assertEquals(1, google.endpoint().requests(MetadataServer.TOKEN_PATH).size());
  }

  @Test
  void externalAccountExchangesFileSubjectToken() throws IOException {
    Path subject = directory.resolve("token");
    Files.writeString(subject, "subject-token-1\n");
    Path file = google.writeExternalAccount(directory, Map.of("file", subject.toString()), false);
    GoogleTokenSource source = fromEnvironment(Map.of("GOOGLE_APPLICATION_CREDENTIALS", file));

    Credential credential = source.credential(GAR);

    assertEquals(new Credential.Basic("oauth2accesstoken", "sts-1"), credential);
    Map<String, String> form = google.endpoint().requests(FakeGoogle.STS_PATH).get(0).form();
    assertEquals("subject-token-1", form.get("subject_token"));
    assertEquals(FakeGoogle.AUDIENCE, form.get("audience"));
  }

  @Test
  void externalAccountRereadsRotatedSubjectToken() throws IOException {
    Path subject = directory.resolve("token");
    Files.writeString(subject, "subject-token-1");
    Path file = google.writeExternalAccount(directory, Map.of("file", subject.toString()), false);
    GoogleTokenSource source = fromEnvironment(Map.of("GOOGLE_APPLICATION_CREDENTIALS", file));

    source.credential(GAR);
    Files.writeString(subject, "subject-token-2");
    google.setExpectedSubjectToken("subject-token-2");
    clock.advance(Duration.ofMinutes(56));
    Credential second = source.credential(GAR);

    assertEquals(new Credential.Basic("oauth2accesstoken", "sts-2"), second);
    List<FakeEndpoint.Request> requests = google.endpoint().requests(FakeGoogle.STS_PATH);
    assertEquals("subject-token-2", requests.get(1).form().get("subject_token"));
  }

  @Test
  void externalAccountReadsJsonField() throws IOException {
    Path subject = directory.resolve("token.json");
    Files.writeString(subject, "{\"id_token\":\"subject-token-1\",\"other\":1}");
    Map<String, Object> source =
        Map.of(
            "file",
            subject.toString(),
            "format",
            Map.of("type", "json", "subject_token_field_name", "id_token"));
    Path file = google.writeExternalAccount(directory, source, false);

    Credential credential =
        fromEnvironment(Map.of("GOOGLE_APPLICATION_CREDENTIALS", file)).credential(GAR);

    assertEquals(new Credential.Basic("oauth2accesstoken", "sts-1"), credential);
  }

  @Test
  void externalAccountReadsUrlSourceWithHeaders() {
    google
        .endpoint()
        .handle(
            "/subject",
            request ->
                "yes".equals(request.header("X-Test"))
                    ? FakeEndpoint.Response.json(200, Map.of("value", "subject-token-1"))
                    : FakeEndpoint.Response.text(403, "missing header"));
    Map<String, Object> source =
        Map.of(
            "url",
            google.endpoint().uri("/subject").toString(),
            "headers",
            Map.of("X-Test", "yes"),
            "format",
            Map.of("type", "json", "subject_token_field_name", "value"));
    Path file = google.writeExternalAccount(directory, source, false);

    Credential credential =
        fromEnvironment(Map.of("GOOGLE_APPLICATION_CREDENTIALS", file)).credential(GAR);

    assertEquals(new Credential.Basic("oauth2accesstoken", "sts-1"), credential);
    assertEquals(1, google.endpoint().requests("/subject").size());
  }

  @Test
  void externalAccountImpersonatesServiceAccount() throws IOException {
    Path subject = directory.resolve("token");
    Files.writeString(subject, "subject-token-1");
    Path file = google.writeExternalAccount(directory, Map.of("file", subject.toString()), true);
    GoogleTokenSource source = fromEnvironment(Map.of("GOOGLE_APPLICATION_CREDENTIALS", file));

    Credential credential = source.credential(GAR);

    assertEquals(new Credential.Basic("oauth2accesstoken", "ya29.impersonated-2"), credential);
    FakeEndpoint.Request request = google.endpoint().requests(FakeGoogle.IMPERSONATION_PATH).get(0);
    assertEquals("Bearer sts-1", request.header("Authorization"));
    assertEquals("application/json", request.header("Content-Type"));
    assertEquals("3600s", request.json().path("lifetime").asText());
  }

  @Test
  void impersonationDeniedNamesRole() throws IOException {
    Path subject = directory.resolve("token");
    Files.writeString(subject, "subject-token-1");
    Path file = google.writeExternalAccount(directory, Map.of("file", subject.toString()), true);
    google
        .endpoint()
        .handle(
            FakeGoogle.IMPERSONATION_PATH,
            request ->
                FakeEndpoint.Response.json(
                    403,
                    Map.of(
                        "error",
                        Map.of("status", "PERMISSION_DENIED", "message", "denied", "code", 403))));
    GoogleTokenSource source = fromEnvironment(Map.of("GOOGLE_APPLICATION_CREDENTIALS", file));

    CloudCredentialException error =
        assertThrows(CloudCredentialException.class, () -> source.credential(GAR));

    assertTrue(error.getMessage().contains("PERMISSION_DENIED: denied"), error.getMessage());
    assertTrue(error.getMessage().contains("roles/iam.workloadIdentityUser"), error.getMessage());
    assertFalse(error.getMessage().contains("sts-1"), error.getMessage());
    assertFalse(error.retryable());
  }

  @Test
  void authorizedUserTradesRefreshToken() {
    Path file = google.writeAuthorizedUser(directory);

    Credential credential =
        fromEnvironment(Map.of("GOOGLE_APPLICATION_CREDENTIALS", file)).credential(GAR);

    assertEquals(new Credential.Basic("oauth2accesstoken", "ya29.oauth-1"), credential);
    Map<String, String> form = google.endpoint().requests(FakeGoogle.OAUTH_PATH).get(0).form();
    assertEquals("refresh_token", form.get("grant_type"));
    assertEquals(FakeGoogle.USER_REFRESH_TOKEN, form.get("refresh_token"));
  }

  @Test
  void rejectedKeyNamesServiceAccountNotSecrets() {
    Path key = google.writeServiceAccountKey(directory);
    google.failWith(400);
    GoogleTokenSource source = fromEnvironment(Map.of("GOOGLE_APPLICATION_CREDENTIALS", key));

    CloudCredentialException error =
        assertThrows(CloudCredentialException.class, () -> source.credential(GAR));

    String message = error.getMessage();
    assertTrue(message.contains(FakeGoogle.CLIENT_EMAIL), message);
    assertTrue(message.contains(key.toString()), message);
    assertTrue(message.contains("HTTP 400 (invalid_grant: forced failure)"), message);
    assertFalse(message.contains("PRIVATE KEY"), message);
    assertFalse(message.contains("assertion"), message);
    assertFalse(error.retryable());
  }

  @Test
  void serverErrorIsRetryableAndNotCached() {
    GoogleTokenSource source = fromEnvironment(Map.of("GCE_METADATA_HOST", google.host()));
    google.failWith(503);

    CloudCredentialException error =
        assertThrows(CloudCredentialException.class, () -> source.credential(GAR));
    google.failWith(0);
    Credential credential = source.credential(GAR);

    assertTrue(error.retryable());
    assertEquals(new Credential.Basic("oauth2accesstoken", "ya29.metadata-1"), credential);
  }

  @Test
  void failedRefreshKeepsValidToken() {
    GoogleTokenSource source = fromEnvironment(Map.of("GCE_METADATA_HOST", google.host()));
    Credential first = source.credential(GAR);

    google.failWith(503);
    clock.advance(Duration.ofMinutes(57));
    Credential duringOutage = source.credential(GAR);
    clock.advance(Duration.ofMinutes(4));

    assertEquals(first, duringOutage);
    assertThrows(CloudCredentialException.class, () -> source.credential(GAR));
    assertEquals(3, google.endpoint().requests(MetadataServer.TOKEN_PATH).size());
  }

  @Test
  void metadataNotFoundNamesRoles() {
    google.failWith(404);
    GoogleTokenSource source = fromEnvironment(Map.of("GCE_METADATA_HOST", google.host()));

    CloudCredentialException error =
        assertThrows(CloudCredentialException.class, () -> source.credential(GAR));

    assertTrue(error.getMessage().contains("roles/artifactregistry.writer"), error.getMessage());
  }

  @Test
  void unsupportedSubjectSourceIsRejected() {
    Path file =
        google.writeExternalAccount(
            directory, Map.of("environment_id", "aws1", "region_url", "http://127.0.0.1/"), false);

    CloudCredentialException error =
        assertThrows(
            CloudCredentialException.class,
            () -> fromEnvironment(Map.of("GOOGLE_APPLICATION_CREDENTIALS", file)));

    assertTrue(
        error.getMessage().contains("credential_source.environment_id is not supported"),
        error.getMessage());
    assertFalse(error.retryable());
  }

  @Test
  void unsupportedFileTypeIsRejected() {
    Path file =
        FakeGoogle.write(
            directory.resolve("impersonated.json"), Map.of("type", "impersonated_service_account"));

    CloudCredentialException error =
        assertThrows(
            CloudCredentialException.class,
            () -> fromEnvironment(Map.of("GOOGLE_APPLICATION_CREDENTIALS", file)));

    assertTrue(
        error.getMessage().contains("impersonated_service_account is not supported"),
        error.getMessage());
  }

  @Test
  void missingCredentialFileIsNamed() {
    Path missing = directory.resolve("missing.json");

    CloudCredentialException error =
        assertThrows(
            CloudCredentialException.class,
            () -> fromEnvironment(Map.of("GOOGLE_APPLICATION_CREDENTIALS", missing)));

    assertTrue(error.getMessage().contains(missing.toString()), error.getMessage());
    assertTrue(error.getMessage().contains("NoSuchFileException"), error.getMessage());
  }

  @Test
  void pkcs1KeyIsRejectedWithHint() {
    Path key =
        FakeGoogle.write(
            directory.resolve("pkcs1.json"),
            Map.of(
                "type",
                "service_account",
                "client_email",
                FakeGoogle.CLIENT_EMAIL,
                "private_key",
                "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"));

    CloudCredentialException error =
        assertThrows(
            CloudCredentialException.class,
            () -> fromEnvironment(Map.of("GOOGLE_APPLICATION_CREDENTIALS", key)));

    assertTrue(error.getMessage().contains("PKCS#8"), error.getMessage());
    assertFalse(error.getMessage().contains("AAAA"), error.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "gcr.io",
        "us.gcr.io",
        "eu.gcr.io",
        "asia.gcr.io",
        "europe-west1-docker.pkg.dev",
        "us-docker.pkg.dev",
        "GCR.IO:443"
      })
  void recognisesGoogleRegistries(String host) {
    assertTrue(GoogleTokenSource.isGoogleRegistry(host));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "docker.io",
        "notgcr.io",
        "docker.pkg.dev",
        "a.b-docker.pkg.dev",
        "x.azurecr.io",
        "gcr.io.example.com"
      })
  void rejectsOtherRegistries(String host) {
    assertFalse(GoogleTokenSource.isGoogleRegistry(host));
  }

  private GoogleTokenSource fromEnvironment(Map<String, Object> env) {
    Map<String, String> strings = new java.util.HashMap<>();
    env.forEach((name, value) -> strings.put(name, value.toString()));
    return GoogleTokenSource.fromEnvironment(strings, http, clock);
  }
}
