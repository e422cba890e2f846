package io.portager.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portager.kube.ApiResource;
import io.portager.kube.KubeApiException;
import io.portager.kube.KubeClient;
import io.portager.kube.WatchEvent;
import io.portager.kube.WatchStream;
import io.portager.log.Log;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A cache of one resource's objects kept current by list-then-watch: list every page, then watch
 * from the list's resourceVersion with bookmarks. A watch that ends normally resumes from the last
 * resourceVersion seen; a 410 Gone (an HTTP status or an ERROR event) relists. Other failures retry
 * with backoff from 800 ms doubling to 30 s, like client-go's reflector.
 *
 * <p>It watches either all namespaces or a list of namespaces, with one list-then-watch loop and
 * one thread per namespace, because a namespaced Role allows no cluster-wide list. The cache map is
 * concurrent and shared. On a relist, each loop replaces only the keys of its own namespace, and
 * only its own thread writes its resourceVersion.
 */
public final class Informer implements Runnable {
  private static final Log LOG = Log.get("informer");
  private static final Duration MIN_BACKOFF = Duration.ofMillis(800);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final KubeClient client;
  private final ApiResource resource;
  private final List<Reflector> reflectors = new ArrayList<>();
  private final Consumer<String> onChange;
  private final Map<String, ObjectNode> cache = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  /**
   * Creates an informer for {@code resource} in {@code namespaces} (empty for all namespaces) that
   * calls {@code onChange} with the key of every object added, changed or deleted.
   */
  public Informer(
      KubeClient client, ApiResource resource, List<String> namespaces, Consumer<String> onChange) {
    this.client = client;
    this.resource = resource;
    this.onChange = onChange;
    if (namespaces.isEmpty()) {
      reflectors.add(new Reflector(null));
    }
    for (String namespace : new LinkedHashSet<>(namespaces)) {
      reflectors.add(new Reflector(namespace));
    }
  }

  /** Returns {@code namespace/name}, the key of an object in the cache and the work queue. */
  public static String keyOf(JsonNode object) {
    JsonNode metadata = object.path("metadata");
    return metadata.path("namespace").asText("") + "/" + metadata.path("name").asText();
  }

  public Optional<ObjectNode> get(String key) {
    return Optional.ofNullable(cache.get(key));
  }

  public List<String> keys() {
    return new ArrayList<>(cache.keySet());
  }

  /** True once the first list of every namespace has filled the cache. */
  public boolean hasSynced() {
    for (Reflector reflector : reflectors) {
      if (!reflector.synced) {
        return false;
      }
    }
    return true;
  }

  /** Stops the loops and closes the open watches. */
  public void stop() {
    stopped = true;
    for (Reflector reflector : reflectors) {
      WatchStream stream = reflector.current;
      if (stream != null) {
        stream.close();
      }
    }
  }

  /** Runs the first namespace's loop on this thread and the others on threads of their own. */
  @Override
  public void run() {
    for (Reflector reflector : reflectors.subList(1, reflectors.size())) {
      Thread thread = new Thread(reflector::run, "informer-" + reflector.namespace);
      thread.setDaemon(true);
      thread.start();
    }
    reflectors.get(0).run();
  }

  private static boolean sameVersion(JsonNode a, JsonNode b) {
    String left = a.path("metadata").path("resourceVersion").asText();
    return left.equals(b.path("metadata").path("resourceVersion").asText());
  }

  /** The list-then-watch loop of one namespace, or of all namespaces when it is null. */
  private final class Reflector {
    private final String namespace;
    private volatile boolean synced;
    private volatile WatchStream current;
    private String resourceVersion;
    private Duration backoff = MIN_BACKOFF;

    Reflector(String namespace) {
      this.namespace = namespace;
    }

