package io.portager.registry;

import io.portager.log.Log;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a registry's challenge and a credential into an {@code Authorization} header: Basic sent as
 * is, Bearer by fetching a token from the challenge's realm (distribution's token authentication
 * spec). One per registry endpoint.
 *
 * <p>Mutable state, each in a ConcurrentHashMap or a volatile reference replaced whole: the last
 * challenge, the token cache, the newest refresh token per identity token, and the realms already
 * warned about. Two threads that miss the cache together both fetch a token and the later one wins,
 * which costs a request and breaks nothing.
 */
final class Authenticator {
  private static final Duration MAX_REFRESH_MARGIN = Duration.ofSeconds(30);
  private static final Log LOG = Log.get("registry");

  private final RegistryEndpoint endpoint;
  private final TokenFetcher fetcher;
  private final Clock clock;
  private final byte[] fingerprintKey = new byte[32];
  private final Map<TokenKey, Token> tokens = new ConcurrentHashMap<>();
  private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
  private final Set<String> warnedRealms = ConcurrentHashMap.newKeySet();
  private volatile Challenge challenge;

  Authenticator(RegistryEndpoint endpoint, Transport transport, Clock clock) {
    this.endpoint = endpoint;
    this.fetcher = new TokenFetcher(transport);
    this.clock = clock;
    new SecureRandom().nextBytes(fingerprintKey);
  }

  /**
   * Returns the Authorization header for a request needing {@code scope}, or null before the
   * registry has sent a challenge or when there is nothing to send.
   */
  String authorization(Credential credential, String scope) {
    return authorization(credential, List.of(scope));
  }

  /**
   * Returns the Authorization header for a request needing all of {@code scopes}, or null before
   * the registry has sent a challenge or when there is nothing to send. The scopes are requested in
   * the given order, because some registries read only the first: a cross-repository mount asks for
   * {@code repository:DST:pull,push} first and {@code repository:SRC:pull} second.
   */
  String authorization(Credential credential, List<String> scopes) {
    Challenge current = challenge;
    if (current == null) {
      return null;
    }
    return switch (current.scheme()) {
      case BASIC -> basicHeader(credential);
      case BEARER -> bearerToken(current, credential, List.copyOf(scopes));
    };
  }

  /**
   * Records the challenge of a 401 response and drops the token that was rejected, so the next
   * {@link #authorization} fetches a fresh one.
   */
  void challenged(String wwwAuthenticate, String rejectedAuthorization, String action) {
    challenged(wwwAuthenticate, rejectedAuthorization, action, List.of());
  }

  /**
   * Records the challenge of a 401 response, drops the token that was rejected and returns the
   * scopes to ask for next: {@code scopes}, with the scopes of an {@code insufficient_scope}
   * challenge that are missing from it added at the front (RFC 6750 section 3.1).
   */
  List<String> challenged(
      String wwwAuthenticate, String rejectedAuthorization, String action, List<String> scopes) {
    Challenge parsed;
    try {
      parsed = Challenge.preferred(Challenge.parse(wwwAuthenticate));
    } catch (IllegalArgumentException e) {
      throw new RegistryException(401, null, action + ": " + e.getMessage(), e, false);
    }
    challenge = parsed;
    if (rejectedAuthorization != null) {
      tokens.values().removeIf(token -> token.header().equals(rejectedAuthorization));
    }
    return withMissingScopes(parsed, scopes);
  }

  private static List<String> withMissingScopes(Challenge challenge, List<String> scopes) {
    String requested = challenge.parameter("scope");
    if (!"insufficient_scope".equals(challenge.parameter("error")) || requested == null) {
      return scopes;
    }
    List<String> result = new ArrayList<>();
    for (String scope : requested.trim().split(" +")) {
      if (!scope.isEmpty() && !scopes.contains(scope) && !result.contains(scope)) {
        result.add(scope);
      }
    }
    result.addAll(scopes);
    return List.copyOf(result);
  }

  private String bearerToken(Challenge current, Credential credential, List<String> scopes) {
    TokenKey key =
        new TokenKey(
            current.parameter("realm"),
            current.parameter("service"),
            scopes,
            fingerprint(credential));
    Instant now = clock.instant();
    Token cached = tokens.get(key);
    if (cached != null && now.isBefore(cached.refreshAt())) {
      return cached.header();
    }
    Token fresh = fetchToken(key, credential, now);
    tokens.put(key, fresh);
    return fresh.header();
  }

