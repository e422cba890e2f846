package io.portager.cloud.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portager.cloud.FakeEndpoint;
import io.portager.cloud.FakeEndpoint.Request;
import io.portager.cloud.FakeEndpoint.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback fakes of Google's OAuth2 token endpoint, the Security Token Service, the IAM Credentials
 * {@code generateAccessToken} method and the metadata server, on one port. Each checks what it
 * receives (the JWT's header, claims and RS256 signature against the key's public half; the STS
 * form; the impersonation bearer token and body; the {@code Metadata-Flavor} header) and answers a
 * check that fails with 400 {@code invalid_grant} naming the failed check.
 */
public final class FakeGoogle implements AutoCloseable {
  static final String CLIENT_EMAIL = "portager@project.iam.gserviceaccount.com";
  static final String KEY_ID = "key-1";
  static final String AUDIENCE =
      "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/k";
  static final String SUBJECT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";
  static final String OAUTH_PATH = "/token";
  static final String STS_PATH = "/v1/token";
  static final String IMPERSONATION_PATH =
      "/v1/projects/-/serviceAccounts/" + CLIENT_EMAIL + ":generateAccessToken";
  static final String CLIENT_ID = "client-1.apps.googleusercontent.com";
  static final String CLIENT_SECRET = "client-secret-1";
  static final String USER_REFRESH_TOKEN = "user-refresh-1";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FakeEndpoint endpoint = FakeEndpoint.start();
  // Generating a 2048-bit key takes up to a second, so fakes share one unless a test needs another.
  private static final KeyPair SHARED_KEY_PAIR = generateKeyPair();

  private final KeyPair keyPair;
  private final Clock clock;
  private final AtomicInteger issued = new AtomicInteger();
  private final Set<String> stsTokens = ConcurrentHashMap.newKeySet();
  private final List<String> issuedTokens = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile Duration lifetime = Duration.ofHours(1);
  private volatile String expectedSubjectToken = "subject-token-1";
  private volatile Duration latency = Duration.ZERO;
  private volatile int forcedStatus;
  private volatile String fixedToken;

  public FakeGoogle(Clock clock) {
    this(clock, SHARED_KEY_PAIR);
  }

  FakeGoogle(Clock clock, KeyPair keyPair) {
    this.clock = clock;
    this.keyPair = keyPair;
    endpoint.handle(OAUTH_PATH, this::oauth);
    endpoint.handle(STS_PATH, this::sts);
    endpoint.handle(IMPERSONATION_PATH, this::impersonate);
    endpoint.handle(MetadataServer.TOKEN_PATH, this::metadata);
  }

  public FakeEndpoint endpoint() {
    return endpoint;
  }

  public String host() {
    return endpoint.hostPort();
  }

  void setLifetime(Duration lifetime) {
    this.lifetime = lifetime;
  }

  void setExpectedSubjectToken(String token) {
    this.expectedSubjectToken = token;
  }

  /** Delays every response, so concurrent callers overlap with a fetch in flight. */
  void setLatency(Duration latency) {
    this.latency = latency;
  }

  /**
   * Responds to every request with {@code status} and an OAuth2 error body. Setting 0 restores
   * normal responses.
   */
  void failWith(int status) {
    this.forcedStatus = status;
  }

  /**
   * Issues {@code token} for every request from now on, so a registry can be set up to accept it.
   */
  public void setFixedToken(String token) {
    this.fixedToken = token;
  }

  /** Returns every access token issued so far, oldest first. */
  public List<String> issuedTokens() {
    return List.copyOf(issuedTokens);
  }

  /** Writes a {@code service_account} key file whose {@code token_uri} is this fake. */
  Path writeServiceAccountKey(Path directory) {
    Map<String, Object> key = new LinkedHashMap<>();
    key.put("type", "service_account");
    key.put("project_id", "project");
    key.put("private_key_id", KEY_ID);
    key.put("private_key", privateKeyPem());
    key.put("client_email", CLIENT_EMAIL);
    key.put("client_id", "1234");
    key.put("token_uri", endpoint.uri(OAUTH_PATH).toString());
    return write(directory.resolve("service-account.json"), key);
  }

  /** Writes an {@code authorized_user} file whose {@code token_uri} is this fake. */
  Path writeAuthorizedUser(Path directory) {
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("type", "authorized_user");
    file.put("client_id", CLIENT_ID);
    file.put("client_secret", CLIENT_SECRET);
    file.put("refresh_token", USER_REFRESH_TOKEN);
    file.put("token_uri", endpoint.uri(OAUTH_PATH).toString());
    return write(directory.resolve("authorized-user.json"), file);
  }

  /** Writes an {@code external_account} file using this fake's STS and optional impersonation. */
  Path writeExternalAccount(
      Path directory, Map<String, Object> credentialSource, boolean impersonate) {
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("type", "external_account");
    file.put("audience", AUDIENCE);
    file.put("subject_token_type", SUBJECT_TOKEN_TYPE);
    file.put("token_url", endpoint.uri(STS_PATH).toString());
    file.put("credential_source", credentialSource);
    if (impersonate) {
      file.put("service_account_impersonation_url", endpoint.uri(IMPERSONATION_PATH).toString());
    }
    return write(directory.resolve("external-account.json"), file);
  }

  static Path write(Path file, Object content) {
    try {
      Files.write(file, JSON.writeValueAsBytes(content));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("write " + file, e);
    }
  }

