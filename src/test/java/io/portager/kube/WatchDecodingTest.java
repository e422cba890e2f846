package io.portager.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WatchDecodingTest {
  private static final ApiResource THINGS = new ApiResource("example.com", "v1", "things", true);

  private static final String ADDED =
      "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Thing\",\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"11\"}}}\n";
  private static final String MODIFIED =
      "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Thing\",\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"12\"}}}\n";
  private static final String DELETED =
      "{\"type\":\"DELETED\",\"object\":{\"kind\":\"Thing\",\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"13\"}}}\n";
  private static final String BOOKMARK =
      "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Thing\",\"metadata\":{\"resourceVersion\":\"14\"}}}\n";
  private static final String EXPIRED =
      "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
          + "\"message\":\"too old resource version: 5 (10)\",\"reason\":\"Expired\",\"code\":410}}\n";

  private FakeApiServer server;
  private HttpKubeClient client;

  @BeforeEach
  void start() throws Exception {
    server = new FakeApiServer();
    client = TestClients.client(server, new TestClients.RecordingSleeper());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static Stream<Arguments> streams() {
    String all = ADDED + MODIFIED + DELETED + BOOKMARK + EXPIRED;
    return Stream.of(
        Arguments.of("one event per chunk", List.of(ADDED, MODIFIED, DELETED, BOOKMARK, EXPIRED)),
        Arguments.of("all events in one chunk", List.of(all)),
        Arguments.of("events split across chunks", splitEvery(all, 7)),
        Arguments.of(
            "split inside a string",
            List.of(
                ADDED.substring(0, 40),
                ADDED.substring(40) + MODIFIED + DELETED + BOOKMARK + EXPIRED)),
        Arguments.of("no newlines between events", List.of(all.replace("\n", ""))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("streams")
  void decodesEventsInOrder(String name, List<String> chunks) {
    server.script(FakeApiServer.Response.stream(chunks, 5, 0));

    List<WatchEvent> events = readAll(client.watch(THINGS, "ns", "10", 30));

    assertEquals(5, events.size(), "events: " + events);
    assertEquals(
        "11", resourceVersionOf(assertInstanceOf(WatchEvent.Added.class, events.get(0)).object()));
    assertEquals(
        "12",
        resourceVersionOf(assertInstanceOf(WatchEvent.Modified.class, events.get(1)).object()));
    assertEquals(
        "13",
        resourceVersionOf(assertInstanceOf(WatchEvent.Deleted.class, events.get(2)).object()));
    assertEquals(
        "14", assertInstanceOf(WatchEvent.Bookmark.class, events.get(3)).resourceVersion());
    WatchEvent.Error error = assertInstanceOf(WatchEvent.Error.class, events.get(4));
    assertEquals(410, error.code());
    assertEquals("Expired", error.reason());
    assertEquals("too old resource version: 5 (10)", error.message());
  }

  @Test
  void sendsWatchQuery() {
    server.script(FakeApiServer.Response.stream(List.of(), 0, 0));

    readAll(client.watch(THINGS, "ns", "10", 300));

    FakeApiServer.Request request = server.lastRequest();
    assertEquals("/apis/example.com/v1/namespaces/ns/things", request.path());
    assertTrue(request.hasQueryParameter("watch=true"), request.query());
    assertTrue(request.hasQueryParameter("resourceVersion=10"), request.query());
    assertTrue(request.hasQueryParameter("allowWatchBookmarks=true"), request.query());
    assertTrue(request.hasQueryParameter("timeoutSeconds=300"), request.query());
  }

  @Test
  void watchReturnsBeforeFirstEvent() {
    server.script(FakeApiServer.Response.stream(List.of("", ADDED), 2_000, 0));

    long start = System.nanoTime();
    try (WatchStream stream = client.watch(THINGS, "ns", "10", 30)) {
      long openMillis = (System.nanoTime() - start) / 1_000_000;

      assertTrue(openMillis < 1_500, "watch() blocked for " + openMillis + " ms");
      assertInstanceOf(WatchEvent.Added.class, stream.next().orElseThrow());
    }
  }

  @Test
  void emptyStreamEndsNormally() {
    server.script(FakeApiServer.Response.stream(List.of(), 0, 0));

    try (WatchStream stream = client.watch(THINGS, "ns", "10", 30)) {
      assertEquals(Optional.empty(), stream.next());
      assertEquals(Optional.empty(), stream.next());
    }
  }

  @Test
  void http410ThrowsGone() {
    server.script(FakeApiServer.Response.status(410, "Gone", "too old resource version"));

    KubeApiException error =
        assertThrows(KubeApiException.class, () -> client.watch(THINGS, "ns", "1", 30));

    assertEquals(410, error.code());
    assertTrue(error.isGone());
  }

  @Test
  void unknownTypeThrows() {
    server.script(
        FakeApiServer.Response.stream(List.of("{\"type\":\"SURPRISE\",\"object\":{}}"), 0, 0));

    try (WatchStream stream = client.watch(THINGS, "ns", "1", 30)) {
      KubeApiException error = assertThrows(KubeApiException.class, stream::next);
      assertEquals("InvalidWatchEvent", error.reason());
    }
  }

  @Test
  void truncatedEventThrows() {
    server.script(
        FakeApiServer.Response.stream(List.of(ADDED, "{\"type\":\"MODIFIED\",\"obj"), 0, 0));

    try (WatchStream stream = client.watch(THINGS, "ns", "1", 30)) {
      assertInstanceOf(WatchEvent.Added.class, stream.next().orElseThrow());
      KubeApiException error = assertThrows(KubeApiException.class, stream::next);
      assertEquals(0, error.code());
    }
  }

  @Test
  void closeUnblocksNext() throws Exception {
    server.script(FakeApiServer.Response.stream(List.of(ADDED), 0, 30_000));
    WatchStream stream = client.watch(THINGS, "ns", "1", 30);
    assertInstanceOf(WatchEvent.Added.class, stream.next().orElseThrow());

    CompletableFuture<Optional<WatchEvent>> blocked = CompletableFuture.supplyAsync(stream::next);
    Thread.sleep(200);
    stream.close();

    assertEquals(Optional.empty(), blocked.get(5, TimeUnit.SECONDS));
  }

  private static List<WatchEvent> readAll(WatchStream stream) {
    List<WatchEvent> events = new ArrayList<>();
    try (stream) {
      for (Optional<WatchEvent> event = stream.next(); event.isPresent(); event = stream.next()) {
        events.add(event.get());
      }
    }
    return events;
  }

  private static String resourceVersionOf(ObjectNode object) {
    return object.path("metadata").path("resourceVersion").asText();
  }

  private static List<String> splitEvery(String text, int size) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < text.length(); i += size) {
      parts.add(text.substring(i, Math.min(text.length(), i + size)));
    }
    return parts;
  }
}
