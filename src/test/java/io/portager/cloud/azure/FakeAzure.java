package io.portager.cloud.azure;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portager.cloud.FakeEndpoint;
import io.portager.cloud.FakeEndpoint.Request;
import io.portager.cloud.FakeEndpoint.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Loopback fakes of Entra ID's token endpoint ({@code /{tenant}/oauth2/v2.0/token}) and of ACR's
 * {@code /oauth2/exchange}, on one port. The token endpoint checks the client credentials form and
 * that the client assertion is the federated token the test expects; the exchange checks that the
 * access token is one the token endpoint issued. A check that fails is answered with 400 or 401 and
 * an error naming it.
 */
public final class FakeAzure implements AutoCloseable {
  public static final String TENANT = "72f988bf-0000-0000-0000-000000000001";
  public static final String CLIENT_ID = "5b6c0000-0000-0000-0000-000000000002";
  public static final String EXCHANGE_PATH = "/oauth2/exchange";
  static final String TOKEN_PATH = "/" + TENANT + "/oauth2/v2.0/token";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final FakeEndpoint endpoint = FakeEndpoint.start();
  private final Clock clock;
  private final AtomicInteger issued = new AtomicInteger();
  private final Set<String> entraTokens = ConcurrentHashMap.newKeySet();
  private final List<Consumer<String>> refreshTokenListeners = new ArrayList<>();
  private volatile String expectedAssertion = "federated-token-1";
  private volatile String expectedScope = "https://management.azure.com/.default";
  private volatile Duration entraLifetime = Duration.ofHours(1);
  private volatile Duration refreshLifetime = Duration.ofHours(3);
  private volatile boolean opaqueRefreshTokens;
  private volatile Duration latency = Duration.ZERO;
  private volatile int exchangeStatus;
  private volatile int tokenStatus;

  public FakeAzure(Clock clock) {
    this.clock = clock;
    endpoint.handle(TOKEN_PATH, this::token);
    endpoint.handle(EXCHANGE_PATH, this::exchange);
  }

  public FakeEndpoint endpoint() {
    return endpoint;
  }

  /** Returns the authority host for {@code AZURE_AUTHORITY_HOST}, with its trailing slash. */
  public String authorityHost() {
    return endpoint.uri("/").toString();
  }

  public URI exchangeUri(String registryHost) {
    return endpoint.uri(EXCHANGE_PATH);
  }

  void setExpectedAssertion(String assertion) {
    this.expectedAssertion = assertion;
  }

  void setExpectedScope(String scope) {
    this.expectedScope = scope;
  }

  void setEntraLifetime(Duration lifetime) {
    this.entraLifetime = lifetime;
  }

  void setRefreshLifetime(Duration lifetime) {
    this.refreshLifetime = lifetime;
  }

  /** Issues refresh tokens that are not JWTs, so the client cannot read their expiry. */
  void setOpaqueRefreshTokens(boolean opaque) {
    this.opaqueRefreshTokens = opaque;
  }

  void setLatency(Duration latency) {
    this.latency = latency;
  }

  /** Responds to every exchange with {@code status}. Setting 0 restores normal responses. */
  void failExchangeWith(int status) {
    this.exchangeStatus = status;
  }

  /**
   * Responds to every Entra ID token request with {@code status}. Setting 0 restores normal
   * responses.
   */
  void failTokenWith(int status) {
    this.tokenStatus = status;
  }

  /** Calls {@code listener} with every refresh token the exchange issues. */
  public void onRefreshToken(Consumer<String> listener) {
    refreshTokenListeners.add(listener);
  }

  @Override
  public void close() {
    endpoint.close();
  }

  private Response token(Request request) {
    pause();
    Map<String, String> form = request.form();
    List<String> problems = new ArrayList<>();
    expect(problems, "method", "POST", request.method());
    expect(problems, "client_id", CLIENT_ID, form.get("client_id"));
    expect(problems, "grant_type", "client_credentials", form.get("grant_type"));
    expect(
        problems,
        "client_assertion_type",
        AcrTokenSource.CLIENT_ASSERTION_TYPE,
        form.get("client_assertion_type"));
    expect(problems, "client_assertion", expectedAssertion, form.get("client_assertion"));
    expect(problems, "scope", expectedScope, form.get("scope"));
    if (tokenStatus != 0) {
      return Response.json(
          tokenStatus,
          Map.of("error", "invalid_client", "error_description", "AADSTS70021: forced failure"));
    }
    if (!problems.isEmpty()) {
      return Response.json(
          400, Map.of("error", "invalid_client", "error_description", String.join("; ", problems)));
    }
    String token = "entra-" + issued.incrementAndGet();
    entraTokens.add(token);
    return Response.json(
        200,
        Map.of(
            "token_type",
            "Bearer",
            "expires_in",
            entraLifetime.toSeconds(),
            "access_token",
            token));
  }

  private Response exchange(Request request) {
    pause();
    Map<String, String> form = request.form();
    List<String> problems = new ArrayList<>();
    expect(problems, "grant_type", "access_token", form.get("grant_type"));
    expect(problems, "tenant", TENANT, form.get("tenant"));
    if (form.getOrDefault("service", "").isEmpty()) {
      problems.add("service is missing");
    }
    if (!entraTokens.contains(form.getOrDefault("access_token", ""))) {
      problems.add("access_token is not one the token endpoint issued");
    }
    if (exchangeStatus != 0) {
      return Response.json(
          exchangeStatus,
          Map.of("errors", List.of(Map.of("code", "UNAUTHORIZED", "message", "forced failure"))));
    }
    if (!problems.isEmpty()) {
      return Response.json(
          401,
          Map.of(
              "errors",
              List.of(Map.of("code", "UNAUTHORIZED", "message", String.join("; ", problems)))));
    }
    String refreshToken = refreshToken(form.get("service"));
    refreshTokenListeners.forEach(listener -> listener.accept(refreshToken));
    return Response.json(200, Map.of("refresh_token", refreshToken));
  }

  /** Builds an ACR-like refresh token: an unsigned JWT with aud, exp and grant_type claims. */
  private String refreshToken(String service) {
    int number = issued.incrementAndGet();
    if (opaqueRefreshTokens) {
      return "opaque-refresh-" + number;
    }
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("jti", "refresh-" + number);
    claims.put("aud", service);
    claims.put("exp", clock.instant().plus(refreshLifetime).getEpochSecond());
    claims.put("grant_type", "refresh_token");
    claims.put("tenant", TENANT);
    try {
      return BASE64URL.encodeToString(JSON.writeValueAsBytes(Map.of("alg", "none")))
          + "."
          + BASE64URL.encodeToString(JSON.writeValueAsBytes(claims))
          + ".sig"
          + number;
    } catch (IOException e) {
      throw new UncheckedIOException("encode refresh token", e);
    }
  }

  private void pause() {
    try {
      Thread.sleep(latency.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void expect(List<String> problems, String name, String want, String got) {
    if (!want.equals(got)) {
      problems.add(name + ": got " + got + ", want " + want);
    }
  }
}
