package io.portager.testenv;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A bearer token server for registries in token auth mode, implementing the GET form of the Docker
 * token protocol ({@code GET /token?service=S&scope=repository:NAME:ACTIONS}).
 *
 * <p>A request with valid Basic credentials receives every {@code repository} scope it requests. A
 * request without credentials receives a token with no access, so the registry answers it with 401.
 * A request with an unknown user or a wrong password gets 401 from this server.
 *
 * <p>Tokens are RS256 JWTs whose {@code x5c} header holds the self-signed signing certificate, with
 * claims {@code iss}, {@code sub}, {@code aud} (the requested service), {@code exp}, {@code nbf},
 * {@code iat}, {@code jti} and {@code access}. A registry accepts them when its {@code
 * auth.token.rootcertbundle} is {@link #certificateBundle()} and its {@code issuer} is {@link
 * #issuer()}. Distribution 2.8 and 3.1 both verify the {@code x5c} chain against that bundle.
 *
 * <p>The OAuth2 {@code POST} form is served for {@code grant_type=refresh_token} only, with the
 * refresh tokens registered by {@link #acceptRefreshToken} (the way ACR trades the refresh token of
 * its {@code /oauth2/exchange}); an unknown refresh token gets 401. Other POSTs, such as the
 * password grant, return 404, which well-behaved clients treat as "fall back to GET".
 */
public final class TokenServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final String issuer;
  private final Map<String, String> passwords;
  private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
  private final Path certificateBundle;
  private final Path logFile;
  private final PrivateKey signingKey;
  private final String certificateBase64;
  private final Clock clock;
  private final List<TokenRequest> requests = new CopyOnWriteArrayList<>();
  private final ExecutorService executor;
  private final int port;
  private volatile HttpServer server;
  private volatile Duration tokenLifetime;

  /** One request to {@code /token}, without the password. */
  public record TokenRequest(
      Instant time, String username, String service, List<String> scopes, int status) {
    public TokenRequest {
      scopes = List.copyOf(scopes);
    }

    public boolean anonymous() {
      return username.isEmpty();
    }
  }

  private volatile String realmHost = "127.0.0.1";

  private TokenServer(
      RunDirectory run, String name, Map<String, String> users, Duration tokenLifetime) {
    this.issuer = "portager-test-" + name;
    this.passwords = new ConcurrentHashMap<>(users);
    this.tokenLifetime = tokenLifetime;
    this.clock = Clock.systemUTC();
    this.logFile = run.logFile(name);

    Path directory = run.directory(name);
    Path key = directory.resolve("signer.key");
    this.certificateBundle = directory.resolve("signer.crt");
    Certificates.generateRsaKey(key);
    Certificates.selfSign(key, certificateBundle, issuer);
    this.signingKey = Certificates.readRsaPrivateKey(key);
    this.certificateBase64 = encodeCertificate(certificateBundle);

    this.executor =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "testenv-" + name);
              thread.setDaemon(true);
              return thread;
            });
    this.server = createServer(0);
    this.port = server.getAddress().getPort();
  }

  /**
   * Starts a token server on a free port of 127.0.0.1.
   *
   * @param users user name to password; every listed user may pull and push every repository
   * @param tokenLifetime the {@code expires_in} of issued tokens and the span of {@code exp}
   */
  public static TokenServer start(
      RunDirectory run, String name, Map<String, String> users, Duration tokenLifetime) {
    TokenServer tokenServer = new TokenServer(run, name, users, tokenLifetime);
    tokenServer.server.start();
    return tokenServer;
  }

  /**
   * Names the realm's host, 127.0.0.1 unless set. A registry reads the realm when it starts, so set
   * the host first. A client sends credentials to a plain-http realm only on the registry's own
   * host, so a registry reached under a name from the test hosts file needs a realm of that name.
   */
  public void setRealmHost(String host) {
    this.realmHost = host;
  }

  /** Returns the token endpoint, {@code http://<realm host>:<port>/token}. */
  public String realm() {
    return "http://" + realmHost + ":" + port + "/token";
  }

  public String issuer() {
    return issuer;
  }

  /** Returns the PEM file with the signing certificate, for {@code rootcertbundle}. */
  public Path certificateBundle() {
    return certificateBundle;
  }

  public Duration tokenLifetime() {
    return tokenLifetime;
  }

  /** Changes the lifetime of tokens issued from now on. */
  public void setTokenLifetime(Duration lifetime) {
    this.tokenLifetime = lifetime;
  }

  /** Adds a user or changes the password of an existing one. */
  public void putUser(String username, String password) {
    passwords.put(username, password);
  }

  public void removeUser(String username) {
    passwords.remove(username);
  }

  /**
   * Accepts {@code refreshToken} in the OAuth2 POST form from now on, as {@code username}, who may
   * pull and push every repository.
   */
  public void acceptRefreshToken(String refreshToken, String username) {
    refreshTokens.put(refreshToken, username);
  }

  /** Returns the number of requests to {@code /token} so far, successful or not. */
  public int requestCount() {
    return requests.size();
  }

  /** Returns every request to {@code /token} so far, oldest first. */
  public List<TokenRequest> requests() {
    return List.copyOf(requests);
  }

  /** Stops listening, so connections to the realm are refused until {@link #restart}. */
  public void stop() {
    server.stop(0);
  }

  /** Listens again on the same port after {@link #stop}, with the same signing key and users. */
  public void restart() {
    server = createServer(port);
    server.start();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private HttpServer createServer(int listenPort) {
    try {
      HttpServer created = HttpServer.create(new InetSocketAddress("127.0.0.1", listenPort), 0);
      created.createContext("/token", this::handle);
      created.setExecutor(executor);
      return created;
    } catch (IOException e) {
      throw new UncheckedIOException("start token server on 127.0.0.1", e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (exchange.getRequestMethod().equals("POST")) {
        handlePost(exchange);
        return;
      }
      if (!exchange.getRequestMethod().equals("GET")) {
        respond(exchange, 404, Map.of("error", "only GET and POST are supported"));
        return;
      }
      Map<String, List<String>> query = parseQuery(exchange.getRequestURI());
      String service = first(query, "service");
      List<String> scopes = query.getOrDefault("scope", List.of());
      Optional<String[]> credentials = basicCredentials(exchange);
      String username = credentials.map(pair -> pair[0]).orElse("");

      if (credentials.isPresent() && !passwordMatches(credentials.get())) {
        record(username, service, scopes, 401);
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"" + realm() + "\"");
        respond(exchange, 401, Map.of("errors", List.of(Map.of("code", "UNAUTHORIZED"))));
        return;
      }
      if (service.isEmpty()) {
        record(username, service, scopes, 400);
        respond(exchange, 400, Map.of("error", "missing query parameter service"));
        return;
      }

      List<Map<String, Object>> access =
          credentials.isPresent() ? grantRepositoryScopes(scopes) : List.of();
      record(username, service, scopes, 200);
      respond(exchange, 200, tokenResponse(username, service, access));
    }
  }

  private void handlePost(HttpExchange exchange) throws IOException {
    Map<String, List<String>> form =
        parseForm(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    if (!first(form, "grant_type").equals("refresh_token")) {
      respond(exchange, 404, Map.of("error", "only grant_type=refresh_token is supported"));
      return;
    }
    String service = first(form, "service");
    List<String> scopes = List.of(first(form, "scope").split(" "));
    String username = refreshTokens.get(first(form, "refresh_token"));
    if (username == null) {
      record("", service, scopes, 401);
      respond(exchange, 401, Map.of("error", "invalid_grant"));
      return;
    }
    if (service.isEmpty()) {
      record(username, service, scopes, 400);
      respond(exchange, 400, Map.of("error", "invalid_request"));
      return;
    }
    record(username, service, scopes, 200);
    respond(exchange, 200, tokenResponse(username, service, grantRepositoryScopes(scopes)));
  }

  private boolean passwordMatches(String[] credentials) {
    String expected = passwords.get(credentials[0]);
    return expected != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8),
            credentials[1].getBytes(StandardCharsets.UTF_8));
  }

  private Map<String, Object> tokenResponse(
      String username, String service, List<Map<String, Object>> access) {
    Instant now = clock.instant();
    Duration lifetime = tokenLifetime;
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", issuer);
    claims.put("sub", username);
    claims.put("aud", service);
    claims.put("exp", now.plus(lifetime).getEpochSecond());
    // nbf is backdated a little so that a registry whose clock reads slightly earlier accepts it.
    claims.put("nbf", now.minusSeconds(5).getEpochSecond());
    claims.put("iat", now.getEpochSecond());
    claims.put("jti", UUID.randomUUID().toString());
    claims.put("access", access);
    String token = sign(claims);

    Map<String, Object> body = new LinkedHashMap<>();
    body.put("token", token);
    body.put("access_token", token);
    body.put("expires_in", lifetime.toSeconds());
    body.put("issued_at", now.toString());
    return body;
  }

  private String sign(Map<String, Object> claims) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("typ", "JWT");
    header.put("alg", "RS256");
    header.put("x5c", List.of(certificateBase64));
    try {
      String signingInput =
          BASE64URL.encodeToString(JSON.writeValueAsBytes(header))
              + "."
              + BASE64URL.encodeToString(JSON.writeValueAsBytes(claims));
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(signingKey);
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + BASE64URL.encodeToString(signature.sign());
    } catch (IOException e) {
      throw new UncheckedIOException("encode token claims", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sign token: " + e.getMessage(), e);
    }
  }

  /**
   * Turns {@code repository:NAME:ACTION[,ACTION]} scopes into {@code access} claim entries and
   * drops other resource types. NAME may contain a colon (a registry port), so the type ends at the
   * first colon and the actions start after the last one.
   */
  static List<Map<String, Object>> grantRepositoryScopes(List<String> scopes) {
    Map<String, Set<String>> actionsByRepository = new LinkedHashMap<>();
    for (String scope : scopes) {
      for (String single : scope.split(" ")) {
        int typeEnd = single.indexOf(':');
        int actionsStart = single.lastIndexOf(':');
        if (typeEnd < 0 || actionsStart <= typeEnd) {
          continue;
        }
        if (!single.substring(0, typeEnd).equals("repository")) {
          continue;
        }
        String repository = single.substring(typeEnd + 1, actionsStart);
        Set<String> actions =
            actionsByRepository.computeIfAbsent(repository, key -> new LinkedHashSet<>());
        for (String action : single.substring(actionsStart + 1).split(",")) {
          if (!action.isBlank()) {
            actions.add(action);
          }
        }
      }
    }
    List<Map<String, Object>> access = new ArrayList<>();
    actionsByRepository.forEach(
        (repository, actions) ->
            access.add(
                Map.of("type", "repository", "name", repository, "actions", List.copyOf(actions))));
    return access;
  }

  private void record(String username, String service, List<String> scopes, int status) {
    TokenRequest request = new TokenRequest(clock.instant(), username, service, scopes, status);
    requests.add(request);
    String line =
        "time="
            + request.time()
            + " event=token_request user="
            + (username.isEmpty() ? "<anonymous>" : username)
            + " service="
            + service
            + " scopes="
            + scopes
            + " status="
            + status
            + "\n";
    try {
      Files.writeString(logFile, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // The request list above is the record tests use; the log file is for people.
    }
  }

  private static Optional<String[]> basicCredentials(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.of(new String[] {"", ""});
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Optional.of(new String[] {decoded, ""});
    }
    return Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
  }

  private static Map<String, List<String>> parseQuery(URI uri) {
    String raw = uri.getRawQuery();
    return raw == null ? new LinkedHashMap<>() : parseForm(raw);
  }

  private static Map<String, List<String>> parseForm(String raw) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int equals = pair.indexOf('=');
      String key = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      query
          .computeIfAbsent(URLDecoder.decode(key, StandardCharsets.UTF_8), k -> new ArrayList<>())
          .add(URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return query;
  }

  private static String first(Map<String, List<String>> query, String key) {
    List<String> values = query.getOrDefault(key, List.of());
    return values.isEmpty() ? "" : values.get(0);
  }

  private static void respond(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream output = exchange.getResponseBody()) {
      output.write(bytes);
    }
  }

  private static String encodeCertificate(Path pem) {
    try {
      return Base64.getEncoder()
          .encodeToString(Certificates.readCertificates(pem).get(0).getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("encode certificate " + pem + ": " + e.getMessage(), e);
    }
  }
}
