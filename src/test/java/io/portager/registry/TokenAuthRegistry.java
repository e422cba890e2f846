package io.portager.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.portager.oci.Digest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registry and token server on 127.0.0.1 with a scripted challenge, for authentication tests. The
 * registry serves one manifest under any name, monolithic blob uploads and blob reads, and accepts
 * a bearer token only when it was granted every scope the request needs. The token server answers
 * the GET of distribution's token spec and the OAuth2 POST, and records every request.
 */
final class TokenAuthRegistry implements AutoCloseable {
  static final byte[] MANIFEST =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}"
          .getBytes(StandardCharsets.UTF_8);

  /** One request to the token server. */
  record TokenRequest(
      String method, Map<String, List<String>> query, Map<String, String> form, String auth) {}

  final List<TokenRequest> tokenRequests = Collections.synchronizedList(new ArrayList<>());
  final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();

  /** The challenge; {@code REALM} is replaced by this server's token URL. */
  volatile String challenge = "Bearer realm=\"REALM\",service=\"fake\"";

  volatile String realm;
  volatile String user = "alice";
  volatile String password;
  volatile String refreshToken;
  volatile String rotatedRefreshToken;
  volatile boolean oauthPost = true;
  volatile long expiresIn = 300;
  volatile String issuedAt;

  /** Scopes every registry request needs besides the one for its repository and method. */
  volatile List<String> extraScopes = List.of();

  /** Revoke every token once the next upload session has been opened. */
  volatile boolean revokeAfterUploadPost;

  private final Map<String, List<String>> grants = new ConcurrentHashMap<>();
  private final AtomicInteger issued = new AtomicInteger();
  private final HttpServer server;

  TokenAuthRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    realm = "http://" + host() + "/token";
  }

  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  RegistryEndpoint endpoint() {
    return new RegistryEndpoint(host(), true, false);
  }

  /** Forgets every issued token, as when they expire on the server. */
  void revokeTokens() {
    grants.clear();
  }

  List<List<String>> requestedScopes() {
    synchronized (tokenRequests) {
      return tokenRequests.stream().map(TokenAuthRegistry::scopesOf).toList();
    }
  }

  private static List<String> scopesOf(TokenRequest request) {
    if (request.method().equals("POST")) {
      String scope = request.form().get("scope");
      return scope == null ? List.of() : List.of(scope.split(" "));
    }
    return request.query().getOrDefault("scope", List.of());
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      byte[] body = exchange.getRequestBody().readAllBytes();
      requests.add(exchange.getRequestMethod() + " " + path);
      if (path.equals("/token")) {
        token(exchange, body);
      } else if (path.startsWith("/v2/")) {
        registry(exchange, path, body);
      } else {
        send(exchange, 404, new byte[0]);
      }
    }
  }

  private void registry(HttpExchange exchange, String path, byte[] body) throws IOException {
    String method = exchange.getRequestMethod();
    String name = path.substring("/v2/".length(), path.lastIndexOf(segment(path)) - 1);
    List<String> needed = new ArrayList<>(extraScopes);
    boolean read = method.equals("GET") || method.equals("HEAD");
    needed.add(0, "repository:" + name + (read ? ":pull" : ":pull,push"));
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (!allowed(authorization, needed)) {
      challenge(exchange, authorization, needed);
      return;
    }
    route(exchange, method, path, body);
  }

  private void route(HttpExchange exchange, String method, String path, byte[] body)
      throws IOException {
    if (path.contains("/manifests/")) {
      exchange
          .getResponseHeaders()
          .set("Content-Type", "application/vnd.oci.image.manifest.v1+json");
      exchange
          .getResponseHeaders()
          .set("Docker-Content-Digest", Digest.sha256(MANIFEST).toString());
      sendHead(exchange, method, MANIFEST);
    } else if (path.endsWith("/blobs/uploads/")) {
      exchange.getResponseHeaders().set("Location", path + "session");
      if (revokeAfterUploadPost) {
        revokeAfterUploadPost = false;
        revokeTokens();
      }
      send(exchange, 202, new byte[0]);
    } else if (path.endsWith("/blobs/uploads/session")) {
      String digest = query(exchange.getRequestURI().getRawQuery()).get("digest").get(0);
      blobs.put(Digest.parse(digest), body);
      send(exchange, 201, new byte[0]);
    } else {
      byte[] blob = blobs.get(Digest.parse(path.substring(path.lastIndexOf('/') + 1)));
      if (blob == null) {
        send(exchange, 404, new byte[0]);
        return;
      }
      sendHead(exchange, method, blob);
    }
  }

  private static String segment(String path) {
    for (String segment : List.of("/manifests/", "/blobs/")) {
      if (path.contains(segment)) {
        return segment.substring(1);
      }
    }
    return "tags/";
  }

  private boolean allowed(String authorization, List<String> needed) {
    if (challenge.startsWith("Basic")) {
      return basic(user, password).equals(authorization);
    }
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return false;
    }
    List<String> granted = grants.get(authorization.substring("Bearer ".length()));
    return granted != null && granted.containsAll(needed);
  }

  private void challenge(HttpExchange exchange, String authorization, List<String> needed)
      throws IOException {
    String value = challenge.replace("REALM", realm);
    if (authorization != null
        && authorization.startsWith("Bearer ")
        && !challenge.startsWith("Basic")) {
      value += ",scope=\"" + String.join(" ", needed) + "\",error=\"insufficient_scope\"";
    }
    exchange.getResponseHeaders().set("WWW-Authenticate", value);
    send(
        exchange,
        401,
        "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}".getBytes(StandardCharsets.UTF_8));
  }

  private void token(HttpExchange exchange, byte[] body) throws IOException {
    String method = exchange.getRequestMethod();
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
    Map<String, String> form = new LinkedHashMap<>();
    query(new String(body, StandardCharsets.UTF_8)).forEach((k, v) -> form.put(k, v.get(0)));
    TokenRequest request = new TokenRequest(method, query, form, authorization);
    tokenRequests.add(request);

    if (method.equals("POST") && !oauthPost) {
      send(exchange, 404, new byte[0]);
      return;
    }
    if (!authenticated(request)) {
      send(exchange, 401, "{\"errors\":[{\"code\":\"DENIED\"}]}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    String token = "access-" + issued.incrementAndGet();
    grants.put(token, scopesOf(request));
    StringBuilder json = new StringBuilder("{\"access_token\":\"" + token + "\"");
    if (expiresIn > 0) {
      json.append(",\"expires_in\":").append(expiresIn);
    }
    if (issuedAt != null) {
      json.append(",\"issued_at\":\"").append(issuedAt).append('"');
    }
    if (method.equals("POST") && rotatedRefreshToken != null) {
      json.append(",\"refresh_token\":\"").append(rotatedRefreshToken).append('"');
      refreshToken = rotatedRefreshToken;
      rotatedRefreshToken = null;
    }
    send(exchange, 200, json.append('}').toString().getBytes(StandardCharsets.UTF_8));
  }

  // With neither a password nor a refresh token configured, anonymous tokens are granted.
  private boolean authenticated(TokenRequest request) {
    if (password == null && refreshToken == null) {
      return true;
    }
    if (request.method().equals("POST")) {
      return "refresh_token".equals(request.form().get("grant_type"))
          && request.form().get("refresh_token").equals(refreshToken);
    }
    String auth = request.auth();
    return password != null && basic(user, password).equals(auth)
        || refreshToken != null && basic("<token>", refreshToken).equals(auth);
  }

  static String basic(String user, String password) {
    String pair = user + ":" + password;
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> result = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return result;
    }
    for (String pair : raw.split("&")) {
      int equals = pair.indexOf('=');
      String key = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      result
          .computeIfAbsent(URLDecoder.decode(key, StandardCharsets.UTF_8), k -> new ArrayList<>())
          .add(URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return result;
  }

  private static void sendHead(HttpExchange exchange, String method, byte[] body)
      throws IOException {
    if (method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    send(exchange, 200, body);
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    exchange.getResponseBody().write(body);
  }
}
