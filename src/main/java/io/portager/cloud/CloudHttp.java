package io.portager.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * Calls to a cloud's token endpoints: form and JSON POSTs and GETs with bounded response bodies.
 * Failures become {@link CloudCredentialException}s that name the action, the method, the URL
 * without its query, the status and the error that the provider's body reports, never a request
 * body or header. 408, 429 and 5xx statuses and I/O failures are retryable.
 */
public final class CloudHttp {
  /** Limit for token and error bodies; real ones are a few KiB. */
  public static final int BODY_LIMIT = 1024 * 1024;

  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ERROR_TEXT_LIMIT = 300;

  private final HttpClient http;
  private final Function<JsonNode, String> errorText;

  /**
   * Creates a client whose error messages quote {@code errorText} of a JSON error body: the
   * provider's error code and description, or an empty string when the body has neither.
   */
  public CloudHttp(HttpClient http, Function<JsonNode, String> errorText) {
    this.http = http;
    this.errorText = errorText;
  }

  /** Sends an {@code application/x-www-form-urlencoded} POST and returns the JSON body. */
  public JsonNode postForm(
      String action, URI uri, Map<String, String> form, Map<String, String> headers, String hint) {
    StringJoiner body = new StringJoiner("&");
    form.forEach((name, value) -> body.add(encode(name) + "=" + encode(value)));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    headers.forEach(request::header);
    return parse(action, uri, send(action, "POST", uri, request.build(), hint));
  }

  /** Sends a JSON POST and returns the JSON body. */
  public JsonNode postJson(
      String action, URI uri, Object body, Map<String, String> headers, String hint) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("encode request body for " + action, e);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    headers.forEach(request::header);
    return parse(action, uri, send(action, "POST", uri, request.build(), hint));
  }

  /** Sends a GET and returns the body. */
  public byte[] get(String action, URI uri, Map<String, String> headers, String hint) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET();
    headers.forEach(request::header);
    return send(action, "GET", uri, request.build(), hint);
  }

  /** Parses {@code body} as a JSON object, or throws a retryable error naming {@code uri}. */
  public static JsonNode parse(String action, URI uri, byte[] body) {
    try {
      JsonNode root = JSON.readTree(body);
      if (root == null || !root.isObject()) {
        throw new IOException("not a JSON object");
      }
      return root;
    } catch (IOException e) {
      throw new CloudCredentialException(
          action + ": invalid JSON response from " + withoutQuery(uri), true);
    }
  }

  /** Returns a non-empty text field of {@code root}, or null when it is missing or not text. */
  public static String optionalText(JsonNode root, String field) {
    JsonNode node = root == null ? null : root.get(field);
    return node != null && node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
  }

  /** Joins an error code and its description, either of which may be null. */
  public static String join(String code, String description) {
    if (code == null) {
      return description == null ? "" : description;
    }
    return description == null ? code : code + ": " + description;
  }

  public static String withoutQuery(URI uri) {
    String text = uri.toString();
    int query = text.indexOf('?');
    return query < 0 ? text : text.substring(0, query);
  }

  private byte[] send(String action, String method, URI uri, HttpRequest request, String hint) {
    String target = method + " " + withoutQuery(uri);
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new CloudCredentialException(
          action
              + ": "
              + target
              + " failed: "
              + e.getClass().getSimpleName()
              + " "
              + e.getMessage(),
          true,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CloudCredentialException(action + ": interrupted during " + target, true, e);
    }
    byte[] body = readBounded(response, action, target);
    int status = response.statusCode();
    if (status / 100 != 2) {
      boolean retryable = status >= 500 || status == 429 || status == 408;
      String detail = errorDetail(body);
      throw new CloudCredentialException(
          action
              + ": "
              + target
              + " returned HTTP "
              + status
              + (detail.isEmpty() ? "" : " (" + detail + ")")
              + (retryable || hint.isEmpty() ? "" : "; " + hint),
          retryable);
    }
    return body;
  }

  private static byte[] readBounded(HttpResponse<InputStream> response, String action, String to) {
    try (InputStream in = response.body()) {
      byte[] body = in.readNBytes(BODY_LIMIT + 1);
      if (body.length > BODY_LIMIT) {
        throw new CloudCredentialException(
            action + ": response of " + to + " exceeds " + BODY_LIMIT + " bytes", true);
      }
      return body;
    } catch (IOException e) {
      throw new CloudCredentialException(action + ": read response of " + to + " failed", true, e);
    }
  }

  /** Returns the provider's error text of a JSON error body, shortened, or an empty string. */
  private String errorDetail(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      return "";
    }
    if (root == null || !root.isObject()) {
      return "";
    }
    String text = errorText.apply(root);
    return text.length() > ERROR_TEXT_LIMIT ? text.substring(0, ERROR_TEXT_LIMIT) + "…" : text;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
