package io.portager.kube;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A watch response body read as a stream of JSON values, one {@code {"type":…,"object":…}} per
 * event. The API server flushes each event on its own, but HTTP chunks need not line up with
 * events, so the body is parsed as consecutive JSON values rather than split into lines.
 */
final class HttpWatchStream implements WatchStream {
  private final InputStream body;
  private final MappingIterator<JsonNode> values;
  private final String action;

  // Set by close() from any thread; a read failure after it means "stopped", not "broken".
  private volatile boolean closed;

  HttpWatchStream(ObjectMapper json, InputStream body, String action) {
    this.body = body;
    this.action = action;
    try {
      // A parser over a Reader starts without reading. Over the InputStream, Jackson would read
      // ahead to detect the encoding, and the API server sends nothing until the first event.
      Reader reader = new InputStreamReader(body, StandardCharsets.UTF_8);
      JsonParser parser = json.getFactory().createParser(reader);
      this.values = json.readerFor(JsonNode.class).readValues(parser);
    } catch (IOException e) {
      closeQuietly();
      throw new KubeApiException(0, null, action + ": open watch stream: " + e, e);
    }
  }

  /**
   * Blocks for the next event. Returns empty when the server ended the stream, which it does at
   * {@code timeoutSeconds}, or after {@link #close}.
   *
   * @throws KubeApiException code 0 when the connection breaks or an event cannot be decoded
   */
  @Override
  public Optional<WatchEvent> next() {
    if (closed) {
      return Optional.empty();
    }
    try {
      if (!values.hasNextValue()) {
        close();
        return Optional.empty();
      }
      return Optional.of(WatchEvents.decode(values.nextValue(), action));
    } catch (IOException | RuntimeException e) {
      if (closed) {
        return Optional.empty();
      }
      close();
      if (e instanceof KubeApiException apiException) {
        throw apiException;
      }
      throw new KubeApiException(0, null, action + ": read watch stream: " + e, e);
    }
  }

  /** Closes the connection; a thread blocked in {@link #next} returns empty. Idempotent. */
  @Override
  public void close() {
    closed = true;
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      body.close();
    } catch (IOException e) {
      // Nothing is left to release: the connection is being dropped anyway.
    }
  }

  /** Maps one decoded watch value to its {@link WatchEvent}. */
  static final class WatchEvents {
    private WatchEvents() {}

    static WatchEvent decode(JsonNode value, String action) {
      String type = value.path("type").asText("");
      JsonNode object = value.path("object");
      if (!object.isObject()) {
        throw invalid(action, "event of type \"" + type + "\" has no object");
      }
      ObjectNode node = (ObjectNode) object;
      return switch (type) {
        case "ADDED" -> new WatchEvent.Added(node);
        case "MODIFIED" -> new WatchEvent.Modified(node);
        case "DELETED" -> new WatchEvent.Deleted(node);
        case "BOOKMARK" ->
            new WatchEvent.Bookmark(node.path("metadata").path("resourceVersion").asText(""));
        case "ERROR" -> error(node);
        default -> throw invalid(action, "unknown event type \"" + type + "\"");
      };
    }

    private static WatchEvent error(ObjectNode status) {
      StatusErrors.Status parsed = StatusErrors.Status.of(status);
      // A Status without a code still reports a server-side failure, so it counts as a 500.
      int code = parsed.code() == null ? 500 : parsed.code();
      String reason = parsed.reason() == null ? "" : parsed.reason();
      String message = parsed.message() == null ? "" : parsed.message();
      return new WatchEvent.Error(code, reason, message);
    }

    private static KubeApiException invalid(String action, String problem) {
      return new KubeApiException(
          0, "InvalidWatchEvent", action + ": decode watch event: " + problem, null);
    }
  }
}
