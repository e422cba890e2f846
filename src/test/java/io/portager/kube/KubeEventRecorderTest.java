package io.portager.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KubeEventRecorderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant START = Instant.parse("2026-03-01T12:00:00.123456789Z");
  private static final String EVENTS_PATH = "/api/v1/namespaces/team-a/events";

  private FakeApiServer server;
  private MutableClock clock;
  private KubeEventRecorder recorder;
  private ObjectNode imageSync;

  @BeforeEach
  void start() throws Exception {
    server = new FakeApiServer();
    server.handle(
        request ->
            FakeApiServer.Response.json(
                request.method().equals("POST") ? 201 : 200, request.body()));
    clock = new MutableClock(START);
    recorder =
        new KubeEventRecorder(
            TestClients.client(server, new TestClients.RecordingSleeper()), clock, "pod-1");
    imageSync =
        (ObjectNode)
            JSON.readTree(
                "{\"apiVersion\":\"portager.io/v1alpha1\",\"kind\":\"ImageSync\",\"metadata\":{"
                    + "\"name\":\"mirror\",\"namespace\":\"team-a\",\"uid\":\"1f2e-3d4c\","
                    + "\"resourceVersion\":\"42\",\"generation\":3},\"spec\":{}}");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void createsEventWithAllFields() throws Exception {
    recorder.record(imageSync, EventRecorder.Type.Warning, "SyncFailed", "copy failed");

    FakeApiServer.Request request = server.lastRequest();
    JsonNode event = JSON.readTree(request.body());
    assertEquals("POST", request.method());
    assertEquals(EVENTS_PATH, request.path());
    assertEquals("v1", event.path("apiVersion").asText());
    assertEquals("Event", event.path("kind").asText());
    assertEquals("team-a", event.path("metadata").path("namespace").asText());
    JsonNode involved = event.path("involvedObject");
    assertEquals("portager.io/v1alpha1", involved.path("apiVersion").asText());
    assertEquals("ImageSync", involved.path("kind").asText());
    assertEquals("mirror", involved.path("name").asText());
    assertEquals("team-a", involved.path("namespace").asText());
    assertEquals("1f2e-3d4c", involved.path("uid").asText());
    assertEquals("42", involved.path("resourceVersion").asText());
    assertEquals("SyncFailed", event.path("reason").asText());
    assertEquals("copy failed", event.path("message").asText());
    assertEquals("Warning", event.path("type").asText());
    assertEquals("portager", event.path("source").path("component").asText());
    assertEquals("portager", event.path("reportingComponent").asText());
    assertEquals("pod-1", event.path("reportingInstance").asText());
    assertEquals("2026-03-01T12:00:00Z", event.path("firstTimestamp").asText());
    assertEquals("2026-03-01T12:00:00Z", event.path("lastTimestamp").asText());
    assertEquals(1, event.path("count").asInt());
  }

  @Test
  void namesEventAfterObjectAndNanos() throws Exception {
    recorder.record(imageSync, EventRecorder.Type.Normal, "Synced", "one");

    String name = JSON.readTree(server.lastRequest().body()).path("metadata").path("name").asText();

    long nanos = START.getEpochSecond() * 1_000_000_000L + START.getNano();
    assertEquals("mirror." + Long.toHexString(nanos), name);
  }

  @Test
  void namesAreUniqueWithinOneNanosecond() throws Exception {
    recorder.record(imageSync, EventRecorder.Type.Normal, "Synced", "one");
    recorder.record(imageSync, EventRecorder.Type.Normal, "Synced", "two");

    List<FakeApiServer.Request> requests = server.requests();
    String first = JSON.readTree(requests.get(0).body()).path("metadata").path("name").asText();
    String second = JSON.readTree(requests.get(1).body()).path("metadata").path("name").asText();
    assertNotEquals(first, second);
  }

  @Test
  void repeatBecomesPatchWithCountTwo() throws Exception {
    recorder.record(imageSync, EventRecorder.Type.Warning, "SyncFailed", "copy failed");
    String name = JSON.readTree(server.lastRequest().body()).path("metadata").path("name").asText();
    clock.advance(Duration.ofMinutes(5));

    recorder.record(imageSync, EventRecorder.Type.Warning, "SyncFailed", "copy failed");

    FakeApiServer.Request patch = server.lastRequest();
    JsonNode body = JSON.readTree(patch.body());
    assertEquals(2, server.requests().size());
    assertEquals("PATCH", patch.method());
    assertEquals(EVENTS_PATH + "/" + name, patch.path());
    assertEquals("application/merge-patch+json", patch.header("Content-Type"));
    assertEquals(2, body.path("count").asInt());
    assertEquals("2026-03-01T12:05:00Z", body.path("lastTimestamp").asText());
  }

  @Test
  void differentMessageCreatesNewEvent() {
    recorder.record(imageSync, EventRecorder.Type.Warning, "SyncFailed", "copy failed");
    recorder.record(imageSync, EventRecorder.Type.Warning, "SyncFailed", "other failure");

    assertEquals("POST", server.lastRequest().method());
  }

  @Test
  void repeatAfterWindowCreatesNewEvent() {
    recorder.record(imageSync, EventRecorder.Type.Normal, "Synced", "done");
    clock.advance(KubeEventRecorder.DEDUP_WINDOW);

    recorder.record(imageSync, EventRecorder.Type.Normal, "Synced", "done");

    assertEquals("POST", server.lastRequest().method());
  }

  @Test
  void patchNotFoundCreatesAgain() throws Exception {
    recorder.record(imageSync, EventRecorder.Type.Normal, "Synced", "done");
    server.handle(
        request ->
            request.method().equals("PATCH")
                ? FakeApiServer.Response.status(404, "NotFound", "events not found")
                : FakeApiServer.Response.json(201, request.body()));

    recorder.record(imageSync, EventRecorder.Type.Normal, "Synced", "done");

    List<FakeApiServer.Request> requests = server.requests();
    JsonNode recreated = JSON.readTree(requests.get(2).body());
    assertEquals(3, requests.size());
    assertEquals("PATCH", requests.get(1).method());
    assertEquals("POST", requests.get(2).method());
    assertEquals(2, recreated.path("count").asInt());
    assertEquals("1f2e-3d4c", recreated.path("involvedObject").path("uid").asText());
  }

  @Test
  void failureIsNotThrown() {
    server.handle(
        request -> FakeApiServer.Response.status(403, "Forbidden", "events is forbidden"));

    recorder.record(imageSync, EventRecorder.Type.Normal, "Synced", "done");

    assertEquals(1, server.requests().size());
  }

  @Test
  void failedCreateIsNotRemembered() {
    server.handle(
        request -> FakeApiServer.Response.status(403, "Forbidden", "events is forbidden"));
    recorder.record(imageSync, EventRecorder.Type.Normal, "Synced", "done");
    server.handle(request -> FakeApiServer.Response.json(201, request.body()));

    recorder.record(imageSync, EventRecorder.Type.Normal, "Synced", "done");

    assertEquals("POST", server.lastRequest().method());
  }

  @Test
  void longMessageIsTruncated() throws Exception {
    recorder.record(imageSync, EventRecorder.Type.Warning, "SyncFailed", "x".repeat(5000));

    JsonNode event = JSON.readTree(server.lastRequest().body());

    assertEquals(KubeEventRecorder.MAX_MESSAGE_CHARS, event.path("message").asText().length());
  }

  @Test
  void clusterScopedObjectUsesDefaultNamespace() throws Exception {
    ObjectNode namespace =
        (ObjectNode)
            JSON.readTree(
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"team-a\",\"uid\":\"u1\"}}");

    recorder.record(namespace, EventRecorder.Type.Normal, "Seen", "namespace seen");

    JsonNode event = JSON.readTree(server.lastRequest().body());
    assertEquals("/api/v1/namespaces/default/events", server.lastRequest().path());
    assertFalse(event.path("involvedObject").has("namespace"));
  }

  @Test
  void cacheEvictsLeastRecentlyUsed() {
    KubeClient client = TestClients.client(server, new TestClients.RecordingSleeper());
    KubeEventRecorder small = new KubeEventRecorder(client, clock, "pod-1", 2);
    small.record(imageSync, EventRecorder.Type.Normal, "A", "a");
    small.record(imageSync, EventRecorder.Type.Normal, "B", "b");
    small.record(imageSync, EventRecorder.Type.Normal, "A", "a");
    small.record(imageSync, EventRecorder.Type.Normal, "C", "c");

    small.record(imageSync, EventRecorder.Type.Normal, "A", "a");
    String afterEviction = server.lastRequest().method();
    small.record(imageSync, EventRecorder.Type.Normal, "B", "b");

    assertEquals("PATCH", afterEviction, "A was used recently, so it stays cached");
    assertEquals(
        "POST", server.lastRequest().method(), "B was the eldest entry, so it was evicted");
  }

  @Test
  void timestampHasWholeSeconds() {
    assertEquals("2026-03-01T12:00:00Z", KubeEventRecorder.timestamp(START));
    assertTrue(
        KubeEventRecorder.timestamp(Instant.parse("2026-03-01T12:00:59.999Z")).endsWith(":59Z"));
  }
}
