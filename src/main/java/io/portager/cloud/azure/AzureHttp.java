package io.portager.cloud.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portager.cloud.CloudCredentialException;
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

/**
 * Form POSTs to Entra ID and to ACR with bounded response bodies. Failures become {@link
 * CloudCredentialException}s that name the URL without its query, the status and the error code of
 * the body, never a request body.
 */
final class AzureHttp {
  /** Limit for token and error bodies; real ones are a few KiB. */
  static final int BODY_LIMIT = 1024 * 1024;

  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ERROR_TEXT_LIMIT = 300;

  private final HttpClient http;

  AzureHttp(HttpClient http) {
    this.http = http;
  }

  /** Sends an {@code application/x-www-form-urlencoded} POST and returns the JSON body. */
  JsonNode postForm(String action, URI uri, Map<String, String> form, String hint) {
    StringJoiner body = new StringJoiner("&");
    form.forEach((name, value) -> body.add(encode(name) + "=" + encode(value)));
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    String target = "POST " + withoutQuery(uri);
    byte[] response = send(action, target, request, hint);
    try {
      JsonNode root = JSON.readTree(response);
      if (root == null || !root.isObject()) {
        throw new IOException("not a JSON object");
      }
      return root;
    } catch (IOException e) {
      throw new CloudCredentialException(action + ": invalid JSON response from " + target, true);
    }
  }

  /** Returns a required non-empty text field, or throws naming the field, never its value. */
  static String requiredText(JsonNode root, String field, String where) {
    JsonNode node = root.get(field);
    if (node == null || !node.isTextual() || node.asText().isEmpty()) {
      throw new CloudCredentialException(where + ": response has no field " + field, true);
    }
    return node.asText();
  }

  private byte[] send(String action, String target, HttpRequest request, String hint) {
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
   * Returns the error of an Entra ID body ({@code error}, {@code error_description}) or of an ACR
   * body ({@code errors[0].code}, {@code errors[0].message}), shortened, or an empty string.
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
    String text;
    JsonNode errors = root.get("errors");
    if (errors != null && errors.isArray() && errors.size() > 0) {
      text = join(text(errors.get(0), "code"), text(errors.get(0), "message"));
    } else {
      text = join(text(root, "error"), text(root, "error_description"));
    }
    return text.length() > ERROR_TEXT_LIMIT ? text.substring(0, ERROR_TEXT_LIMIT) + "…" : text;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
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
