package io.portager.cloud.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portager.cloud.CloudCredentialException;
import io.portager.cloud.ExpiringToken;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Calls to Google's token endpoints: form and JSON POSTs and GETs with bounded response bodies.
 * Failures become {@link CloudCredentialException}s that name the method, the URL without its
 * query, the status and the OAuth2 {@code error} of the body, never a request body or header.
 */
final class GoogleHttp {
  /** Limit for token and error bodies; real ones are a few KiB. */
  static final int BODY_LIMIT = 1024 * 1024;

  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ERROR_TEXT_LIMIT = 300;

  private final HttpClient http;

  GoogleHttp(HttpClient http) {
    this.http = http;
  }

  /** Sends an {@code application/x-www-form-urlencoded} POST and returns the JSON body. */
  JsonNode postForm(
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
  JsonNode postJson(String action, URI uri, Object body, Map<String, String> headers, String hint) {
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
  byte[] get(String action, URI uri, Map<String, String> headers, String hint) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET();
    headers.forEach(request::header);
    return send(action, "GET", uri, request.build(), hint);
  }

  static JsonNode parse(String action, URI uri, byte[] body) {
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

  /** Returns a required non-empty text field, or throws naming the field, never its value. */
  static String requiredText(JsonNode root, String field, String where) {
    JsonNode node = root.get(field);
    if (node == null || !node.isTextual() || node.asText().isEmpty()) {
      throw new CloudCredentialException(where + ": missing field " + field, false);
    }
    return node.asText();
  }

  /** Returns an optional text field, or null. */
  static String optionalText(JsonNode root, String field) {
    JsonNode node = root == null ? null : root.get(field);
    return node != null && node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
  }

  /**
   * Reads an OAuth2 token response: {@code access_token} and {@code expires_in} in seconds (one
   * hour when missing, the lifetime Google documents for its access tokens).
   */
  static ExpiringToken accessToken(JsonNode root, Instant now, String where) {
    String token = requiredText(root, "access_token", where);
    JsonNode expiresIn = root.get("expires_in");
    long seconds = 3600;
    if (expiresIn != null && expiresIn.canConvertToLong() && expiresIn.asLong() > 0) {
      seconds = expiresIn.asLong();
    }
    return new ExpiringToken(token, now.plusSeconds(seconds));
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

  /**
   * Returns the error code and description of an OAuth2 error body ({@code error}, {@code
   * error_description}) or of a Google API error ({@code error.status}, {@code error.message}),
   * shortened, or an empty string for anything else.
   */
  static String errorDetail(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      return "";
    }
    if (root == null || !root.isObject()) {
      return "";
    }
    JsonNode error = root.get("error");
    String text;
    if (error != null && error.isObject()) {
      text = join(optionalText(error, "status"), optionalText(error, "message"));
    } else {
      text = join(optionalText(root, "error"), optionalText(root, "error_description"));
    }
    return text.length() > ERROR_TEXT_LIMIT ? text.substring(0, ERROR_TEXT_LIMIT) + "…" : text;
  }

  private static String join(String code, String description) {
    if (code == null) {
      return description == null ? "" : description;
    }
    return description == null ? code : code + ": " + description;
  }

  static String withoutQuery(URI uri) {
    String text = uri.toString();
    int query = text.indexOf('?');
    return query < 0 ? text : text.substring(0, query);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
