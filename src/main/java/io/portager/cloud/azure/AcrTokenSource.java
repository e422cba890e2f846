package io.portager.cloud.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portager.cloud.CloudCredentialException;
import io.portager.cloud.ExpiringToken;
import io.portager.cloud.RegistryTokenSource;
import io.portager.cloud.TokenCache;
import io.portager.log.Log;
import io.portager.registry.Credential;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Registry credentials for Azure Container Registry from Azure workload identity (Microsoft Entra
 * Workload ID on AKS).
 *
 * <ol>
 *   <li>The projected service account token in {@code AZURE_FEDERATED_TOKEN_FILE}, read again on
 *       every fetch because the kubelet rotates it, is the client assertion of a client credentials
 *       request to {@code {AZURE_AUTHORITY_HOST}{AZURE_TENANT_ID}/oauth2/v2.0/token} for {@code
 *       AZURE_CLIENT_ID}. This is the client credentials grant with a client assertion, as in
 *       Microsoft's "Microsoft identity platform application authentication certificate
 *       credentials" page, where workload identity federation puts the federated token in place of
 *       a certificate-signed JWT.
 *   <li>The Entra ID access token is exchanged at the registry's {@code POST /oauth2/exchange}
 *       ({@code grant_type=access_token}, {@code service}, {@code tenant}, {@code access_token})
 *       for an ACR refresh token (the "Azure Container Registry integration with Azure Active
 *       Directory" document of the Azure/acr repository).
 *   <li>The refresh token is returned as {@link Credential.IdentityToken}; the registry client
 *       trades it at the registry's token realm with {@code grant_type=refresh_token}, as ACR
 *       expects.
 * </ol>
 *
 * <p>Entra ID tokens are cached per scope and refresh tokens per registry host, each until shortly
 * before it expires; concurrent callers share one fetch.
 */
public final class AcrTokenSource implements RegistryTokenSource {
  static final String DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com/";
  static final String CLIENT_ASSERTION_TYPE =
      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  /**
   * The environment variable that replaces the Entra ID scope, for example with {@code
   * https://containerregistry.azure.net/.default} for a registry that rejects Azure Resource
   * Manager audience tokens.
   */
  public static final String SCOPE_VARIABLE = "PORTAGER_ACR_TOKEN_SCOPE";

  /** A federated token file is a JWT of a few KiB; this bounds a wrong mount. */
  static final long TOKEN_FILE_LIMIT = 64 * 1024;

  /**
   * ACR login server suffixes and the Azure Resource Manager audience of their cloud, from the
   * cloud environments of go-autorest ({@code autorest/azure/environments.go}: {@code
   * ContainerRegistryDNSSuffix} and {@code TokenAudience}). ACR accepts Resource Manager audience
   * tokens unless the registry's "authentication-as-arm" policy is disabled.
   */
  private static final Map<String, String> SCOPE_BY_SUFFIX =
      Map.of(
          ".azurecr.io", "https://management.azure.com/.default",
          ".azurecr.cn", "https://management.chinacloudapi.cn/.default",
          ".azurecr.us", "https://management.usgovcloudapi.net/.default");

  private static final String PUBLIC_CLOUD_SCOPE = "https://management.azure.com/.default";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Log LOG = Log.get("cloud");

  private final Path tokenFile;
  private final String clientId;
  private final String tenantId;
  private final URI tokenEndpoint;
  private final String scopeOverride;
  private final Function<String, URI> exchangeEndpoint;
  private final AzureHttp http;
  private final Clock clock;
  private final Map<String, TokenCache> entraTokens = new ConcurrentHashMap<>();
  private final Map<String, TokenCache> refreshTokens = new ConcurrentHashMap<>();

  private AcrTokenSource(
      Map<String, String> env,
      HttpClient http,
      Clock clock,
      Function<String, URI> exchangeEndpoint) {
    requireVariables(env);
    this.tokenFile = Path.of(env.get("AZURE_FEDERATED_TOKEN_FILE"));
    this.clientId = env.get("AZURE_CLIENT_ID").trim();
    this.tenantId = env.get("AZURE_TENANT_ID").trim();
    this.tokenEndpoint = tokenEndpoint(env.get("AZURE_AUTHORITY_HOST"), tenantId);
    String scope = env.get(SCOPE_VARIABLE);
    this.scopeOverride = scope == null || scope.isBlank() ? null : scope.trim();
    this.exchangeEndpoint = exchangeEndpoint;
    this.http = new AzureHttp(http);
    this.clock = clock;
  }

  /**
   * Reads the workload identity variables from {@code env} (in production {@code System.getenv()}):
   * {@code AZURE_FEDERATED_TOKEN_FILE}, {@code AZURE_CLIENT_ID}, {@code AZURE_TENANT_ID}, optional
   * {@code AZURE_AUTHORITY_HOST} and {@code PORTAGER_ACR_TOKEN_SCOPE}. The exchange goes to {@code
   * https://<registry host>/oauth2/exchange}. No request is sent until the first {@link
   * #credential}.
   *
   * @throws CloudCredentialException when a required variable is missing
   */
  public static AcrTokenSource fromEnvironment(
      Map<String, String> env, HttpClient http, Clock clock) {
    return fromEnvironment(env, http, clock, AcrTokenSource::defaultExchangeEndpoint);
  }

  /**
   * Like {@link #fromEnvironment(Map, HttpClient, Clock)}, with the exchange URL of each registry
   * host given by {@code exchangeEndpoint}, for registries served over plain http or elsewhere.
   */
  public static AcrTokenSource fromEnvironment(
      Map<String, String> env,
      HttpClient http,
      Clock clock,
      Function<String, URI> exchangeEndpoint) {
    return new AcrTokenSource(env, http, clock, exchangeEndpoint);
  }

  /** Returns true for ACR login servers of the public, China and US Government clouds. */
  public static boolean isAcrRegistry(String registryHost) {
    return suffixScope(registryHost) != null;
  }

  /** Returns an ACR refresh token for {@code registryHost} as an identity token. */
  @Override
  public Credential credential(String registryHost) {
    TokenCache cache =
        refreshTokens.computeIfAbsent(
            registryHost, host -> new TokenCache(clock, () -> exchange(host)));
    return new Credential.IdentityToken(cache.get().value());
  }

  URI tokenEndpoint() {
    return tokenEndpoint;
  }

  URI exchangeEndpoint(String registryHost) {
    return exchangeEndpoint.apply(registryHost);
  }

  /** Returns the Entra ID scope requested for {@code registryHost}. */
  String scopeFor(String registryHost) {
    if (scopeOverride != null) {
      return scopeOverride;
    }
    String scope = suffixScope(registryHost);
    return scope == null ? PUBLIC_CLOUD_SCOPE : scope;
  }

  private ExpiringToken exchange(String registryHost) {
    ExpiringToken entra = entraToken(registryHost);
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "access_token");
    form.put("service", registryHost);
    form.put("tenant", tenantId);
    form.put("access_token", entra.value());
    String action = "exchange Entra ID token for an ACR refresh token of " + registryHost;
    String hint =
        "assign the AcrPull (pull) or AcrPush (push) role on the registry to the managed identity"
            + " or application "
            + clientId;

    Instant now = clock.instant();
    JsonNode body = http.postForm(action, exchangeEndpoint.apply(registryHost), form, hint);
    String refreshToken = AzureHttp.requiredText(body, "refresh_token", action);

    Instant expiresAt = jwtExpiry(refreshToken);
    if (expiresAt == null || !expiresAt.isAfter(now)) {
      // An opaque token: assume it lasts as long as the Entra ID token it came from.
      expiresAt = entra.expiresAt();
    }
    LOG.info(
        "cloud_token_fetched",
        "provider",
        "azure",
        "registry",
        registryHost,
        "client_id",
        clientId,
        "expires_at",
        expiresAt);
    return new ExpiringToken(refreshToken, expiresAt);
  }

  private ExpiringToken entraToken(String registryHost) {
    String scope = scopeFor(registryHost);
    return entraTokens
        .computeIfAbsent(scope, key -> new TokenCache(clock, () -> fetchEntraToken(key)))
        .get();
  }

  private ExpiringToken fetchEntraToken(String scope) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("client_id", clientId);
    form.put("scope", scope);
    form.put("grant_type", "client_credentials");
    form.put("client_assertion_type", CLIENT_ASSERTION_TYPE);
    form.put("client_assertion", readFederatedToken());
    String action = "fetch Entra ID token for client " + clientId + " in tenant " + tenantId;
    String hint =
        "check that the application or managed identity "
            + clientId
            + " has a federated identity credential for this Kubernetes service account's issuer"
            + " and subject";
    Instant now = clock.instant();
    JsonNode body = http.postForm(action, tokenEndpoint, form, hint);
    String token = AzureHttp.requiredText(body, "access_token", action);
    JsonNode expiresIn = body.get("expires_in");
    long seconds = expiresIn != null && expiresIn.asLong() > 0 ? expiresIn.asLong() : 3600;
    return new ExpiringToken(token, now.plusSeconds(seconds));
  }

  private String readFederatedToken() {
    String where = "read federated token file " + tokenFile;
    try {
      if (Files.size(tokenFile) > TOKEN_FILE_LIMIT) {
        throw new CloudCredentialException(
            where + ": larger than " + TOKEN_FILE_LIMIT + " bytes, not a token", false);
      }
      String token = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
      if (token.isEmpty()) {
        throw new CloudCredentialException(where + ": the file is empty", true);
      }
      return token;
    } catch (IOException e) {
      throw new CloudCredentialException(
          where
              + ": "
              + e.getClass().getSimpleName()
              + "; label the pod azure.workload.identity/use: \"true\" so the webhook mounts it",
          true,
          e);
    }
  }

  /** Returns the {@code exp} claim of a JWT without verifying it, or null for another format. */
  static Instant jwtExpiry(String token) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return null;
    }
    try {
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      JsonNode exp = claims == null ? null : claims.get("exp");
      return exp != null && exp.canConvertToLong() ? Instant.ofEpochSecond(exp.asLong()) : null;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  private static URI defaultExchangeEndpoint(String registryHost) {
    return URI.create("https://" + registryHost + "/oauth2/exchange");
  }

  private static String suffixScope(String registryHost) {
    String host = registryHost.toLowerCase(Locale.ROOT);
    int colon = host.lastIndexOf(':');
    if (colon >= 0) {
      host = host.substring(0, colon);
    }
    for (Map.Entry<String, String> entry : SCOPE_BY_SUFFIX.entrySet()) {
      String suffix = entry.getKey();
      if (host.endsWith(suffix) && host.length() > suffix.length()) {
        return entry.getValue();
      }
    }
    return null;
  }

  private static URI tokenEndpoint(String authorityHost, String tenantId) {
    String authority =
        authorityHost == null || authorityHost.isBlank()
            ? DEFAULT_AUTHORITY_HOST
            : authorityHost.trim();
    if (!authority.endsWith("/")) {
      authority = authority + "/";
    }
    try {
      URI uri = URI.create(authority + tenantId + "/oauth2/v2.0/token");
      if (uri.getHost() == null || !List.of("https", "http").contains(uri.getScheme())) {
        throw new IllegalArgumentException("want an http(s) URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new CloudCredentialException(
          "configure Azure workload identity: AZURE_AUTHORITY_HOST "
              + authority
              + " or AZURE_TENANT_ID is invalid: "
              + e.getMessage(),
          false);
    }
  }

  private static void requireVariables(Map<String, String> env) {
    List<String> missing = new ArrayList<>();
    for (String name :
        List.of("AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_ID", "AZURE_TENANT_ID")) {
      String value = env.get(name);
      if (value == null || value.isBlank()) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      throw new CloudCredentialException(
          "configure Azure workload identity: missing "
              + String.join(", ", missing)
              + "; label the operator pod azure.workload.identity/use: \"true\" and annotate its"
              + " service account with azure.workload.identity/client-id",
          false);
    }
  }
}
