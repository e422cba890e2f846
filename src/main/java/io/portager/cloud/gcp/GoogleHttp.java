package io.portager.cloud.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.portager.cloud.CloudCredentialException;
import io.portager.cloud.CloudHttp;
import io.portager.cloud.ExpiringToken;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.Map;

/**
 * Calls to Google's token endpoints through {@link CloudHttp}, and the reading of Google's token
 * responses and error bodies.
 */
final class GoogleHttp {
  private final CloudHttp http;

  GoogleHttp(HttpClient http) {
    this.http = new CloudHttp(http, GoogleHttp::errorText);
  }

  /** Sends an {@code application/x-www-form-urlencoded} POST and returns the JSON body. */
  JsonNode postForm(
      String action, URI uri, Map<String, String> form, Map<String, String> headers, String hint) {
    return http.postForm(action, uri, form, headers, hint);
  }

  /** Sends a JSON POST and returns the JSON body. */
  JsonNode postJson(String action, URI uri, Object body, Map<String, String> headers, String hint) {
    return http.postJson(action, uri, body, headers, hint);
  }

  /** Sends a GET and returns the body. */
  byte[] get(String action, URI uri, Map<String, String> headers, String hint) {
    return http.get(action, uri, headers, hint);
  }

  static JsonNode parse(String action, URI uri, byte[] body) {
    return CloudHttp.parse(action, uri, body);
  }

  /** Returns a required non-empty text field, or throws naming the field, never its value. */
  static String requiredText(JsonNode root, String field, String where) {
    String text = CloudHttp.optionalText(root, field);
    if (text == null) {
      throw new CloudCredentialException(where + ": missing field " + field, false);
    }
    return text;
  }

  /** Returns an optional text field, or null. */
  static String optionalText(JsonNode root, String field) {
    return CloudHttp.optionalText(root, field);
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

  /**
   * Returns the error code and description of an OAuth2 error body ({@code error}, {@code
   * error_description}) or of a Google API error ({@code error.status}, {@code error.message}).
   */
  static String errorText(JsonNode root) {
    JsonNode error = root.get("error");
    if (error != null && error.isObject()) {
      return CloudHttp.join(optionalText(error, "status"), optionalText(error, "message"));
    }
    return CloudHttp.join(optionalText(root, "error"), optionalText(root, "error_description"));
  }

  static String withoutQuery(URI uri) {
    return CloudHttp.withoutQuery(uri);
  }
}
