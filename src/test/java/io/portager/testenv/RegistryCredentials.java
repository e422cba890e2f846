package io.portager.testenv;

/**
 * A user name and password for a registry, or anonymous access when both are empty. {@link
 * #toString()} never shows the password.
 */
public record RegistryCredentials(String username, String password) {
  private static final RegistryCredentials ANONYMOUS = new RegistryCredentials("", "");

  public RegistryCredentials {
    if (username.isEmpty() != password.isEmpty()) {
      throw new IllegalArgumentException(
          "registry credentials: user name and password must both be set or both be empty");
    }
    if (username.contains(":")) {
      throw new IllegalArgumentException("registry credentials: user name contains ':'");
    }
  }

  public static RegistryCredentials anonymous() {
    return ANONYMOUS;
  }

  public static RegistryCredentials of(String username, String password) {
    return new RegistryCredentials(username, password);
  }

  public boolean isAnonymous() {
    return username.isEmpty();
  }

  /** Returns {@code user:password}, the form skopeo's {@code --creds} expects. */
  public String colonForm() {
    return username + ":" + password;
  }

  @Override
  public String toString() {
    return isAnonymous()
        ? "RegistryCredentials[anonymous]"
        : "RegistryCredentials[" + username + "]";
  }
}
