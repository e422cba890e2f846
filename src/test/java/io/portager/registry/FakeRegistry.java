package io.portager.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.portager.oci.Descriptor;
import io.portager.oci.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory registry on 127.0.0.1 with scripted quirks: token auth, a missing
 * Docker-Content-Digest, 429 answers, relative upload locations with a query, blob redirects to a
 * second origin, Link paging, corrupt blobs and an optional referrers API. It stores uploaded blobs
 * without checking their digest, so tests see what the client itself verifies.
 */
public final class FakeRegistry implements AutoCloseable {
  public static final String USER = "alice";
  public static final String PASSWORD = "s3cret-pass";

  /** Requests as {@code METHOD path[?query]}, in arrival order. */
  public final List<String> requests = Collections.synchronizedList(new ArrayList<>());

  public final List<String> tokenScopes = Collections.synchronizedList(new ArrayList<>());
  public final List<String> tokenAuthorizations = Collections.synchronizedList(new ArrayList<>());
  public final List<String> storageAuthorizations = Collections.synchronizedList(new ArrayList<>());
  public final AtomicInteger tokenRequests = new AtomicInteger();

  public final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();
  public final Set<Digest> corruptBlobs = ConcurrentHashMap.newKeySet();

  /**
   * Statuses to answer the next requests whose path starts with the key, with {@link #retryAfter}.
   */
  public final Map<String, List<Integer>> scriptedFailures = new ConcurrentHashMap<>();

  /** Retry-After value of scripted failures; null sends none. */
  public volatile String retryAfter = "2";

  /** RateLimit-Remaining value sent on every response; null sends none. */
  public volatile String rateLimitRemaining;

  /** Milliseconds each request waits before it is answered, to make requests overlap. */
  public volatile long responseDelayMillis;

  /** Most requests seen waiting for an answer at once. */
  public final AtomicInteger maxConcurrentRequests = new AtomicInteger();

  /** Blobs whose next GET sends the full Content-Length, half the bytes, then closes. */
  public final Set<Digest> truncateOnce = ConcurrentHashMap.newKeySet();

  /** Blobs whose every GET is cut off as with {@link #truncateOnce}. */
  public final Set<Digest> truncateAlways = ConcurrentHashMap.newKeySet();

  /** Statuses the blob storage host answers before it serves content. */
  public final List<Integer> storageFailures = Collections.synchronizedList(new ArrayList<>());

  /** Content-Range headers of PATCH requests, in order. */
  public final List<String> contentRanges = Collections.synchronizedList(new ArrayList<>());

  /** Quirks for the next PATCH answers: "off-by-one" (Range end + 1) or "stale" (chunk lost). */
  public final List<String> rangeQuirks = Collections.synchronizedList(new ArrayList<>());

  /** Largest monolithic PUT body accepted; larger ones get 413. */
  public volatile long putBodyLimit = Long.MAX_VALUE;

  /** Largest PATCH body accepted; larger ones get 413. */
  public volatile long patchBodyLimit = Long.MAX_VALUE;

  /** OCI-Chunk-Min-Length sent with upload sessions; 0 sends none. */
  public volatile long chunkMinLength;

  /** Whether upload sessions live under /upload/ instead of /v2/. */
  public volatile boolean uploadsOutsideV2;

  /** Whether mount requests are answered 202 (a normal session) even for a known blob. */
  public volatile boolean declineMounts;

  /** Whether a manifest PUT that names a config or layer blob the registry lacks gets 400. */
  public volatile boolean checkManifestBlobs;

  public volatile boolean requireToken;
  public volatile boolean requireBasicAtTokenEndpoint;
  public volatile boolean omitManifestDigest;

  /** Whether manifest responses report the digest of other bytes in Docker-Content-Digest. */
  public volatile boolean wrongManifestDigest;

  public volatile boolean redirectBlobs;
  public volatile int tagPageSize = 1000;
  public volatile long tokenExpiresIn = 300;

