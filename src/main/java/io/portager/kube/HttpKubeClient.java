package io.portager.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * {@link KubeClient} over {@code java.net.http}. Writes carry {@code fieldManager=portager}, since
 * the API server otherwise names the manager after the User-Agent. Thread-safe: one instance serves
 * all workers.
 */
public final class HttpKubeClient implements KubeClient {
  /** The field manager recorded in managedFields for every write. */
  public static final String FIELD_MANAGER = "portager";

  /** Page size for list requests, as client-go's pager uses. */
  static final int PAGE_LIMIT = 500;

  /** Tries of a status write that keeps hitting 409 Conflict, as client-go's DefaultRetry. */
  static final int MAX_CONFLICT_TRIES = 5;

  static final Duration CONFLICT_RETRY_DELAY = Duration.ofMillis(10);

  private static final String JSON = "application/json";

  private final KubeHttp http;
  private final ObjectMapper json;
  private final Sleeper sleeper;

  public HttpKubeClient(KubeConfig config) {
    this(config, Sleeper.SYSTEM);
  }

  HttpKubeClient(KubeConfig config, Sleeper sleeper) {
    this.json = new ObjectMapper();
    this.sleeper = sleeper;
    this.http = new KubeHttp(config, sleeper, json);
  }

  @Override
  public Optional<ObjectNode> get(ApiResource resource, String namespace, String name) {
    try {
      return Optional.of(request("GET", resource.path(namespace, name), Map.of(), null));
    } catch (KubeApiException e) {
      if (e.isNotFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public ObjectNode list(
      ApiResource resource, String namespace, String resourceVersion, String continueToken) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("limit", Integer.toString(PAGE_LIMIT));
    query.put("resourceVersion", resourceVersion);
    query.put("continue", continueToken);
    return request("GET", resource.path(namespace, null), query, null);
  }

  @Override
  public WatchStream watch(
      ApiResource resource, String namespace, String resourceVersion, int timeoutSeconds) {
    String path = resource.path(namespace, null);
    Map<String, String> query = new LinkedHashMap<>();
    query.put("watch", "true");
    query.put("resourceVersion", resourceVersion);
    query.put("allowWatchBookmarks", "true");
    query.put("timeoutSeconds", Integer.toString(timeoutSeconds));
    InputStream body = http.openStream(path, query);
    return new HttpWatchStream(json, body, StatusErrors.action("GET", path + " (watch)"));
  }

  @Override
  public ObjectNode create(ApiResource resource, String namespace, ObjectNode object) {
    return request("POST", resource.path(namespace, null), writeQuery(), object);
  }

  @Override
  public ObjectNode update(ApiResource resource, String namespace, ObjectNode object) {
    return request("PUT", resource.path(namespace, nameOf(object)), writeQuery(), object);
  }

  @Override
  public ObjectNode updateStatus(ApiResource resource, String namespace, ObjectNode object) {
    return request("PUT", resource.statusPath(namespace, nameOf(object)), writeQuery(), object);
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code mutate} receives a deep copy and may change it in place and return it (a null return
   * means the copy). When the status comes back unchanged, nothing is written and the object as
   * read is returned. Each retry waits {@link #CONFLICT_RETRY_DELAY}.
   */
  @Override
  public Optional<ObjectNode> updateStatusWithRetry(
      ApiResource resource, String namespace, String name, UnaryOperator<ObjectNode> mutate) {
    return updateStatusWithRetry(resource, namespace, name, null, mutate);
  }

  @Override
  public Optional<ObjectNode> updateStatusWithRetry(
      ApiResource resource,
      String namespace,
      String name,
      ObjectNode known,
      UnaryOperator<ObjectNode> mutate) {
    ObjectNode guess = known;
    for (int attempt = 1; ; attempt++) {
      Optional<ObjectNode> current =
          guess != null ? Optional.of(guess) : get(resource, namespace, name);
      if (current.isEmpty()) {
        return Optional.empty();
      }
      ObjectNode copy = current.get().deepCopy();
      ObjectNode desired = Optional.ofNullable(mutate.apply(copy)).orElse(copy);
      if (desired.path("status").equals(current.get().path("status"))) {
        if (guess == null) {
          return current;
        }
        // The known object may be stale, so "nothing to write" holds only for a fresh read.
        guess = null;
        attempt--;
        continue;
      }
      try {
        return Optional.of(updateStatus(resource, namespace, desired));
      } catch (KubeApiException e) {
        if (e.isNotFound()) {
          return Optional.empty();
        }
        if (!e.isConflict() || attempt >= MAX_CONFLICT_TRIES) {
          throw e;
        }
      }
      // A conflict on the known object only means it was stale: read it again at once.
      if (guess == null) {
        waitBeforeConflictRetry();
      }
      guess = null;
    }
  }

  @Override
  public ObjectNode patch(
      ApiResource resource, String namespace, String name, PatchType type, String body) {
    KubeHttp.Body patch =
        new KubeHttp.Body(body.getBytes(StandardCharsets.UTF_8), type.contentType);
    byte[] response = http.send("PATCH", resource.path(namespace, name), writeQuery(), patch);
    return parseObject(response, "PATCH", resource.path(namespace, name));
  }

  /**
   * Deletes the object. Returns false when it did not exist. With finalizers set, the object stays
   * until they are removed; the server only sets {@code metadata.deletionTimestamp}.
   */
  public boolean delete(ApiResource resource, String namespace, String name) {
    try {
      request("DELETE", resource.path(namespace, name), Map.of(), null);
      return true;
    } catch (KubeApiException e) {
      if (e.isNotFound()) {
        return false;
      }
      throw e;
    }
  }

  private ObjectNode request(
      String method, String path, Map<String, String> query, ObjectNode body) {
    KubeHttp.Body requestBody = body == null ? null : new KubeHttp.Body(serialize(body), JSON);
    return parseObject(http.send(method, path, query, requestBody), method, path);
  }

  private static Map<String, String> writeQuery() {
    return Map.of("fieldManager", FIELD_MANAGER);
  }

  private static String nameOf(ObjectNode object) {
    String name = object.path("metadata").path("name").asText("");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("update object: metadata.name is missing");
    }
    return name;
  }

  private byte[] serialize(ObjectNode object) {
    try {
      return json.writeValueAsBytes(object);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("serialize object: " + e.getOriginalMessage(), e);
    }
  }

  private ObjectNode parseObject(byte[] body, String method, String path) {
    try {
      JsonNode node = json.readTree(body);
      if (node instanceof ObjectNode object) {
        return object;
      }
    } catch (IOException e) {
      // Reported below like any other body that is not a JSON object.
    }
    String message = StatusErrors.action(method, path) + ": response is not a JSON object";
    throw new KubeApiException(0, "InvalidResponse", message, null);
  }

  private void waitBeforeConflictRetry() {
    try {
      sleeper.sleep(CONFLICT_RETRY_DELAY);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubeApiException(0, null, "update status: interrupted while retrying", e);
    }
  }
}
