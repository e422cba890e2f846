package io.portager.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portager.log.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;

/**
 * Records core/v1 Events in the involved object's namespace ({@code default} for cluster-scoped
 * objects). {@code kubectl describe} finds them by involvedObject name, namespace, kind and uid, so
 * the object passed in must carry {@code apiVersion}, {@code kind} and {@code metadata.uid}, as
 * objects read with GET or watch do.
 *
 * <p>A repeat of the same object uid, type, reason and message within {@link #DEDUP_WINDOW} becomes
 * a merge PATCH that raises {@code count} and moves {@code lastTimestamp}, as client-go does; a 404
 * on that patch creates the Event again. Requests run on the caller's thread.
 */
public final class KubeEventRecorder implements EventRecorder {
  /** The name in {@code source.component} and {@code reportingComponent}. */
  public static final String COMPONENT = "portager";

  /** Maximum message length kept; events.k8s.io limits {@code note} to this length. */
  static final int MAX_MESSAGE_CHARS = 1024;

  /** Maximum reportingInstance length that the API server accepts. */
  static final int MAX_INSTANCE_CHARS = 128;

  /** Recent events remembered for deduplication, as in client-go's LRU. */
  static final int CACHE_SIZE = 4096;

  static final Duration DEDUP_WINDOW = Duration.ofMinutes(10);

  private static final Log LOG = Log.get("events");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final KubeClient client;
  private final Clock clock;
  private final String reportingInstance;
  private final int cacheSize;

  // Guarded by itself. Access-ordered, so the eldest entry is the least recently used one.
  private final LinkedHashMap<Key, Recorded> recent = new LinkedHashMap<>(64, 0.75f, true);

  // Guarded by recent. The last unix-nanosecond value used in an event name.
  private long lastNameNanos;

  public KubeEventRecorder(KubeClient client, Clock clock, String reportingInstance) {
    this(client, clock, reportingInstance, CACHE_SIZE);
  }

  KubeEventRecorder(KubeClient client, Clock clock, String reportingInstance, int cacheSize) {
    this.client = client;
    this.clock = clock;
    this.reportingInstance = truncate(reportingInstance, MAX_INSTANCE_CHARS);
    this.cacheSize = cacheSize;
  }

