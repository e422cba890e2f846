package io.portager.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Requests bearer tokens from a token realm (distribution's token authentication spec and its
 * OAuth2 variant). A Basic or anonymous credential sends {@code GET
 * <realm>?service=S&scope=A&scope=B} with Basic auth when there is a password. An identity token
 * sends the OAuth2 form {@code POST <realm>} with {@code grant_type=refresh_token}, and falls back
 * to the GET when the realm answers 404 or 405, because not every token server implements the POST.
 */
final class TokenFetcher {
  /** Limit for token responses; real tokens are a few KiB. */
  static final int TOKEN_BODY_LIMIT = 1024 * 1024;

  /** Token lifetime when the response has no {@code expires_in}, per the token spec. */
  static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);

  /** The {@code client_id} of OAuth2 token requests, a required field of distribution's form. */
  static final String CLIENT_ID = "portager";

  /**
   * The user name Docker pairs with an identity token. Token servers without the OAuth2 POST accept
   * the identity token as this user's password.
   */
  static final String IDENTITY_TOKEN_USER = "<token>";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Transport transport;

  TokenFetcher(Transport transport) {
    this.transport = transport;
  }

  /**
   * A token response: the access token, its expiry and any new refresh token; toString hides both.
   */
  record Grant(String accessToken, Instant expiresAt, String refreshToken) {
    @Override
    public String toString() {
      return "Grant[expiresAt=" + expiresAt + "]";
    }
  }

  /**
   * Fetches a token for {@code scopes} (in order, because some registries read only the first).
   * Throws RegistryException naming the realm without its query, never the credential.
   */
  Grant fetch(URI realm, String service, List<String> scopes, Credential credential, Instant now) {
    String action = "fetch token for " + String.join(" ", scopes);
    HttpResponse<InputStream> response;
    if (credential instanceof Credential.IdentityToken identity) {
      response = post(action, realm, refreshForm(identity.refreshToken(), service, scopes));
      if (response.statusCode() == 404 || response.statusCode() == 405) {
        Responses.discard(response);
        Credential basic = new Credential.Basic(IDENTITY_TOKEN_USER, identity.refreshToken());
        response = get(action, realm, service, scopes, Authenticator.basicHeader(basic));
      }
    } else {
      response = get(action, realm, service, scopes, Authenticator.basicHeader(credential));
      if (credential instanceof Credential.Basic basic && isMissingMethod(response)) {
        Responses.discard(response);
        response = post(action, realm, passwordForm(basic, service, scopes));
      }
    }
    if (response.statusCode() != 200) {
      throw Responses.failure(action, response);
    }
    byte[] body = Responses.readBounded(response, TOKEN_BODY_LIMIT, action);
    return parse(body, now, action + ": " + Responses.describe(response));
  }

  private static boolean isMissingMethod(HttpResponse<InputStream> response) {
    return response.statusCode() == 404 || response.statusCode() == 405;
  }

  private HttpResponse<InputStream> get(
      String action, URI realm, String service, List<String> scopes, String authorization) {
    StringJoiner query = new StringJoiner("&");
    if (service != null) {
      query.add("service=" + encode(service));
    }
    scopes.forEach(scope -> query.add("scope=" + encode(scope)));
    String separator = realm.getRawQuery() == null ? "?" : "&";
    URI uri = URI.create(realm + (query.length() == 0 ? "" : separator + query));
    return transport.send(
        action, Call.get(uri, Map.of("Accept", "application/json")), authorization);
  }

  // The form carries the secret in the body, so the call is never logged with it: Call.describe
  // and Responses name the method and the URL only.
  private HttpResponse<InputStream> post(String action, URI realm, Map<String, String> form) {
    StringJoiner body = new StringJoiner("&");
    form.forEach((name, value) -> body.add(encode(name) + "=" + encode(value)));
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    Call call =
        new Call(
            "POST",
            realm,
            Map.of(
                "Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json"),
            () -> BodyPublishers.ofByteArray(bytes),
            true,
            false,
            Call.DEFAULT_TIMEOUT);
    return transport.send(action, call, null);
  }

  private static Map<String, String> refreshForm(
      String refreshToken, String service, List<String> scopes) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", refreshToken);
    return withCommonFields(form, service, scopes);
  }

  private static Map<String, String> passwordForm(
      Credential.Basic basic, String service, List<String> scopes) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "password");
    form.put("username", basic.username());
    form.put("password", basic.password());
    return withCommonFields(form, service, scopes);
  }

  // OAuth2 joins scopes with spaces in one field (RFC 6749 section 3.3).
  private static Map<String, String> withCommonFields(
      Map<String, String> form, String service, List<String> scopes) {
    if (service != null) {
      form.put("service", service);
    }
    if (!scopes.isEmpty()) {
      form.put("scope", String.join(" ", scopes));
    }
    form.put("client_id", CLIENT_ID);
    return form;
  }

  static Grant parse(byte[] body, Instant now, String where) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new RegistryException(0, null, where + ": invalid token response JSON", null, false);
    }
    String token = textField(root, "token");
    if (token == null) {
      token = textField(root, "access_token");
    }
    if (token == null) {
      throw new RegistryException(
          0, null, where + ": token response has neither token nor access_token", null, false);
    }
    Duration lifetime = DEFAULT_TOKEN_LIFETIME;
    JsonNode expiresIn = root == null ? null : root.get("expires_in");
    if (expiresIn != null && expiresIn.canConvertToLong() && expiresIn.asLong() > 0) {
      lifetime = Duration.ofSeconds(expiresIn.asLong());
    }
    Instant issued = issuedAt(textField(root, "issued_at"), now, lifetime);
    return new Grant(token, issued.plus(lifetime), textField(root, "refresh_token"));
  }

  /**
   * Returns when the token was issued: {@code issued_at} when it is in the past but recent enough
   * that the token is still valid, else {@code now}. A server clock ahead of ours, or one so far
   * behind that every token would look expired, is ignored rather than trusted.
   */
  private static Instant issuedAt(String issuedAt, Instant now, Duration lifetime) {
    if (issuedAt == null) {
      return now;
    }
    Instant issued;
    try {
      issued = OffsetDateTime.parse(issuedAt).toInstant();
    } catch (DateTimeParseException e) {
      return now;
    }
    boolean plausible = !issued.isAfter(now) && issued.plus(lifetime).isAfter(now);
    return plausible ? issued : now;
  }

  private static String textField(JsonNode root, String name) {
    JsonNode node = root == null ? null : root.get(name);
    return node != null && node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
