package io.portager.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;

/** Bounded reading of response bodies and the exceptions built from failed responses. */
final class Responses {
  /** Limit for error bodies: enough for any {@code {"errors":[...]}} a registry sends. */
  static final int ERROR_BODY_LIMIT = 64 * 1024;

  private static final int MAX_MESSAGE_CHARS = 200;
  private static final ObjectMapper JSON = new ObjectMapper();

  private Responses() {}

  /**
   * Reads the whole body, failing when it exceeds {@code limit} bytes, and closes the stream. The
   * exception is not retryable because the same response would come back.
   */
  static byte[] readBounded(HttpResponse<InputStream> response, int limit, String action) {
    long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    if (declared > limit) {
      discard(response);
      throw tooLarge(response, limit, action);
    }
    try (InputStream body = response.body()) {
      byte[] bytes = body.readNBytes(limit + 1);
      if (bytes.length > limit) {
        throw tooLarge(response, limit, action);
      }
      return bytes;
    } catch (IOException e) {
      throw new RegistryException(
          0, null, action + ": read " + describe(response) + ": " + e.getMessage(), e);
    }
  }

  /** Closes the body so the connection can be released; errors here change nothing. */
  static void discard(HttpResponse<InputStream> response) {
    try (InputStream body = response.body()) {
      body.readNBytes(ERROR_BODY_LIMIT);
    } catch (IOException e) {
      // The response is being thrown away, and closing it already happened.
    }
  }

  /**
   * Builds the exception for an unexpected status, with the registry's first error code and message
   * from an OCI error body {@code {"errors":[{"code","message"}]}}.
   */
  static RegistryException failure(String action, HttpResponse<InputStream> response) {
    int status = response.statusCode();
    byte[] body = readQuietly(response);
    JsonNode error = firstError(body);
    String code = error == null ? null : text(error.get("code"));
    String detail = error == null ? null : text(error.get("message"));

    StringBuilder message = new StringBuilder(action).append(": ").append(describe(response));
    message.append(" returned ").append(status);
    if (code != null) {
      message.append(' ').append(code);
    }
    if (detail != null && !detail.isBlank()) {
      message.append(" (").append(truncate(detail)).append(')');
    }
    message.append(hint(status));
    return new RegistryException(status, code, message.toString(), null);
  }

  /** Returns {@code "METHOD url"} of the request that produced this response, without query. */
  static String describe(HttpResponse<?> response) {
    return response.request().method() + " " + withoutQuery(response.uri());
  }

  static String withoutQuery(URI uri) {
    try {
      return new URI(uri.getScheme(), uri.getRawAuthority(), uri.getPath(), null, null).toString();
    } catch (URISyntaxException e) {
      return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
    }
  }

  private static String hint(int status) {
    return switch (status) {
      case 401, 403 -> ": check the credentials and their access to this repository";
      case 429 -> ": the registry is rate limiting, retry later";
      default -> "";
    };
  }

  private static byte[] readQuietly(HttpResponse<InputStream> response) {
    try (InputStream body = response.body()) {
      return body.readNBytes(ERROR_BODY_LIMIT);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static JsonNode firstError(byte[] body) {
    if (body.length == 0) {
      return null;
    }
    try {
      JsonNode errors = JSON.readTree(body).path("errors");
      return errors.isArray() && errors.size() > 0 ? errors.get(0) : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static String text(JsonNode node) {
    return node != null && node.isTextual() ? node.asText() : null;
  }

  private static String truncate(String text) {
    return text.length() <= MAX_MESSAGE_CHARS ? text : text.substring(0, MAX_MESSAGE_CHARS) + "...";
  }

  private static RegistryException tooLarge(
      HttpResponse<InputStream> response, int limit, String action) {
    return new RegistryException(
        0,
        null,
        action + ": " + describe(response) + ": body exceeds the limit of " + limit + " bytes",
        null,
        false);
  }
}