  /**
   * Returns this host's name for {@code reportingInstance}: {@code $HOSTNAME}, which Kubernetes
   * sets to the pod name, else {@code /etc/hostname}, else {@code "unknown"}. No DNS lookup.
   */
  public static String localHostname() {
    String fromEnv = System.getenv("HOSTNAME");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    try {
      String fromFile = Files.readString(Path.of("/etc/hostname")).strip();
      return fromFile.isEmpty() ? "unknown" : fromFile;
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public void record(ObjectNode involvedObject, Type type, String reason, String message) {
    JsonNode metadata = involvedObject.path("metadata");
    String objectName = metadata.path("name").asText("");
    try {
      recordOrThrow(involvedObject, type, reason, truncate(message, MAX_MESSAGE_CHARS));
    } catch (RuntimeException e) {
      // Events are advisory: a failure must not fail the reconcile that produced them.
      LOG.warn(
          "event_record_failed",
          "namespace",
          eventNamespace(involvedObject),
          "object",
          objectName,
          "reason",
          reason,
          "error",
          String.valueOf(e.getMessage()));
    }
  }

  /** Identity of a repeated event; the uid already pins namespace, kind and name. */
  private record Key(String objectUid, Type type, String reason, String message) {}

  /** The last Event written for a key: where it lives, its count and when it was last seen. */
  private record Recorded(
      String namespace, String name, int count, Instant firstSeen, Instant lastSeen) {}

  private void recordOrThrow(ObjectNode object, Type type, String reason, String message) {
    Instant now = clock.instant();
    Key key = new Key(objectUid(object), type, reason, message);
    Recorded previous = recentWithinWindow(key, now);
    Recorded current;
    if (previous == null) {
      current = new Recorded(eventNamespace(object), uniqueName(object, now), 1, now, now);
      client.create(ApiResource.EVENTS, current.namespace(), event(object, key, current));
    } else {
      current =
          new Recorded(
              previous.namespace(),
              previous.name(),
              previous.count() + 1,
              previous.firstSeen(),
              now);
      patchOrCreate(object, key, current);
    }
    remember(key, current);
  }

  private void patchOrCreate(ObjectNode object, Key key, Recorded current) {
    ObjectNode patch = NODES.objectNode();
    patch.put("count", current.count());
    patch.put("lastTimestamp", timestamp(current.lastSeen()));
    try {
      client.patch(
          ApiResource.EVENTS,
          current.namespace(),
          current.name(),
          KubeClient.PatchType.MERGE,
          patch.toString());
    } catch (KubeApiException e) {
      if (!e.isNotFound()) {
        throw e;
      }
      // Someone deleted the Event, or its TTL (one hour by default) expired: write it anew.
      client.create(ApiResource.EVENTS, current.namespace(), event(object, key, current));
    }
  }

  private ObjectNode event(ObjectNode object, Key key, Recorded recorded) {
    ObjectNode event = NODES.objectNode();
    event.put("apiVersion", "v1");
    event.put("kind", "Event");
    ObjectNode metadata = event.putObject("metadata");
    metadata.put("name", recorded.name());
    metadata.put("namespace", recorded.namespace());
    event.set("involvedObject", involvedObject(object));
    event.put("reason", key.reason());
    event.put("message", key.message());
    event.put("type", key.type().name());
    event.putObject("source").put("component", COMPONENT);
    event.put("reportingComponent", COMPONENT);
    event.put("reportingInstance", reportingInstance);
    event.put("firstTimestamp", timestamp(recorded.firstSeen()));
    event.put("lastTimestamp", timestamp(recorded.lastSeen()));
    event.put("count", recorded.count());
    return event;
  }

  private static ObjectNode involvedObject(ObjectNode object) {
    JsonNode metadata = object.path("metadata");
    ObjectNode reference = NODES.objectNode();
    copyText(object, "apiVersion", reference);
    copyText(object, "kind", reference);
    copyText(metadata, "name", reference);
    copyText(metadata, "namespace", reference);
    copyText(metadata, "uid", reference);
    copyText(metadata, "resourceVersion", reference);
    return reference;
  }

  private Recorded recentWithinWindow(Key key, Instant now) {
    synchronized (recent) {
      Recorded previous = recent.get(key);
      boolean fresh = previous != null && previous.lastSeen().plus(DEDUP_WINDOW).isAfter(now);
      return fresh ? previous : null;
    }
  }

  private void remember(Key key, Recorded recorded) {
    synchronized (recent) {
      recent.put(key, recorded);
      if (recent.size() > cacheSize) {
        recent.remove(recent.keySet().iterator().next());
      }
    }
  }

  // client-go names events "<object>.<unix nanos in hex>". Two events in the same nanosecond, or
  // a clock that steps back, still get distinct names because the value only ever increases.
  private String uniqueName(ObjectNode object, Instant now) {
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    synchronized (recent) {
      lastNameNanos = Math.max(nanos, lastNameNanos + 1);
      nanos = lastNameNanos;
    }
    return object.path("metadata").path("name").asText("") + "." + Long.toHexString(nanos);
  }

  private static String objectUid(ObjectNode object) {
    JsonNode metadata = object.path("metadata");
    String uid = metadata.path("uid").asText("");
    if (!uid.isEmpty()) {
      return uid;
    }
    // Without a uid, fall back to the names that kubectl would use to find the object.
    return object.path("kind").asText("")
        + "/"
        + metadata.path("namespace").asText("")
        + "/"
        + metadata.path("name").asText("");
  }

  private static String eventNamespace(ObjectNode object) {
    String namespace = object.path("metadata").path("namespace").asText("");
    return namespace.isEmpty() ? "default" : namespace;
  }

  /** Formats a metav1.Time: RFC 3339 in UTC with whole seconds. */
  static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  private static void copyText(JsonNode from, String field, ObjectNode to) {
    String value = from.path(field).asText("");
    if (!value.isEmpty()) {
      to.put(field, value);
    }
  }

  private static String truncate(String value, int maxChars) {
    if (value == null) {
      return "";
    }
    return value.length() <= maxChars ? value : value.substring(0, maxChars);
  }
}