    void run() {
      boolean needList = true;
      while (!stopped) {
        try {
          if (needList) {
            relist();
            needList = false;
          }
          watchOnce();
          backoff = MIN_BACKOFF;
        } catch (KubeApiException e) {
          if (e.isGone()) {
            LOG.info(
                "watch_expired",
                "resource",
                resource.plural(),
                "namespace",
                scope(),
                "message",
                e.getMessage());
            needList = true;
            continue;
          }
          LOG.warn(
              "watch_failed",
              "resource",
              resource.plural(),
              "namespace",
              scope(),
              "error",
              e.getMessage());
          sleepBackoff();
        } catch (RuntimeException e) {
          LOG.warn(
              "watch_failed",
              "resource",
              resource.plural(),
              "namespace",
              scope(),
              "error",
              e.toString());
          sleepBackoff();
        }
      }
    }

    private String scope() {
      return namespace == null ? "all" : namespace;
    }

    private void relist() {
      Map<String, ObjectNode> fresh = new HashMap<>();
      String continueToken = null;
      String listVersion;
      do {
        ObjectNode page = client.list(resource, namespace, null, continueToken);
        for (JsonNode item : page.path("items")) {
          fresh.put(keyOf(item), (ObjectNode) item);
        }
        listVersion = page.path("metadata").path("resourceVersion").asText();
        continueToken = page.path("metadata").path("continue").asText("");
      } while (!continueToken.isEmpty());
      replace(fresh);
      resourceVersion = listVersion;
      synced = true;
      LOG.info(
          "informer_listed",
          "resource",
          resource.plural(),
          "namespace",
          scope(),
          "objects",
          fresh.size());
    }

    /** Replaces this namespace's objects in the cache with {@code fresh}, leaving the others. */
    private void replace(Map<String, ObjectNode> fresh) {
      for (String key : List.copyOf(cache.keySet())) {
        if (owns(key) && !fresh.containsKey(key)) {
          cache.remove(key);
          onChange.accept(key);
        }
      }
      for (Map.Entry<String, ObjectNode> entry : fresh.entrySet()) {
        ObjectNode old = cache.put(entry.getKey(), entry.getValue());
        if (old == null || !sameVersion(old, entry.getValue())) {
          onChange.accept(entry.getKey());
        }
      }
    }

    private boolean owns(String key) {
      return namespace == null || key.startsWith(namespace + "/");
    }

    /**
     * Watches until the server ends the stream, requesting 300-600 s at random as client-go does.
     */
    private void watchOnce() {
      int timeoutSeconds = ThreadLocalRandom.current().nextInt(300, 601);
      try (WatchStream stream =
          client.watch(resource, namespace, resourceVersion, timeoutSeconds)) {
        current = stream;
        Optional<WatchEvent> event;
        while (!stopped && (event = stream.next()).isPresent()) {
          apply(event.get());
        }
      } finally {
        current = null;
      }
    }

    private void apply(WatchEvent event) {
      if (event instanceof WatchEvent.Added added) {
        store(added.object());
      } else if (event instanceof WatchEvent.Modified modified) {
        store(modified.object());
      } else if (event instanceof WatchEvent.Deleted deleted) {
        remove(deleted.object());
      } else if (event instanceof WatchEvent.Bookmark bookmark) {
        resourceVersion = bookmark.resourceVersion();
      } else if (event instanceof WatchEvent.Error error) {
        String message = "watch " + resource.plural() + ": " + error.message();
        throw new KubeApiException(error.code(), error.reason(), message, null);
      }
    }

    private void store(ObjectNode object) {
      String key = keyOf(object);
      cache.put(key, object);
      resourceVersion = object.path("metadata").path("resourceVersion").asText(resourceVersion);
      onChange.accept(key);
    }

    private void remove(ObjectNode object) {
      String key = keyOf(object);
      cache.remove(key);
      resourceVersion = object.path("metadata").path("resourceVersion").asText(resourceVersion);
      onChange.accept(key);
    }

    private void sleepBackoff() {
      try {
        Thread.sleep(backoff.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopped = true;
      }
      Duration doubled = backoff.multipliedBy(2);
      backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    }
  }
}