  /**
   * Whether {@code GET /v2/<name>/referrers/<digest>} is served and pushes of a manifest with a
   * subject get {@code OCI-Subject}; false answers 404, as distribution 2.8 and 3.1 do.
   */
  public volatile boolean referrersApi;

  public volatile int referrersPageSize = 1000;

  /** Whether the referrers API applies {@code ?artifactType=} and says so in a header. */
  public volatile boolean referrersFilter = true;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, StoredManifest> manifests = new ConcurrentHashMap<>();
  private final AtomicInteger uploads = new AtomicInteger();
  private final AtomicInteger concurrentRequests = new AtomicInteger();
  private final Map<String, ByteArrayOutputStream> sessions = new ConcurrentHashMap<>();

  /** Repositories an uploaded or mounted blob was written to; blobs added by tests are in all. */
  private final Map<Digest, Set<String>> blobRepositories = new ConcurrentHashMap<>();

  private final HttpServer server;
  private final HttpServer storage;

  public FakeRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    storage = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    storage.createContext("/", this::handleStorage);
    storage.setExecutor(Executors.newCachedThreadPool());
    storage.start();
  }

  public String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  public RegistryEndpoint endpoint() {
    return new RegistryEndpoint(host(), true, false);
  }

  /** Stores a blob and returns its descriptor. */
  public Descriptor addBlob(String mediaType, byte[] content) {
    Digest digest = Digest.sha256(content);
    blobs.put(digest, content);
    return new Descriptor(mediaType, digest, content.length);
  }

  /** Stores a manifest under its digest and, when {@code tag} is not null, under the tag. */
  public Digest addManifest(String repository, String tag, String mediaType, byte[] content) {
    Digest digest = Digest.sha256(content);
    StoredManifest stored = new StoredManifest(mediaType, content);
    manifests.put(repository + "@" + digest, stored);
    if (tag != null) {
      manifests.put(repository + ":" + tag, stored);
    }
    return digest;
  }

  public byte[] manifest(String repository, String reference) {
    StoredManifest stored = manifests.get(key(repository, reference));
    return stored == null ? null : stored.content();
  }

  /** Returns the writes (POST and PUT) among the requests, in order. */
  public List<String> writes() {
    synchronized (requests) {
      return requests.stream().filter(r -> r.startsWith("POST ") || r.startsWith("PUT ")).toList();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    storage.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      String method = exchange.getRequestMethod();
      requests.add(method + " " + path + (query == null ? "" : "?" + query));
      byte[] body = exchange.getRequestBody().readAllBytes();
      awaitTurn();
      if (rateLimitRemaining != null) {
        exchange.getResponseHeaders().set("RateLimit-Remaining", rateLimitRemaining);
      }

      if (path.equals("/token")) {
        token(exchange, query);
        return;
      }
      if (scripted(exchange, path)) {
        return;
      }
      if (requireToken && !authorized(exchange)) {
        String scope = method.equals("GET") || method.equals("HEAD") ? "pull" : "pull,push";
        exchange
            .getResponseHeaders()
            .set(
                "WWW-Authenticate",
                "Bearer realm=\"http://"
                    + host()
                    + "/token\",service=\"fake\",scope=\"repository:x:"
                    + scope
                    + "\"");
        error(exchange, 401, "UNAUTHORIZED");
        return;
      }
      route(exchange, method, path, query, body);
    }
  }

  // Counts the request as waiting, waits, and stops counting it just before it is answered, so the
  // count never includes a request whose client already has its response headers.
  private void awaitTurn() {
    int now = concurrentRequests.incrementAndGet();
    maxConcurrentRequests.accumulateAndGet(now, Math::max);
    try {
      if (responseDelayMillis > 0) {
        Thread.sleep(responseDelayMillis);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      concurrentRequests.decrementAndGet();
    }
  }

  private void route(HttpExchange exchange, String method, String path, String query, byte[] body)
      throws IOException {
    if (path.contains("/manifests/")) {
      manifestRequest(exchange, method, path, body);
    } else if (path.endsWith("/blobs/uploads/") && method.equals("POST")) {
      startUpload(exchange, path, query);
    } else if (path.contains("/session-")) {
      uploadRequest(exchange, method, path, query, body);
    } else if (path.contains("/blobs/")) {
      blobRequest(exchange, method, path);
    } else if (path.contains("/referrers/") && referrersApi && method.equals("GET")) {
      referrers(exchange, path, query);
    } else if (path.endsWith("/tags/list")) {
      tags(exchange, path, query);
    } else {
      error(exchange, 404, "NAME_UNKNOWN");
    }
  }

  private boolean blobsPresent(byte[] manifest) throws IOException {
    JsonNode root = JSON.readTree(manifest);
    List<JsonNode> descriptors = new ArrayList<>();
    if (root.has("config")) {
      descriptors.add(root.path("config"));
    }
    root.path("layers").forEach(descriptors::add);
    for (JsonNode descriptor : descriptors) {
      if (!blobs.containsKey(Digest.parse(descriptor.path("digest").asText()))) {
        return false;
      }
    }
    return true;
  }

  private void manifestRequest(HttpExchange exchange, String method, String path, byte[] body)
      throws IOException {
    int at = path.indexOf("/manifests/");
    String repository = path.substring("/v2/".length(), at);
    String reference = path.substring(at + "/manifests/".length());
    if (method.equals("PUT")) {
      if (checkManifestBlobs && !blobsPresent(body)) {
        error(exchange, 400, "MANIFEST_BLOB_UNKNOWN");
        return;
      }
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      Digest digest =
          addManifest(repository, reference.contains(":") ? null : reference, type, body);
      exchange.getResponseHeaders().set("Docker-Content-Digest", digest.toString());
      JsonNode subject = JSON.readTree(body).path("subject");
      if (referrersApi && subject.isObject()) {
        exchange.getResponseHeaders().set("OCI-Subject", subject.path("digest").asText());
      }
      send(exchange, 201, new byte[0]);
      return;
    }
    StoredManifest stored = manifests.get(key(repository, reference));
    if (stored == null) {
      error(exchange, 404, "MANIFEST_UNKNOWN");
      return;
    }
    exchange.getResponseHeaders().set("Content-Type", stored.mediaType());
    if (!omitManifestDigest) {
      exchange
          .getResponseHeaders()
          .set("Docker-Content-Digest", Digest.sha256(stored.content()).toString());
    }
    if (wrongManifestDigest) {
      exchange
          .getResponseHeaders()
          .set("Docker-Content-Digest", Digest.sha256(new byte[0]).toString());
    }
    send(exchange, 200, method.equals("HEAD") ? null : stored.content(), stored.content().length);
  }

  private void blobRequest(HttpExchange exchange, String method, String path) throws IOException {
    Digest digest = Digest.parse(path.substring(path.lastIndexOf('/') + 1));
    String repository = path.substring("/v2/".length(), path.indexOf("/blobs/"));
    byte[] content = hasBlob(repository, digest) ? blobs.get(digest) : null;
    if (content == null) {
      error(exchange, 404, "BLOB_UNKNOWN");
      return;
    }
    if (method.equals("GET") && redirectBlobs) {
      exchange
          .getResponseHeaders()
          .set(
              "Location",
              "http://127.0.0.1:"
                  + storage.getAddress().getPort()
                  + "/storage/"
                  + digest.hex()
                  + "?signature=abc");
      send(exchange, 307, new byte[0]);
      return;
    }
    if (method.equals("GET") && (truncateOnce.remove(digest) || truncateAlways.contains(digest))) {
      exchange.sendResponseHeaders(200, content.length);
      exchange.getResponseBody().write(content, 0, content.length / 2);
      exchange.getResponseBody().flush();
      // Closing the exchange short of Content-Length drops the connection mid-body.
      return;
    }
    send(exchange, 200, method.equals("HEAD") ? null : served(digest, content), content.length);
  }

  private boolean hasBlob(String repository, Digest digest) {
    Set<String> repositories = blobRepositories.get(digest);
    return blobs.containsKey(digest) && (repositories == null || repositories.contains(repository));
  }

  private void storeBlob(String repository, Digest digest, byte[] content) {
    if (!blobs.containsKey(digest) || blobRepositories.containsKey(digest)) {
      blobRepositories.computeIfAbsent(digest, d -> ConcurrentHashMap.newKeySet()).add(repository);
    }
    blobs.put(digest, content);
  }

  private void startUpload(HttpExchange exchange, String path, String query) throws IOException {
    String name = path.substring("/v2/".length(), path.indexOf("/blobs/uploads/"));
    Map<String, String> parameters = parameters(query);
    String mount = parameters.get("mount");
    if (mount != null && !declineMounts && hasBlob(parameters.get("from"), Digest.parse(mount))) {
      storeBlob(name, Digest.parse(mount), blobs.get(Digest.parse(mount)));
      send(exchange, 201, new byte[0]);
      return;
    }
    int id = uploads.incrementAndGet();
    sessions.put("session-" + id, new ByteArrayOutputStream());
    // A relative location with session state in the query, as distribution sends it.
    String prefix = uploadsOutsideV2 ? "/upload/" + name + "/" : "/v2/" + name + "/blobs/uploads/";
    exchange.getResponseHeaders().set("Location", prefix + "session-" + id + "?_state=s" + id);
    if (chunkMinLength > 0) {
      exchange.getResponseHeaders().set("OCI-Chunk-Min-Length", Long.toString(chunkMinLength));
    }
    send(exchange, 202, new byte[0]);
  }

  private void uploadRequest(
      HttpExchange exchange, String method, String path, String query, byte[] body)
      throws IOException {
    String session = path.substring(path.lastIndexOf('/') + 1);
    ByteArrayOutputStream received = sessions.get(session);
    if (received == null || !parameters(query).containsKey("_state")) {
      error(exchange, 404, "BLOB_UPLOAD_UNKNOWN");
      return;
    }
    synchronized (received) {
      switch (method) {
        case "PATCH" -> patch(exchange, path, session, received, body);
        case "GET" -> uploadStatus(exchange, path, session, received, 204);
        case "PUT" -> finishUpload(exchange, path, query, received, body);
        default -> error(exchange, 405, "UNSUPPORTED");
      }
    }
  }

  private void patch(
      HttpExchange exchange,
      String path,
      String session,
      ByteArrayOutputStream received,
      byte[] body)
      throws IOException {
    String range = exchange.getRequestHeaders().getFirst("Content-Range");
    contentRanges.add(range);
    if (body.length > patchBodyLimit) {
      error(exchange, 413, "SIZE_INVALID");
      return;
    }
    long start = Long.parseLong(range.substring(0, range.indexOf('-')));
    if (start != received.size()) {
      uploadStatus(exchange, path, session, received, 416);
      return;
    }
    String quirk = rangeQuirks.isEmpty() ? "" : rangeQuirks.remove(0);
    long before = received.size();
    if (!quirk.equals("stale")) {
      received.write(body);
    }
    long end =
        quirk.equals("off-by-one")
            ? received.size()
            : quirk.equals("stale") ? before - 1 : received.size() - 1;
    exchange.getResponseHeaders().set("Range", "0-" + end);
    exchange
        .getResponseHeaders()
        .set("Location", path + "?_state=" + session + "-" + received.size());
    send(exchange, 202, new byte[0]);
  }

  private void uploadStatus(
      HttpExchange exchange,
      String path,
      String session,
      ByteArrayOutputStream received,
      int status)
      throws IOException {
    exchange.getResponseHeaders().set("Range", "0-" + (received.size() - 1));
    exchange
        .getResponseHeaders()
        .set("Location", path + "?_state=" + session + "-" + received.size());
    send(exchange, status, new byte[0]);
  }

  private void handleStorage(HttpExchange exchange) throws IOException {
    try (exchange) {
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      storageAuthorizations.add(authorization == null ? "none" : authorization);
      synchronized (storageFailures) {
        if (!storageFailures.isEmpty()) {
          error(exchange, storageFailures.remove(0), "DENIED");
          return;
        }
      }
      String hex = exchange.getRequestURI().getPath().substring("/storage/".length());
      Digest digest = new Digest("sha256", hex);
      send(exchange, 200, served(digest, blobs.get(digest)));
    }
  }

  private byte[] served(Digest digest, byte[] content) {
    if (!corruptBlobs.contains(digest)) {
      return content;
    }
    byte[] corrupt = content.clone();
    corrupt[0] ^= 0x55;
    return corrupt;
  }

  private void finishUpload(
      HttpExchange exchange, String path, String query, ByteArrayOutputStream received, byte[] body)
      throws IOException {
    Map<String, String> parameters = parameters(query);
    if (!parameters.containsKey("digest")) {
      error(exchange, 400, "BLOB_UPLOAD_INVALID");
      return;
    }
    if (body.length > putBodyLimit) {
      error(exchange, 413, "SIZE_INVALID");
      return;
    }
    received.write(body);
    String repository =
        path.startsWith("/upload/")
            ? path.substring("/upload/".length(), path.lastIndexOf('/'))
            : path.substring("/v2/".length(), path.indexOf("/blobs/uploads/"));
    storeBlob(repository, Digest.parse(parameters.get("digest")), received.toByteArray());
    send(exchange, 201, new byte[0]);
  }

  private void tags(HttpExchange exchange, String path, String query) throws IOException {
    String repository = path.substring("/v2/".length(), path.indexOf("/tags/list"));
    TreeSet<String> all = new TreeSet<>();
    for (String key : manifests.keySet()) {
      if (key.startsWith(repository + ":")) {
        all.add(key.substring(repository.length() + 1));
      }
    }
    String last = parameters(query).get("last");
    List<String> page =
        (last == null ? all : all.tailSet(last, false)).stream().limit(tagPageSize).toList();
    if (!page.isEmpty() && all.last().compareTo(page.get(page.size() - 1)) > 0) {
      String next = path + "?n=" + tagPageSize + "&last=" + page.get(page.size() - 1);
      // Alternate between the relative form and the absolute form of the link.
      String target = last == null ? next : "http://" + host() + next;
      exchange.getResponseHeaders().set("Link", "<" + target + ">; rel=\"next\"");
    }
    String json =
        "{\"name\":\""
            + repository
            + "\",\"tags\":["
            + String.join(",", page.stream().map(t -> "\"" + t + "\"").toList())
            + "]}";
    send(exchange, 200, json.getBytes(StandardCharsets.UTF_8));
  }

  /** Lists stored manifests whose subject is the digest, sorted by digest, one page at a time. */
  private void referrers(HttpExchange exchange, String path, String query) throws IOException {
    int at = path.indexOf("/referrers/");
    String repository = path.substring("/v2/".length(), at);
    String subject = path.substring(at + "/referrers/".length());
    Map<String, String> parameters = parameters(query);
    String artifactType = referrersFilter ? parameters.get("artifactType") : null;
    TreeSet<String> found = new TreeSet<>();
    Map<String, ObjectNode> entries = new ConcurrentHashMap<>();
    for (Map.Entry<String, StoredManifest> stored : manifests.entrySet()) {
      if (!stored.getKey().startsWith(repository + "@")) {
        continue;
      }
      JsonNode root = JSON.readTree(stored.getValue().content());
      if (!subject.equals(root.path("subject").path("digest").asText())) {
        continue;
      }
      String type =
          root.path("artifactType").asText(root.path("config").path("mediaType").asText());
      if (artifactType != null && !artifactType.equals(type)) {
        continue;
      }
      ObjectNode entry = JSON.createObjectNode();
      entry.put("mediaType", stored.getValue().mediaType());
      entry.put("digest", Digest.sha256(stored.getValue().content()).toString());
      entry.put("size", stored.getValue().content().length);
      entry.put("artifactType", type);
      if (root.has("annotations")) {
        entry.set("annotations", root.get("annotations"));
      }
      String digest = entry.get("digest").asText();
      found.add(digest);
      entries.put(digest, entry);
    }
    int page = Integer.parseInt(parameters.getOrDefault("page", "0"));
    List<String> digests = List.copyOf(found);
    int from = Math.min(page * referrersPageSize, digests.size());
    int to = Math.min(from + referrersPageSize, digests.size());
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", "application/vnd.oci.image.index.v1+json");
    ArrayNode list = index.putArray("manifests");
    for (String digest : digests.subList(from, to)) {
      list.add(entries.get(digest));
    }
    if (to < digests.size()) {
      String next = path + "?page=" + (page + 1);
      if (parameters.containsKey("artifactType")) {
        next +=
            "&artifactType="
                + java.net.URLEncoder.encode(
                    parameters.get("artifactType"), StandardCharsets.UTF_8);
      }
      exchange.getResponseHeaders().set("Link", "<" + next + ">; rel=\"next\"");
    }
    if (artifactType != null) {
      exchange.getResponseHeaders().set("OCI-Filters-Applied", "artifactType");
    }
    exchange.getResponseHeaders().set("Content-Type", "application/vnd.oci.image.index.v1+json");
    send(exchange, 200, JSON.writeValueAsBytes(index));
  }

  private void token(HttpExchange exchange, String query) throws IOException {
    tokenRequests.incrementAndGet();
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    tokenAuthorizations.add(authorization == null ? "none" : authorization);
    tokenScopes.add(parameters(query).get("scope"));
    String want =
        "Basic "
            + java.util.Base64.getEncoder()
                .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    if (requireBasicAtTokenEndpoint && !want.equals(authorization)) {
      error(exchange, 401, "UNAUTHORIZED");
      return;
    }
    String json =
        "{\"access_token\":\"tok-"
            + tokenRequests.get()
            + "\",\"expires_in\":"
            + tokenExpiresIn
            + "}";
    send(exchange, 200, json.getBytes(StandardCharsets.UTF_8));
  }

  private boolean scripted(HttpExchange exchange, String path) throws IOException {
    for (Map.Entry<String, List<Integer>> entry : scriptedFailures.entrySet()) {
      List<Integer> statuses = entry.getValue();
      synchronized (statuses) {
        if (path.startsWith(entry.getKey()) && !statuses.isEmpty()) {
          if (retryAfter != null) {
            exchange.getResponseHeaders().set("Retry-After", retryAfter);
          }
          error(exchange, statuses.remove(0), "TOOMANYREQUESTS");
          return true;
        }
      }
    }
    return false;
  }

  private boolean authorized(HttpExchange exchange) {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    return authorization != null && authorization.startsWith("Bearer tok-");
  }

  private static String key(String repository, String reference) {
    return repository + (reference.contains(":") ? "@" : ":") + reference;
  }

  private static Map<String, String> parameters(String query) {
    Map<String, String> result = new ConcurrentHashMap<>();
    if (query == null) {
      return result;
    }
    for (String pair : query.split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        result.put(
            pair.substring(0, equals),
            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
      }
    }
    return result;
  }

  private static void error(HttpExchange exchange, int status, String code) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    String json =
        "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"scripted " + code + "\"}]}";
    send(exchange, status, json.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    send(exchange, status, body, body.length);
  }

  /** Sends {@code body}, or only headers with Content-Length {@code length} when body is null. */
  private static void send(HttpExchange exchange, int status, byte[] body, long length)
      throws IOException {
    if (body == null) {
      exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    exchange.getResponseBody().write(body);
  }

  private record StoredManifest(String mediaType, byte[] content) {}

  static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }
}
