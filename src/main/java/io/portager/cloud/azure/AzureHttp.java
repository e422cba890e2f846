package io.portager.cloud.azure;

import com.fasterxml.jackson.databind.JsonNode;
import io.portager.cloud.CloudCredentialException;
import io.portager.cloud.CloudHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;

/**
 * Form POSTs to Entra ID and to ACR through {@link CloudHttp}, and the reading of their error
 * bodies.
 */
final class AzureHttp {
  private final CloudHttp http;

  AzureHttp(HttpClient http) {
    this.http = new CloudHttp(http, AzureHttp::errorText);
  }

  /** Sends an {@code application/x-www-form-urlencoded} POST and returns the JSON body. */
  JsonNode postForm(String action, URI uri, Map<String, String> form, String hint) {
    return http.postForm(action, uri, form, Map.of(), hint);
  }

  /** Returns a required non-empty text field, or throws naming the field, never its value. */
  static String requiredText(JsonNode root, String field, String where) {
    String text = CloudHttp.optionalText(root, field);
    if (text == null) {
      throw new CloudCredentialException(where + ": response has no field " + field, true);
    }
    return text;
  }

  /**
   * Returns the error of an Entra ID body ({@code error}, {@code error_description}) or of an ACR
   * body ({@code errors[0].code}, {@code errors[0].message}).
   */
  static String errorText(JsonNode root) {
    JsonNode errors = root.get("errors");
    if (errors != null && errors.isArray() && errors.size() > 0) {
      JsonNode first = errors.get(0);
      return CloudHttp.join(
          CloudHttp.optionalText(first, "code"), CloudHttp.optionalText(first, "message"));
    }
    return CloudHttp.join(
        CloudHttp.optionalText(root, "error"), CloudHttp.optionalText(root, "error_description"));
  }
}
