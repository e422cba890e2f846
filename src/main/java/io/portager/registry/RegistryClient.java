package io.portager.registry;

/**
 * A long-lived client for one registry endpoint: one HttpClient and one token cache, shared by
 * every repository and credential used against that host. Thread-safe.
 */
public final class RegistryClient {
  public RegistryClient(RegistryEndpoint endpoint) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Returns a handle for one repository, authenticated with {@code credential}. */
  public Repository repository(String repository, Credential credential) {
    throw new UnsupportedOperationException("TODO");
  }
}
