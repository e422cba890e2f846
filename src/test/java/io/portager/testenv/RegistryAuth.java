package io.portager.testenv;

import java.util.Map;

/** How an {@link OciRegistry} authenticates clients. */
public sealed interface RegistryAuth {
  /** Anyone may pull and push. */
  record None() implements RegistryAuth {}

  /**
   * Basic auth against an htpasswd file with bcrypt entries; every user may pull and push
   * everything.
   */
  record Htpasswd(Map<String, String> users, String realm) implements RegistryAuth {
    public Htpasswd {
      users = Map.copyOf(users);
    }

    @Override
    public String toString() {
      return "Htpasswd[users=" + users.keySet() + ", realm=" + realm + "]";
    }
  }

  /** Bearer tokens from a {@link TokenServer}, which decides who may pull and push. */
  record Token(TokenServer server) implements RegistryAuth {}

  static RegistryAuth none() {
    return new None();
  }

  static RegistryAuth htpasswd(Map<String, String> users) {
    return new Htpasswd(users, "portager-test-registry");
  }

  static RegistryAuth token(TokenServer server) {
    return new Token(server);
  }
}
