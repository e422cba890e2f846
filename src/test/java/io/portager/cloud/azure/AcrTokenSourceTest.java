package io.portager.cloud.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.HashMap;
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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AcrTokenSourceTest {
  private static final String REGISTRY = "portager.azurecr.io";

  @TempDir Path directory;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
  private final LoopbackHttpClient http = LoopbackHttpClient.create();
  private FakeAzure azure;
  private Path tokenFile;

  @BeforeEach
  void start() throws IOException {
    azure = new FakeAzure(clock);
    tokenFile = directory.resolve("azure-identity-token");
    Files.writeString(tokenFile, "federated-token-1\n");
  }

  @AfterEach
  void stop() {
    azure.close();
  }

  @Test
  void exchangesFederatedTokenForRefreshToken() {
    AcrTokenSource source = source(Map.of());

    Credential credential = source.credential(REGISTRY);

    assertTrue(credential instanceof Credential.IdentityToken, credential.toString());
    Map<String, String> token = onlyRequest(FakeAzure.TOKEN_PATH).form();
    assertEquals("federated-token-1", token.get("client_assertion"));
    assertEquals(AcrTokenSource.CLIENT_ASSERTION_TYPE, token.get("client_assertion_type"));
    assertEquals("client_credentials", token.get("grant_type"));
    assertEquals(FakeAzure.CLIENT_ID, token.get("client_id"));
    assertEquals("https://management.azure.com/.default", token.get("scope"));
    Map<String, String> exchange = onlyRequest(FakeAzure.EXCHANGE_PATH).form();
    assertEquals("access_token", exchange.get("grant_type"));
    assertEquals(REGISTRY, exchange.get("service"));
    assertEquals(FakeAzure.TENANT, exchange.get("tenant"));
    assertEquals("entra-1", exchange.get("access_token"));
  }

  @Test
  void logLineNamesClientNotToken() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Log.configure(Log.Format.LOGFMT, Log.Level.DEBUG, new PrintStream(buffer, true), clock);
    Credential.IdentityToken credential;
    try {
      credential = (Credential.IdentityToken) source(Map.of()).credential(REGISTRY);
    } finally {
      Log.configure(Log.Format.LOGFMT, Log.Level.INFO, System.err, Clock.systemUTC());
    }

    String output = buffer.toString(StandardCharsets.UTF_8);
    assertTrue(output.contains("event=cloud_token_fetched"), output);
    assertTrue(output.contains(FakeAzure.CLIENT_ID), output);
    assertFalse(output.contains(credential.refreshToken()), output);
    assertFalse(output.contains("entra-1"), output);
    assertFalse(output.contains("federated-token-1"), output);
  }

  @Test
  void rereadsRotatedFederatedToken() throws IOException {
    AcrTokenSource source = source(Map.of());
    source.credential(REGISTRY);

    Files.writeString(tokenFile, "federated-token-2");
    azure.setExpectedAssertion("federated-token-2");
    clock.advance(Duration.ofHours(3));
    source.credential(REGISTRY);

    List<FakeEndpoint.Request> requests = azure.endpoint().requests(FakeAzure.TOKEN_PATH);
    assertEquals(2, requests.size());
    assertEquals("federated-token-2", requests.get(1).form().get("client_assertion"));
  }

  @Test
  void cachesRefreshTokenPerRegistryUntilExpiry() {
    AcrTokenSource source = source(Map.of());

    Credential first = source.credential(REGISTRY);
    Credential other = source.credential("other.azurecr.io");
    clock.advance(Duration.ofMinutes(170));
    Credential cached = source.credential(REGISTRY);
    clock.advance(Duration.ofMinutes(6));
    Credential renewed = source.credential(REGISTRY);

    assertNotEquals(first, other);
    assertEquals(first, cached);
    assertNotEquals(first, renewed);
    assertEquals(3, azure.endpoint().requests(FakeAzure.EXCHANGE_PATH).size());
    // The Entra ID token of the first two exchanges expired after an hour.
    assertEquals(2, azure.endpoint().requests(FakeAzure.TOKEN_PATH).size());
  }

  @Test
  void failedExchangeKeepsValidRefreshToken() {
    AcrTokenSource source = source(Map.of());
    Credential first = source.credential(REGISTRY);

    azure.failExchangeWith(503);
    clock.advance(Duration.ofMinutes(176));
    Credential duringOutage = source.credential(REGISTRY);
    clock.advance(Duration.ofMinutes(5));

    assertEquals(first, duringOutage);
    CloudCredentialException error =
        assertThrows(CloudCredentialException.class, () -> source.credential(REGISTRY));
    assertTrue(error.retryable());
  }

  @Test
  void opaqueRefreshTokenLastsAsLongAsEntraToken() {
    azure.setOpaqueRefreshTokens(true);
    AcrTokenSource source = source(Map.of());

    Credential first = source.credential(REGISTRY);
    clock.advance(Duration.ofMinutes(54));
    Credential cached = source.credential(REGISTRY);
    clock.advance(Duration.ofMinutes(2));
    Credential renewed = source.credential(REGISTRY);

    assertEquals(first, cached);
    assertNotEquals(first, renewed);
  }

  @Test
  void concurrentCallersShareOneFetch() throws Exception {
    azure.setLatency(Duration.ofMillis(200));
    AcrTokenSource source = source(Map.of());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Credential>> results = new ArrayList<>();

    try {
      for (int i = 0; i < 8; i++) {
        results.add(pool.submit(() -> source.credential(REGISTRY)));
      }
      Credential first = results.get(0).get();
      for (Future<Credential> result : results) {
        assertEquals(first, result.get());
      }
    } finally {
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }

    assertEquals(1, azure.endpoint().requests(FakeAzure.TOKEN_PATH).size());
    assertEquals(1, azure.endpoint().requests(FakeAzure.EXCHANGE_PATH).size());
  }

  @Test
  void missingVariablesAreNamed() {
    Map<String, String> env = Map.of("AZURE_CLIENT_ID", FakeAzure.CLIENT_ID);

    CloudCredentialException error =
        assertThrows(
            CloudCredentialException.class, () -> AcrTokenSource.fromEnvironment(env, http, clock));

    String message = error.getMessage();
    assertTrue(message.contains("AZURE_FEDERATED_TOKEN_FILE, AZURE_TENANT_ID"), message);
    assertTrue(message.contains("azure.workload.identity/use"), message);
    assertFalse(error.retryable());
  }

  @Test
  void missingTokenFileNamesPodLabel() throws IOException {
    Files.delete(tokenFile);
    AcrTokenSource source = source(Map.of());

    CloudCredentialException error =
        assertThrows(CloudCredentialException.class, () -> source.credential(REGISTRY));

    assertTrue(error.getMessage().contains(tokenFile.toString()), error.getMessage());
    assertTrue(error.getMessage().contains("azure.workload.identity/use"), error.getMessage());
  }

  @Test
  void rejectedAssertionNamesFederatedCredential() {
    azure.failTokenWith(400);
    AcrTokenSource source = source(Map.of());

    CloudCredentialException error =
        assertThrows(CloudCredentialException.class, () -> source.credential(REGISTRY));

    String message = error.getMessage();
    assertTrue(message.contains("HTTP 400 (invalid_client: AADSTS70021"), message);
    assertTrue(message.contains("federated identity credential"), message);
    assertTrue(message.contains(FakeAzure.CLIENT_ID), message);
    assertFalse(message.contains("federated-token-1"), message);
    assertFalse(error.retryable());
  }

  @Test
  void deniedExchangeNamesAcrRoles() {
    azure.failExchangeWith(401);
    AcrTokenSource source = source(Map.of());

    CloudCredentialException error =
        assertThrows(CloudCredentialException.class, () -> source.credential(REGISTRY));

    String message = error.getMessage();
    assertTrue(message.contains("HTTP 401 (UNAUTHORIZED: forced failure)"), message);
    assertTrue(message.contains("AcrPull"), message);
    assertTrue(message.contains("AcrPush"), message);
    assertFalse(message.contains("entra-1"), message);
  }

  @Test
  void defaultAuthorityIsMicrosoftLogin() {
    Map<String, String> env = environment(Map.of());
    env.remove("AZURE_AUTHORITY_HOST");

    AcrTokenSource source = AcrTokenSource.fromEnvironment(env, http, clock, azure::exchangeUri);

    assertEquals(
        "https://login.microsoftonline.com/" + FakeAzure.TENANT + "/oauth2/v2.0/token",
        source.tokenEndpoint().toString());
  }

  @Test
  void authorityWithoutTrailingSlashIsJoined() {
    String authority = azure.authorityHost();
    Map<String, String> env =
        environment(Map.of("AZURE_AUTHORITY_HOST", authority.substring(0, authority.length() - 1)));

    AcrTokenSource source = AcrTokenSource.fromEnvironment(env, http, clock, azure::exchangeUri);

    assertEquals(azure.endpoint().uri(FakeAzure.TOKEN_PATH), source.tokenEndpoint());
  }

  @Test
  void defaultExchangeGoesToRegistryHost() {
    AcrTokenSource source = AcrTokenSource.fromEnvironment(environment(Map.of()), http, clock);

    assertEquals(
        "https://portager.azurecr.io/oauth2/exchange",
        source.exchangeEndpoint(REGISTRY).toString());
  }

  @ParameterizedTest
  @CsvSource({
    "a.azurecr.io, https://management.azure.com/.default",
    "a.azurecr.cn, https://management.chinacloudapi.cn/.default",
    "a.azurecr.us, https://management.usgovcloudapi.net/.default",
    "127.0.0.1:5000, https://management.azure.com/.default"
  })
  void scopeFollowsCloudOfRegistry(String host, String scope) {
    assertEquals(scope, source(Map.of()).scopeFor(host));
  }

  @Test
  void scopeVariableOverridesCloudScope() {
    String scope = "https://containerregistry.azure.net/.default";
    azure.setExpectedScope(scope);
    AcrTokenSource source = source(Map.of(AcrTokenSource.SCOPE_VARIABLE, scope));

    source.credential(REGISTRY);

    assertEquals(scope, onlyRequest(FakeAzure.TOKEN_PATH).form().get("scope"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a.azurecr.io", "A.AZURECR.IO", "b.azurecr.cn", "c.azurecr.us"})
  void recognisesAcrHosts(String host) {
    assertTrue(AcrTokenSource.isAcrRegistry(host));
  }

  @ParameterizedTest
  @ValueSource(strings = {"azurecr.io", ".azurecr.io", "gcr.io", "a.azurecr.io.example.com"})
  void rejectsOtherHosts(String host) {
    assertFalse(AcrTokenSource.isAcrRegistry(host));
  }

  @Test
  void jwtExpiryReadsExpClaim() {
    String payload =
        java.util.Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("{\"exp\":1700000000}".getBytes());

    assertEquals(
        Instant.ofEpochSecond(1700000000), AcrTokenSource.jwtExpiry("e30." + payload + ".x"));
    assertNull(AcrTokenSource.jwtExpiry("opaque"));
    assertNull(AcrTokenSource.jwtExpiry("a.!!!.c"));
  }

  private FakeEndpoint.Request onlyRequest(String path) {
    List<FakeEndpoint.Request> requests = azure.endpoint().requests(path);
    assertEquals(1, requests.size(), path);
    return requests.get(0);
  }

  private AcrTokenSource source(Map<String, String> extra) {
    return AcrTokenSource.fromEnvironment(environment(extra), http, clock, azure::exchangeUri);
  }

  private Map<String, String> environment(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("AZURE_FEDERATED_TOKEN_FILE", tokenFile.toString());
    env.put("AZURE_CLIENT_ID", FakeAzure.CLIENT_ID);
    env.put("AZURE_TENANT_ID", FakeAzure.TENANT);
    env.put("AZURE_AUTHORITY_HOST", azure.authorityHost());
    env.putAll(extra);
    return env;
  }
}
