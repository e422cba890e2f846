package io.portager.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a registry's challenge and a credential into an {@code Authorization} header: Basic sent as
 * is, Bearer by fetching a token from the challenge's realm (distribution's token authentication
 * spec). One per registry endpoint.
 *
 * <p>Mutable state: the last challenge (a volatile reference, replaced whole) and the token cache
 * (a ConcurrentHashMap). Two threads that miss the cache together both fetch a token and the later
 * one wins, which costs a request and breaks nothing.
 */
final class Authenticator {
  /** Limit for token responses; real tokens are a few KiB. */
  static final int TOKEN_BODY_LIMIT = 1024 * 1024;

  /** Token lifetime when the response has no {@code expires_in}, per the token spec. */
  static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);

  private static final Duration MAX_REFRESH_MARGIN = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryEndpoint endpoint;
  private final Transport transport;
  private final Clock clock;
  private final Map<TokenKey, Token> tokens = new ConcurrentHashMap<>();
  private volatile Challenge challenge;

  Authenticator(RegistryEndpoint endpoint, Transport transport, Clock clock) {
    this.endpoint = endpoint;
    this.transport = transport;
    this.clock = clock;
  }

  /**
   * Returns the Authorization header for a request needing {@code scope}, or null before the
   * registry has sent a challenge or when there is nothing to send.
   */
  String authorization(Credential credential, String scope) {
    Challenge current = challenge;
    if (current == null) {
      return null;
    }
    return switch (current.scheme()) {
      case BASIC -> basicHeader(credential);
      case BEARER -> bearerToken(current, credential, scope);
    };
  }

  /**
   * Records the challenge of a 401 response and drops the token that was rejected, so the next
   * {@link #authorization} fetches a fresh one.
   */
  void challenged(String wwwAuthenticate, String rejectedAuthorization, String action) {
    try {
      challenge = Challenge.preferred(Challenge.parse(wwwAuthenticate));
    } catch (IllegalArgumentException e) {
      throw new RegistryException(401, null, action + ": " + e.getMessage(), e, false);
    }
    if (rejectedAuthorization != null) {
      tokens.values().removeIf(token -> token.header().equals(rejectedAuthorization));
    }
  }

  private String bearerToken(Challenge current, Credential credential, String scope) {
    TokenKey key =
        new TokenKey(current.parameter("realm"), current.parameter("service"), scope, credential);
    Instant now = clock.instant();
    Token cached = tokens.get(key);
    if (cached != null && now.isBefore(cached.refreshAt())) {
      return cached.header();
    }
    Token fresh = fetchToken(key, now);
    tokens.put(key, fresh);
    return fresh.header();
  }

  private Token fetchToken(TokenKey key, Instant now) {
    String action = "fetch token for " + key.scope();
    URI realm = checkedRealm(key, action);
    URI uri = URI.create(realm + (realm.getRawQuery() == null ? "?" : "&") + tokenQuery(key));
    Call call = Call.get(uri, Map.of("Accept", "application/json"));

    HttpResponse<InputStream> response =
        transport.send(action, call, basicHeader(key.credential()));
    if (response.statusCode() != 200) {
      throw Responses.failure(action, response);
    }
    byte[] body = Responses.readBounded(response, TOKEN_BODY_LIMIT, action);
    return parseToken(body, now, action + ": " + Responses.describe(response));
  }

  // A Basic credential goes to the realm only over https, or over http when the registry itself
  // is plain http, so that a challenge cannot send passwords to an unencrypted third party.
  private URI checkedRealm(TokenKey key, String action) {
    URI realm;
    try {
      realm = URI.create(key.realm());
    } catch (IllegalArgumentException e) {
      throw new RegistryException(0, null, action + ": invalid token realm", e, false);
    }
    String scheme = realm.getScheme() == null ? "" : realm.getScheme();
    if (!scheme.equals("https") && !scheme.equals("http") || realm.getHost() == null) {
      throw new RegistryException(
          0,
          null,
          action + ": invalid token realm " + key.realm() + ", want an http(s) URL",
          null,
          false);
    }
    boolean sendsPassword = key.credential() instanceof Credential.Basic;
    if (sendsPassword && scheme.equals("http") && !endpoint.plainHttp()) {
      throw new RegistryException(
          0,
          null,
          action
              + ": token realm "
              + Responses.withoutQuery(realm)
              + " is plain http: refusing to send credentials, want an https realm",
          null,
          false);
    }
    return realm;
  }

  private static String tokenQuery(TokenKey key) {
    StringBuilder query = new StringBuilder();
    if (key.service() != null) {
      query.append("service=").append(encode(key.service())).append('&');
    }
    // A request may need several scopes, such as a mount's push and pull on two repositories,
    // which the token spec sends as repeated scope parameters.
    String separator = "";
    for (String scope : key.scope().split(" ")) {
      query.append(separator).append("scope=").append(encode(scope));
      separator = "&";
    }
    return query.toString();
  }

  private Token parseToken(byte[] body, Instant now, String where) {
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
    return new Token("Bearer " + token, now.plus(lifetime).minus(refreshMargin(lifetime)));
  }

  // Refresh a token before it expires, so a request does not leave with a token that lapses on
  // the way: half the lifetime for short tokens, at most 30 seconds early.
  private static Duration refreshMargin(Duration lifetime) {
    Duration half = lifetime.dividedBy(2);
    return half.compareTo(MAX_REFRESH_MARGIN) < 0 ? half : MAX_REFRESH_MARGIN;
  }

  private static String textField(JsonNode root, String name) {
    JsonNode node = root == null ? null : root.get(name);
    return node != null && node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
  }

  // Java 17 has no pattern matching in switch, so the sealed Credential is matched with
  // instanceof; a new Credential type must be added here.
  static String basicHeader(Credential credential) {
    if (credential instanceof Credential.Basic basic) {
      byte[] pair = (basic.username() + ":" + basic.password()).getBytes(StandardCharsets.UTF_8);
      return "Basic " + Base64.getEncoder().encodeToString(pair);
    }
    return null;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Cache key; {@link Credential.Basic#toString} hides the password. */
  private record TokenKey(String realm, String service, String scope, Credential credential) {}

  /** A cached Authorization value and when to fetch a new one; toString hides the token. */
  private record Token(String header, Instant refreshAt) {
    @Override
    public String toString() {
      return "Token[refreshAt=" + refreshAt + "]";
    }
  }
}