  String privateKeyPem() {
    String base64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(keyPair.getPrivate().getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
  }

  @Override
  public void close() {
    endpoint.close();
  }

  private Response oauth(Request request) {
    pause();
    Map<String, String> form = request.form();
    List<String> problems = new ArrayList<>();
    expect(problems, "method", "POST", request.method());
    String grant = form.getOrDefault("grant_type", "");
    if (grant.equals("refresh_token")) {
      expect(problems, "client_id", CLIENT_ID, form.get("client_id"));
      expect(problems, "client_secret", CLIENT_SECRET, form.get("client_secret"));
      expect(problems, "refresh_token", USER_REFRESH_TOKEN, form.get("refresh_token"));
    } else {
      expect(problems, "grant_type", ServiceAccountKey.JWT_BEARER_GRANT, grant);
      problems.addAll(jwtProblems(form.getOrDefault("assertion", "")));
    }
    return answer(problems, "ya29.oauth-");
  }

  /** Checks the assertion: header, signature with the public key, then each claim. */
  List<String> jwtProblems(String jwt) {
    List<String> problems = new ArrayList<>();
    String[] parts = jwt.split("\\.");
    if (parts.length != 3) {
      return List.of("assertion is not a JWT");
    }
    JsonNode header = decodePart(parts[0]);
    JsonNode claims = decodePart(parts[1]);
    expect(problems, "alg", "RS256", header.path("alg").asText());
    expect(problems, "kid", KEY_ID, header.path("kid").asText());
    if (!signatureValid(parts)) {
      problems.add("signature does not verify with the public key");
    }
    expect(problems, "iss", CLIENT_EMAIL, claims.path("iss").asText());
    expect(problems, "scope", GoogleIdentity.CLOUD_PLATFORM_SCOPE, claims.path("scope").asText());
    expect(problems, "aud", endpoint.uri(OAUTH_PATH).toString(), claims.path("aud").asText());
    long iat = claims.path("iat").asLong();
    if (Math.abs(iat - clock.instant().getEpochSecond()) > 60) {
      problems.add("iat: got " + iat + ", want within a minute of " + clock.instant());
    }
    expect(problems, "exp", String.valueOf(iat + 3600), claims.path("exp").asText());
    return problems;
  }

  private Response sts(Request request) {
    pause();
    Map<String, String> form = request.form();
    List<String> problems = new ArrayList<>();
    expect(problems, "method", "POST", request.method());
    expect(problems, "grant_type", ExternalAccount.TOKEN_EXCHANGE_GRANT, form.get("grant_type"));
    expect(problems, "audience", AUDIENCE, form.get("audience"));
    expect(problems, "scope", GoogleIdentity.CLOUD_PLATFORM_SCOPE, form.get("scope"));
    expect(
        problems,
        "requested_token_type",
        ExternalAccount.ACCESS_TOKEN_TYPE,
        form.get("requested_token_type"));
    expect(problems, "subject_token_type", SUBJECT_TOKEN_TYPE, form.get("subject_token_type"));
    expect(problems, "subject_token", expectedSubjectToken, form.get("subject_token"));
    expect(problems, "authorization", null, request.header("Authorization"));
    Response response = answer(problems, "sts-");
    if (response.status() == 200) {
      stsTokens.add(issuedTokens.get(issuedTokens.size() - 1));
    }
    return response;
  }

  private Response impersonate(Request request) {
    pause();
    List<String> problems = new ArrayList<>();
    String authorization = request.header("Authorization");
    String bearer =
        authorization != null && authorization.startsWith("Bearer ")
            ? authorization.substring(7)
            : "";
    if (!stsTokens.contains(bearer)) {
      problems.add("bearer token is not one the STS issued");
    }
    JsonNode body = request.json();
    expect(
        problems,
        "scope",
        GoogleIdentity.CLOUD_PLATFORM_SCOPE,
        body.path("scope").path(0).asText());
    expect(problems, "lifetime", "3600s", body.path("lifetime").asText());
    if (forcedStatus != 0 || !problems.isEmpty()) {
      return answer(problems, "");
    }
    String token = issue("ya29.impersonated-");
    Instant expireTime = clock.instant().plus(lifetime);
    return Response.json(200, Map.of("accessToken", token, "expireTime", expireTime.toString()));
  }

  private Response metadata(Request request) {
    pause();
    if (!"Google".equals(request.header("Metadata-Flavor"))) {
      return Response.text(403, "Missing Metadata-Flavor:Google header.");
    }
    return answer(List.of(), "ya29.metadata-");
  }

  private Response answer(List<String> problems, String prefix) {
    if (forcedStatus != 0) {
      return Response.json(
          forcedStatus, Map.of("error", "invalid_grant", "error_description", "forced failure"));
    }
    if (!problems.isEmpty()) {
      return Response.json(
          400, Map.of("error", "invalid_grant", "error_description", String.join("; ", problems)));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", issue(prefix));
    body.put("expires_in", lifetime.toSeconds());
    body.put("token_type", "Bearer");
    return Response.json(200, body);
  }

  private String issue(String prefix) {
    int serial = issued.incrementAndGet();
    String token = fixedToken == null ? prefix + serial : fixedToken;
    issuedTokens.add(token);
    return token;
  }

  private void pause() {
    try {
      Thread.sleep(latency.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean signatureValid(String[] parts) {
    try {
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(keyPair.getPublic());
      verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      return verifier.verify(Base64.getUrlDecoder().decode(parts[2]));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private static JsonNode decodePart(String part) {
    try {
      return JSON.readTree(Base64.getUrlDecoder().decode(part));
    } catch (IOException | IllegalArgumentException e) {
      return JSON.createObjectNode();
    }
  }

  private static void expect(List<String> problems, String name, String want, String got) {
    if (want == null ? got != null : !want.equals(got)) {
      problems.add(name + ": got " + got + ", want " + want);
    }
  }

  static KeyPair generateKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("generate RSA key", e);
    }
  }
}
