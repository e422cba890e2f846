package io.portager.registry;

/** What the client presents to a registry or its token server. */
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
}
