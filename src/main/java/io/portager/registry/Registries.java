package io.portager.registry;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The operator's registry clients, one per endpoint, created on first use. Thread-safe. */
public final class Registries {
  private final Clock clock;
  private final RegistrySettings settings;
  private final Map<RegistryEndpoint, RegistryClient> clients = new ConcurrentHashMap<>();

  /** Creates clients that read time from the system clock. */
  public Registries() {
    this(Clock.systemUTC());
  }

  public Registries(Clock clock) {
    this(clock, RegistrySettings.DEFAULT);
  }

  /** Creates clients that each apply {@code settings} to their endpoint. */
  public Registries(Clock clock, RegistrySettings settings) {
    this.clock = clock;
    this.settings = settings;
  }

  /**
   * Returns the client for {@code endpoint}. The same host with different transport settings gets a
   * separate client, so a TLS exception for one ImageSync never weakens another.
   */
  public RegistryClient client(RegistryEndpoint endpoint) {
    return clients.computeIfAbsent(endpoint, key -> new RegistryClient(key, clock, settings));
  }
}
