package io.portager.registry;

/**
 * What the client presents to a registry or its token server. Every {@code toString} hides the
 * secret part, so a credential may appear in a log line or a message.
 */
public sealed interface Credential {
  /** No credentials: anonymous tokens only. */
  record Anonymous() implements Credential {}

  /** A username and password, sent as Basic auth to the registry or the token realm. */
  record Basic(String username, String password) implements Credential {
    @Override
    public String toString() {
      return "Basic[username=" + username + "]";
    }
  }

  /**
   * An OAuth2 refresh token, the {@code identitytoken} of a docker config entry. The client trades
   * it at the token realm for access tokens with a {@code grant_type=refresh_token} POST.
   */
  record IdentityToken(String refreshToken) implements Credential {
    @Override
    public String toString() {
      return "IdentityToken[hidden]";
    }
  }
}
