package io.portager.registry;

/** The operator's registry clients, one per endpoint, created on first use. Thread-safe. */
public final class Registries {
  public RegistryClient client(RegistryEndpoint endpoint) {
    throw new UnsupportedOperationException("TODO");
  }
}