  private Token fetchToken(TokenKey key, Credential credential, Instant now) {
    String action = "fetch token for " + String.join(" ", key.scopes());
    URI realm = checkedRealm(key.realm(), action);
    Credential sent = mayReceiveCredentials(realm) ? withNewestRefreshToken(credential) : null;
    if (sent == null) {
      warnOnce(realm, credential);
      sent = new Credential.Anonymous();
    }

    TokenFetcher.Grant grant = fetcher.fetch(realm, key.service(), key.scopes(), sent, now);
    if (grant.refreshToken() != null && sent instanceof Credential.IdentityToken) {
      refreshTokens.put(key.credential(), grant.refreshToken());
    }
    Duration lifetime = Duration.between(now, grant.expiresAt());
    Instant refreshAt = grant.expiresAt().minus(refreshMargin(lifetime));
    return new Token("Bearer " + grant.accessToken(), refreshAt);
  }

  // A token server may rotate the refresh token on every use, so the newest one it returned for
  // this identity token is sent instead of the one from the Secret.
  private Credential withNewestRefreshToken(Credential credential) {
    if (credential instanceof Credential.IdentityToken) {
      String newest = refreshTokens.get(fingerprint(credential));
      return newest == null ? credential : new Credential.IdentityToken(newest);
    }
    return credential;
  }

  private static URI checkedRealm(String value, String action) {
    URI realm;
    try {
      realm = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(0, null, action + ": invalid token realm", e, false);
    }
    String scheme = realm.getScheme() == null ? "" : realm.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http") || realm.getHost() == null) {
      throw new RegistryException(
          0,
          null,
          action
              + ": invalid token realm "
              + Responses.withoutQuery(realm)
              + ", want an http(s) URL",
          null,
          false);
    }
    return realm;
  }

  /**
   * Checks whether the registry's credentials may go to {@code realm}: over https, or to the
   * registry's own host, so that a challenge cannot send them unencrypted to a third party.
   */
  private boolean mayReceiveCredentials(URI realm) {
    if (realm.getScheme().equalsIgnoreCase("https")) {
      return true;
    }
    return realm.getHost().equalsIgnoreCase(URI.create("//" + endpoint.host()).getHost());
  }

  private void warnOnce(URI realm, Credential credential) {
    if (credential instanceof Credential.Anonymous) {
      return;
    }
    String where = Responses.withoutQuery(realm);
    if (warnedRealms.add(where)) {
      LOG.warn(
          "token_realm_insecure",
          "registry",
          endpoint.host(),
          "realm",
          where,
          "action",
          "requesting tokens anonymously, because the realm is plain http on another host");
    }
  }

  // Refresh a token before it expires, so a request does not leave with a token that lapses on
  // the way: half the lifetime for short tokens, at most 30 seconds early.
  private static Duration refreshMargin(Duration lifetime) {
    Duration half = lifetime.dividedBy(2);
    return half.compareTo(MAX_REFRESH_MARGIN) < 0 ? half : MAX_REFRESH_MARGIN;
  }

  /**
   * Returns a keyed hash of the credential, so the token cache separates credentials without
   * holding a secret in a key that could be printed. The key is random per instance, so the hash of
   * a weak password cannot be looked up in a precomputed table either.
   */
  // Java 17 has no pattern matching in switch, so the sealed Credential is matched with
  // instanceof. A new Credential type must be added here and in basicHeader.
  String fingerprint(Credential credential) {
    String identity;
    if (credential instanceof Credential.Basic basic) {
      identity = "basic\0" + basic.username() + "\0" + basic.password();
    } else if (credential instanceof Credential.IdentityToken token) {
      identity = "identitytoken\0" + token.refreshToken();
    } else {
      return "anonymous";
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(fingerprintKey, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(identity.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("hash credential: HmacSHA256 unavailable", e);
    }
  }

  /**
   * Returns the Basic header for a Basic credential. An identity token is only ever traded at the
   * token realm, so it has no Basic form here, and anonymous sends nothing.
   */
  static String basicHeader(Credential credential) {
    if (credential instanceof Credential.Basic basic) {
      byte[] pair = (basic.username() + ":" + basic.password()).getBytes(StandardCharsets.UTF_8);
      return "Basic " + Base64.getEncoder().encodeToString(pair);
    }
    return null;
  }

  /** Cache key; {@code credential} is a {@link #fingerprint}, never the secret itself. */
  private record TokenKey(String realm, String service, List<String> scopes, String credential) {}

  /** A cached Authorization value and when to fetch a new one; toString hides the token. */
  private record Token(String header, Instant refreshAt) {
    @Override
    public String toString() {
      return "Token[refreshAt=" + refreshAt + "]";
    }
  }
}
