package io.portager.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpKubeClientTest {
  private static final ApiResource THINGS = new ApiResource("example.com", "v1", "things", true);
  private static final ObjectMapper JSON = new ObjectMapper();

  private FakeApiServer server;
  private TestClients.RecordingSleeper sleeper;
  private HttpKubeClient client;

  @BeforeEach
  void start() throws Exception {
    server = new FakeApiServer();
    sleeper = new TestClients.RecordingSleeper();
    client = TestClients.client(server, sleeper);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void getReturnsObject() {
    server.script(FakeApiServer.Response.json(200, thing("t1", "7", "{}")));

    ObjectNode object = client.get(THINGS, "ns", "t1").orElseThrow();

    assertEquals("7", object.path("metadata").path("resourceVersion").asText());
    FakeApiServer.Request request = server.lastRequest();
    assertEquals("GET", request.method());
    assertEquals("/apis/example.com/v1/namespaces/ns/things/t1", request.path());
    assertEquals("application/json", request.header("Accept"));
    assertEquals("Bearer " + TestClients.TOKEN, request.header("Authorization"));
    assertTrue(request.header("User-Agent").startsWith("portager/"), request.header("User-Agent"));
  }

  @Test
  void getNotFoundReturnsEmpty() {
    server.script(FakeApiServer.Response.status(404, "NotFound", "things \\\"t1\\\" not found"));

    assertEquals(Optional.empty(), client.get(THINGS, "ns", "t1"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "403, Forbidden, things is forbidden",
    "409, Conflict, the object has been modified",
    "422, Invalid, spec.schedule: Invalid value",
    "500, InternalError, etcd is down",
  })
  void mapsStatusToException(int code, String reason, String message) {
    server.script(FakeApiServer.Response.status(code, reason, message));

    KubeApiException error =
        assertThrows(KubeApiException.class, () -> client.list(THINGS, "ns", null, "token=x"));

    assertEquals(code, error.code());
    assertEquals(reason, error.reason());
    assertTrue(error.getMessage().contains(message), error.getMessage());
    assertTrue(
        error
            .getMessage()
            .startsWith(
                "get "
                    + server.uri()
                    + "/apis/example.com/v1/namespaces/ns/things: "
                    + code
                    + " "
                    + reason),
        error.getMessage());
    assertFalse(error.getMessage().contains("token=x"), "query left out: " + error.getMessage());
  }

  @Test
  void nonJsonErrorUsesSnippet() {
    server.script(FakeApiServer.Response.json(502, "<html>bad gateway</html>"));

    KubeApiException error =
        assertThrows(KubeApiException.class, () -> client.get(THINGS, "ns", "t"));

    assertEquals(502, error.code());
    assertEquals("Unknown", error.reason());
    assertTrue(error.getMessage().endsWith("<html>bad gateway</html>"), error.getMessage());
    assertTrue(error.isRetryable());
  }

  @Test
  void retriesAfterRetryAfter() {
    server.script(
        FakeApiServer.Response.status(429, "TooManyRequests", "slow down")
            .withHeader("Retry-After", "3"),
        FakeApiServer.Response.status(503, "ServiceUnavailable", "busy")
            .withHeader("Retry-After", "1"),
        FakeApiServer.Response.json(200, thing("t1", "1", "{}")));

    Optional<ObjectNode> object = client.get(THINGS, "ns", "t1");

    assertTrue(object.isPresent());
    assertEquals(List.of(Duration.ofSeconds(3), Duration.ofSeconds(1)), sleeper.waits);
    assertEquals(3, server.requests().size());
  }

  @Test
  void noRetryWithoutRetryAfter() {
    server.script(FakeApiServer.Response.status(503, "ServiceUnavailable", "busy"));

    KubeApiException error =
        assertThrows(KubeApiException.class, () -> client.get(THINGS, "ns", "t"));

    assertEquals(503, error.code());
    assertEquals(1, server.requests().size());
    assertEquals(List.of(), sleeper.waits);
  }

  @Test
  void retryAfterIsBounded() {
    server.handle(
        request ->
            FakeApiServer.Response.status(429, "TooManyRequests", "slow down")
                .withHeader("Retry-After", "600"));

    KubeApiException error =
        assertThrows(KubeApiException.class, () -> client.get(THINGS, "ns", "t"));

    assertEquals(429, error.code());
    assertEquals(KubeHttp.MAX_RETRY_AFTER_RETRIES + 1, server.requests().size());
    assertEquals(KubeHttp.MAX_RETRY_AFTER, sleeper.waits.get(0));
  }

  @Test
  void connectionFailureHasCodeZero() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    KubeConfig config = KubeConfig.of(URI.create("http://127.0.0.1:" + closedPort), null, "t");
    HttpKubeClient unreachable = new HttpKubeClient(config, sleeper);

    KubeApiException error =
        assertThrows(KubeApiException.class, () -> unreachable.get(THINGS, "ns", "t"));

    assertEquals(0, error.code());
    assertTrue(error.isRetryable());
    assertTrue(error.getMessage().contains("no response from the API server"), error.getMessage());
  }

  @Test
  void retriesOnceAfter401WithRotatedToken(@TempDir Path dir) throws Exception {
    Path tokenPath = dir.resolve("token");
    Files.writeString(tokenPath, "old-token");
    TokenFile tokenFile = new TokenFile(tokenPath, new MutableClock(Instant.EPOCH));
    KubeConfig config =
        new KubeConfig(server.uri(), null, new Credentials.TokenFromFile(tokenFile), null, "test");
    HttpKubeClient rotating = new HttpKubeClient(config, sleeper);
    server.handle(
        request ->
            "Bearer new-token".equals(request.header("Authorization"))
                ? FakeApiServer.Response.json(200, thing("t1", "1", "{}"))
                : FakeApiServer.Response.status(401, "Unauthorized", "Unauthorized"));
    tokenFile.token();
    Files.writeString(tokenPath, "new-token");

    Optional<ObjectNode> object = rotating.get(THINGS, "ns", "t1");

    assertTrue(object.isPresent());
    assertEquals(2, server.requests().size());
  }

  @Test
  void missingTokenFileFailsAsNoResponse(@TempDir Path dir) throws Exception {
    Path tokenPath = dir.resolve("token");
    Files.writeString(tokenPath, "old-token");
    TokenFile tokenFile = new TokenFile(tokenPath, new MutableClock(Instant.EPOCH));
    KubeConfig config =
        new KubeConfig(server.uri(), null, new Credentials.TokenFromFile(tokenFile), null, "test");
    Files.delete(tokenPath);

    KubeApiException error =
        assertThrows(
            KubeApiException.class,
            () -> new HttpKubeClient(config, sleeper).get(THINGS, "ns", "t"));

    assertEquals(0, error.code());
    assertTrue(error.getMessage().contains("read token file " + tokenPath), error.getMessage());
    assertEquals(0, server.requests().size());
  }

  @Test
  void staticToken401IsNotRetried() {
    server.script(FakeApiServer.Response.status(401, "Unauthorized", "Unauthorized"));

    KubeApiException error =
        assertThrows(KubeApiException.class, () -> client.get(THINGS, "ns", "t"));

    assertEquals(401, error.code());
    assertEquals(1, server.requests().size());
    assertFalse(error.getMessage().contains(TestClients.TOKEN));
  }

  @Test
  void listSendsPagingQuery() {
    server.script(FakeApiServer.Response.json(200, "{\"kind\":\"ThingList\",\"items\":[]}"));

    client.list(THINGS, null, "0", "abc+/=");

    FakeApiServer.Request request = server.lastRequest();
    assertEquals("/apis/example.com/v1/things", request.path());
    assertTrue(request.hasQueryParameter("limit=500"), request.query());
    assertTrue(request.hasQueryParameter("resourceVersion=0"), request.query());
    assertTrue(request.hasQueryParameter("continue=abc%2B%2F%3D"), request.query());
  }

  @Test
  void listAllFollowsContinue() {
    server.handle(
        request ->
            request.hasQueryParameter("continue=page2")
                ? FakeApiServer.Response.json(200, list("", "100", "b", "c"))
                : FakeApiServer.Response.json(200, list("page2", "100", "a")));

    ListResult result = client.listAll(THINGS, "ns");

    assertEquals(3, result.items().size());
    assertEquals("c", result.items().get(2).path("metadata").path("name").asText());
    assertEquals("100", result.resourceVersion());
    assertFalse(server.requests().get(1).query().contains("resourceVersion="));
  }

  @Test
  void listAllRestartsOnExpiredContinue() {
    AtomicInteger calls = new AtomicInteger();
    server.handle(
        request -> {
          int call = calls.incrementAndGet();
          if (call == 2) {
            return FakeApiServer.Response.status(410, "Expired", "continue token expired");
          }
          return request.hasQueryParameter("continue=page2")
              ? FakeApiServer.Response.json(200, list("", "200", "b"))
              : FakeApiServer.Response.json(200, list("page2", "200", "a"));
        });

    ListResult result = client.listAll(THINGS, "ns");

    assertEquals(4, server.requests().size());
    assertEquals(2, result.items().size());
    assertEquals("200", result.resourceVersion());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"create, POST", "update, PUT", "updateStatus, PUT"})
  void writesSendFieldManager(String operation, String method) throws Exception {
    server.handle(request -> FakeApiServer.Response.json(200, request.body()));
    ObjectNode object = (ObjectNode) JSON.readTree(thing("t1", "5", "{\"phase\":\"Ready\"}"));

    switch (operation) {
      case "create" -> client.create(THINGS, "ns", object);
      case "update" -> client.update(THINGS, "ns", object);
      default -> client.updateStatus(THINGS, "ns", object);
    }

    FakeApiServer.Request request = server.lastRequest();
    assertEquals(method, request.method());
    assertTrue(request.hasQueryParameter("fieldManager=portager"), request.query());
    assertEquals("application/json", request.header("Content-Type"));
    assertEquals(object, JSON.readTree(request.body()));
    String expectedPath =
        switch (operation) {
          case "create" -> "/apis/example.com/v1/namespaces/ns/things";
          case "update" -> "/apis/example.com/v1/namespaces/ns/things/t1";
          default -> "/apis/example.com/v1/namespaces/ns/things/t1/status";
        };
    assertEquals(expectedPath, request.path());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"MERGE, application/merge-patch+json", "JSON, application/json-patch+json"})
  void patchSendsContentType(KubeClient.PatchType type, String contentType) {
    server.script(FakeApiServer.Response.json(200, thing("t1", "6", "{}")));

    client.patch(THINGS, "ns", "t1", type, "{\"spec\":{\"paused\":true}}");

    FakeApiServer.Request request = server.lastRequest();
    assertEquals("PATCH", request.method());
    assertEquals(contentType, request.header("Content-Type"));
    assertTrue(request.hasQueryParameter("fieldManager=portager"), request.query());
    assertEquals("{\"spec\":{\"paused\":true}}", request.body());
  }

  @Test
  void updateStatusRetriesConflictOnFreshRead() throws Exception {
    AtomicInteger gets = new AtomicInteger();
    server.handle(
        request -> {
          if (request.method().equals("GET")) {
            return gets.incrementAndGet() == 1
                ? FakeApiServer.Response.json(200, thing("t1", "1", "{\"observedGeneration\":1}"))
                : FakeApiServer.Response.json(
                    200, thing("t1", "2", "{\"observedGeneration\":1,\"lastSync\":\"newer\"}"));
          }
          String body = request.body();
          return body.contains("\"resourceVersion\":\"1\"")
              ? FakeApiServer.Response.status(409, "Conflict", "the object has been modified")
              : FakeApiServer.Response.json(200, body);
        });

    Optional<ObjectNode> written =
        client.updateStatusWithRetry(
            THINGS,
            "ns",
            "t1",
            object -> {
              ((ObjectNode) object.path("status")).put("phase", "Ready");
              return object;
            });

    JsonNode lastPut = JSON.readTree(server.lastRequest().body());
    assertTrue(written.isPresent());
    assertEquals(
        "/apis/example.com/v1/namespaces/ns/things/t1/status", server.lastRequest().path());
    assertEquals("2", lastPut.path("metadata").path("resourceVersion").asText());
    assertEquals("newer", lastPut.path("status").path("lastSync").asText(), "newer field kept");
    assertEquals("Ready", lastPut.path("status").path("phase").asText());
    assertEquals(4, server.requests().size());
    assertEquals(List.of(HttpKubeClient.CONFLICT_RETRY_DELAY), sleeper.waits);
  }

  @Test
  void updateStatusGivesUpAfterMaxTries() {
    server.handle(
        request ->
            request.method().equals("GET")
                ? FakeApiServer.Response.json(200, thing("t1", "1", "{}"))
                : FakeApiServer.Response.status(409, "Conflict", "the object has been modified"));

    KubeApiException error =
        assertThrows(
            KubeApiException.class,
            () -> client.updateStatusWithRetry(THINGS, "ns", "t1", object -> setPhase(object)));

    assertTrue(error.isConflict());
    assertEquals(2 * HttpKubeClient.MAX_CONFLICT_TRIES, server.requests().size());
  }

  @Test
  void updateStatusOfMissingObjectIsEmpty() {
    server.script(FakeApiServer.Response.status(404, "NotFound", "not found"));

    Optional<ObjectNode> written =
        client.updateStatusWithRetry(THINGS, "ns", "t1", object -> setPhase(object));

    assertEquals(Optional.empty(), written);
  }

  @Test
  void updateStatusDeletedBeforeWriteIsEmpty() {
    server.script(
        FakeApiServer.Response.json(200, thing("t1", "1", "{}")),
        FakeApiServer.Response.status(404, "NotFound", "not found"));

    Optional<ObjectNode> written =
        client.updateStatusWithRetry(THINGS, "ns", "t1", object -> setPhase(object));

    assertEquals(Optional.empty(), written);
  }

  @Test
  void updateStatusSkipsUnchangedStatus() {
    server.script(FakeApiServer.Response.json(200, thing("t1", "1", "{\"phase\":\"Ready\"}")));

    Optional<ObjectNode> written =
        client.updateStatusWithRetry(THINGS, "ns", "t1", object -> setPhase(object));

    assertTrue(written.isPresent());
    assertEquals(1, server.requests().size());
  }

  @Test
  void updateStatusWritesKnownWithoutRead() throws Exception {
    server.handle(request -> FakeApiServer.Response.json(200, request.body()));
    ObjectNode known = (ObjectNode) JSON.readTree(thing("t1", "7", "{}"));

    Optional<ObjectNode> written =
        client.updateStatusWithRetry(THINGS, "ns", "t1", known, object -> setPhase(object));

    assertTrue(written.isPresent());
    assertEquals(1, server.requests().size());
    assertEquals("PUT", server.lastRequest().method());
    JsonNode put = JSON.readTree(server.lastRequest().body());
    assertEquals("7", put.path("metadata").path("resourceVersion").asText());
    assertEquals("Ready", put.path("status").path("phase").asText());
    assertFalse(known.path("status").has("phase"), "the known object is not changed");
  }

  @Test
  void updateStatusRereadsStaleKnownAtOnce() throws Exception {
    server.handle(
        request -> {
          if (request.method().equals("GET")) {
            return FakeApiServer.Response.json(200, thing("t1", "8", "{\"lastSync\":\"newer\"}"));
          }
          return request.body().contains("\"resourceVersion\":\"7\"")
              ? FakeApiServer.Response.status(409, "Conflict", "the object has been modified")
              : FakeApiServer.Response.json(200, request.body());
        });
    ObjectNode known = (ObjectNode) JSON.readTree(thing("t1", "7", "{}"));

    Optional<ObjectNode> written =
        client.updateStatusWithRetry(THINGS, "ns", "t1", known, object -> setPhase(object));

    assertTrue(written.isPresent());
    assertEquals(
        List.of("PUT", "GET", "PUT"),
        server.requests().stream().map(FakeApiServer.Request::method).toList());
    JsonNode put = JSON.readTree(server.lastRequest().body());
    assertEquals("newer", put.path("status").path("lastSync").asText(), "newer field kept");
    assertEquals(List.of(), sleeper.waits, "no wait before reading a stale guess again");
  }

  @Test
  void updateStatusRereadsDoneLookingKnown() throws Exception {
    server.handle(
        request ->
            request.method().equals("GET")
                ? FakeApiServer.Response.json(200, thing("t1", "8", "{}"))
                : FakeApiServer.Response.json(200, request.body()));
    ObjectNode known = (ObjectNode) JSON.readTree(thing("t1", "7", "{\"phase\":\"Ready\"}"));

    Optional<ObjectNode> written =
        client.updateStatusWithRetry(THINGS, "ns", "t1", known, object -> setPhase(object));

    assertTrue(written.isPresent());
    assertEquals(
        List.of("GET", "PUT"),
        server.requests().stream().map(FakeApiServer.Request::method).toList());
  }

  @Test
  void deleteOfMissingObjectIsFalse() {
    server.script(FakeApiServer.Response.status(404, "NotFound", "not found"));

    assertFalse(client.delete(THINGS, "ns", "t1"));
    assertEquals("DELETE", server.lastRequest().method());
    assertNull(server.lastRequest().header("Content-Type"));
  }

  @Test
  void oversizedBodyRejected() {
    String padding = "x".repeat(KubeHttp.MAX_ERROR_BODY_BYTES + 10);
    server.script(FakeApiServer.Response.json(500, padding));

    KubeApiException error =
        assertThrows(KubeApiException.class, () -> client.get(THINGS, "ns", "t"));

    assertEquals("ResponseTooLarge", error.reason());
  }

  private static ObjectNode setPhase(ObjectNode object) {
    object.withObjectProperty("status").put("phase", "Ready");
    return object;
  }

  private static String thing(String name, String resourceVersion, String status) {
    return "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Thing\",\"metadata\":{\"name\":\""
        + name
        + "\",\"namespace\":\"ns\",\"resourceVersion\":\""
        + resourceVersion
        + "\"},\"spec\":{},\"status\":"
        + status
        + "}";
  }

  private static String list(String continueToken, String resourceVersion, String... names) {
    StringBuilder items = new StringBuilder();
    for (String name : names) {
      items.append(items.length() == 0 ? "" : ",").append(thing(name, resourceVersion, "{}"));
    }
    return "{\"kind\":\"ThingList\",\"metadata\":{\"resourceVersion\":\""
        + resourceVersion
        + "\",\"continue\":\""
        + continueToken
        + "\"},\"items\":["
        + items
        + "]}";
  }
}
