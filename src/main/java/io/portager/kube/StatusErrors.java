package io.portager.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Turns failed responses and Status objects into {@link KubeApiException}s. */
final class StatusErrors {
  /** How much of a body that is not a Status object goes into a message. */
  private static final int MAX_SNIPPET_CHARS = 256;

  private StatusErrors() {}

  /**
   * Builds the exception for a non-2xx response. The message reads {@code "METHOD URL: CODE REASON:
   * MESSAGE"} with the URL's query left out, since continue tokens live there.
   */
  static KubeApiException fromResponse(
      ObjectMapper json, String method, String url, int code, byte[] body) {
    Status status = parse(json, body);
    String reason = status.reason() != null ? status.reason() : defaultReason(code);
    String detail = status.message() != null ? status.message() : snippet(body);
    String message = action(method, url) + ": " + code + " " + reason;
    if (!detail.isEmpty()) {
      message += ": " + detail;
    }
    return new KubeApiException(code, reason, message, null);
  }

  /** Builds the exception for a request that got no response at all (code 0). */
  static KubeApiException noResponse(String method, String url, Exception cause) {
    return new KubeApiException(
        0, null, action(method, url) + ": no response from the API server: " + cause, cause);
  }

  /** The {@code code}, {@code reason} and {@code message} of a Status object; any may be null. */
  record Status(Integer code, String reason, String message) {
    static Status of(JsonNode node) {
      Integer code = node.path("code").isInt() ? node.path("code").intValue() : null;
      return new Status(code, text(node, "reason"), text(node, "message"));
    }
  }

  static String action(String method, String url) {
    int query = url.indexOf('?');
    String withoutQuery = query < 0 ? url : url.substring(0, query);
    return method.toLowerCase(java.util.Locale.ROOT) + " " + withoutQuery;
  }

  private static Status parse(ObjectMapper json, byte[] body) {
    try {
      JsonNode node = json.readTree(body);
      if (node != null && "Status".equals(node.path("kind").asText())) {
        return Status.of(node);
      }
    } catch (IOException e) {
      // Not JSON, for example an HTML page from a proxy: fall back to a snippet of the body.
    }
    return new Status(null, null, null);
  }

  private static String snippet(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
    return text.length() <= MAX_SNIPPET_CHARS ? text : text.substring(0, MAX_SNIPPET_CHARS) + "…";
  }

  private static String defaultReason(int code) {
    return switch (code) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 405 -> "MethodNotAllowed";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 415 -> "UnsupportedMediaType";
      case 422 -> "Invalid";
      case 429 -> "TooManyRequests";
      case 500 -> "InternalError";
      case 503 -> "ServiceUnavailable";
      case 504 -> "Timeout";
      default -> "Unknown";
    };
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || !value.isTextual() || value.asText().isEmpty() ? null : value.asText();
  }
}
