package io.portager.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portager.kube.ApiResource;
import io.portager.kube.KubeApiException;
import io.portager.kube.KubeClient;
import io.portager.kube.WatchEvent;
import io.portager.kube.WatchStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class InformerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ApiResource THINGS = new ApiResource("example.com", "v1", "things", true);

  private final FakeKube kube = new FakeKube();
  private final List<String> changes = Collections.synchronizedList(new ArrayList<>());
  private final Informer informer = new Informer(kube, THINGS, List.of(), changes::add);

  private static ObjectNode object(String name, String resourceVersion) {
    ObjectNode object = JSON.createObjectNode();
    object
        .putObject("metadata")
        .put("namespace", "ns")
        .put("name", name)
        .put("resourceVersion", resourceVersion);
    return object;
  }

  private static ObjectNode page(
      String resourceVersion, String continueToken, ObjectNode... items) {
    ObjectNode list = JSON.createObjectNode();
    list.putObject("metadata")
        .put("resourceVersion", resourceVersion)
        .put("continue", continueToken);
    ArrayNode array = list.putArray("items");
    for (ObjectNode item : items) {
      array.add(item);
    }
    return list;
  }

  private void runUntilScriptEnds() throws InterruptedException {
    kube.onExhausted = informer::stop;
    Thread thread = new Thread(informer);
    thread.start();
    thread.join(10_000);
    assertFalse(thread.isAlive(), "informer did not stop");
  }

  @Test
  void listsEveryPageThenWatchesFromListVersion() throws InterruptedException {
    kube.lists.add(page("10", "next", object("a", "5")));
    kube.lists.add(page("10", "", object("b", "6")));
    kube.watches.add(List.of());

    runUntilScriptEnds();

    assertTrue(informer.hasSynced());
    assertEquals(List.of("next"), kube.continueTokens.subList(1, 2));
    assertEquals(List.of("10"), kube.watchVersions.subList(0, 1));
    assertTrue(informer.get("ns/a").isPresent());
    assertTrue(informer.get("ns/b").isPresent());
    assertTrue(changes.containsAll(List.of("ns/a", "ns/b")), changes.toString());
  }

  @Test
  void watchEventsUpdateCacheAndNotify() throws InterruptedException {
    kube.lists.add(page("10", "", object("a", "5")));
    kube.watches.add(
        List.of(
            new WatchEvent.Added(object("b", "11")),
            new WatchEvent.Modified(object("a", "12")),
            new WatchEvent.Deleted(object("b", "13"))));

    runUntilScriptEnds();

    assertEquals(
        "12", informer.get("ns/a").orElseThrow().path("metadata").path("resourceVersion").asText());
    assertTrue(informer.get("ns/b").isEmpty());
    assertEquals(List.of("ns/a", "ns/b", "ns/a", "ns/b"), changes);
  }

  @Test
  void normalEndRewatchesFromLastVersionWithoutRelist() throws InterruptedException {
    kube.lists.add(page("10", "", object("a", "5")));
    kube.watches.add(List.of(new WatchEvent.Modified(object("a", "14"))));
    kube.watches.add(List.of(new WatchEvent.Bookmark("20")));
    kube.watches.add(List.of());

    runUntilScriptEnds();

    assertEquals(1, kube.listCalls);
    assertEquals(List.of("10", "14", "20"), kube.watchVersions);
  }

  @Test
  void expiredErrorEventRelists() throws InterruptedException {
    kube.lists.add(page("10", "", object("a", "5"), object("b", "6")));
    kube.watches.add(List.of(new WatchEvent.Error(410, "Expired", "too old resource version")));
    kube.lists.add(page("30", "", object("a", "5")));
    kube.watches.add(List.of());

    runUntilScriptEnds();

    assertEquals(2, kube.listCalls);
    assertEquals(List.of("10", "30"), kube.watchVersions);
    assertTrue(informer.get("ns/b").isEmpty(), "b was deleted while the watch was down");
    assertEquals("ns/b", changes.get(changes.size() - 1));
  }

  @Test
  void goneResponseRelists() throws InterruptedException {
    kube.lists.add(page("10", "", object("a", "5")));
    kube.watchFailures.add(new KubeApiException(410, "Gone", "watch things: gone", null));
    kube.lists.add(page("40", "", object("a", "5")));
    kube.watches.add(List.of());

    runUntilScriptEnds();

    assertEquals(2, kube.listCalls);
    assertEquals(List.of("40"), kube.watchVersions);
  }

  @Test
  void unchangedObjectOnRelistDoesNotNotify() throws InterruptedException {
    kube.lists.add(page("10", "", object("a", "5")));
    kube.watches.add(List.of(new WatchEvent.Error(410, "Expired", "too old")));
    kube.lists.add(page("30", "", object("a", "5")));
    kube.watches.add(List.of());

    runUntilScriptEnds();

    assertEquals(List.of("ns/a"), changes);
  }

  /** A KubeClient that serves scripted list pages and watch streams, then signals the end. */
  private static final class FakeKube implements KubeClient {
    final Deque<ObjectNode> lists = new ArrayDeque<>();
    final Deque<List<WatchEvent>> watches = new ArrayDeque<>();
    final Deque<KubeApiException> watchFailures = new ArrayDeque<>();
    final List<String> continueTokens = new ArrayList<>();
    final List<String> watchVersions = new ArrayList<>();
    int listCalls;
    Runnable onExhausted = () -> {};

    @Override
    public ObjectNode list(
        ApiResource resource, String namespace, String resourceVersion, String continueToken) {
      if (continueToken == null) {
        listCalls++;
      }
      continueTokens.add(continueToken);
      if (lists.isEmpty()) {
        onExhausted.run();
        throw new KubeApiException(0, null, "script ended", null);
      }
      return lists.poll();
    }

    @Override
    public WatchStream watch(
        ApiResource resource, String namespace, String resourceVersion, int timeoutSeconds) {
      if (!watchFailures.isEmpty()) {
        throw watchFailures.poll();
      }
      watchVersions.add(resourceVersion);
      List<WatchEvent> events = watches.poll();
      if (events == null) {
        onExhausted.run();
        return new Stream(List.<WatchEvent>of().iterator());
      }
      if (watches.isEmpty() && lists.isEmpty() && !containsError(events)) {
        Iterator<WatchEvent> iterator = events.iterator();
        return new Stream(iterator) {
          @Override
          public Optional<WatchEvent> next() {
            Optional<WatchEvent> next = super.next();
            if (next.isEmpty()) {
              onExhausted.run();
            }
            return next;
          }
        };
      }
      return new Stream(events.iterator());
    }

    private static boolean containsError(List<WatchEvent> events) {
      return events.stream().anyMatch(e -> e instanceof WatchEvent.Error);
    }

    @Override
    public Optional<ObjectNode> get(ApiResource resource, String namespace, String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ObjectNode create(ApiResource resource, String namespace, ObjectNode object) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ObjectNode update(ApiResource resource, String namespace, ObjectNode object) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ObjectNode updateStatus(ApiResource resource, String namespace, ObjectNode object) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<ObjectNode> updateStatusWithRetry(
        ApiResource resource, String namespace, String name, UnaryOperator<ObjectNode> mutate) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ObjectNode patch(
        ApiResource resource, String namespace, String name, PatchType type, String body) {
      throw new UnsupportedOperationException();
    }
  }

  private static class Stream implements WatchStream {
    private final Iterator<WatchEvent> events;

    Stream(Iterator<WatchEvent> events) {
      this.events = events;
    }

    @Override
    public Optional<WatchEvent> next() {
      return events.hasNext() ? Optional.of(events.next()) : Optional.empty();
    }

    @Override
    public void close() {}
  }
}
