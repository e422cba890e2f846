package io.portager.registry;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The operator's registry clients, one per endpoint, created on first use. Thread-safe. */
public final class Registries {
  private final Clock clock;
  private final HttpClientFactory httpClients;
  private final ClientLimits limits;
  private final RequestListener listener;
  private final Map<RegistryEndpoint, RegistryClient> clients = new ConcurrentHashMap<>();

  /** Creates clients that read time from the system clock. */
  public Registries() {
    this(Clock.systemUTC());
  }

  /** Creates clients that trust the system's CAs only and connect directly. */
  public Registries(Clock clock) {
    this(clock, RegistrySettings.defaults());
  }

  /**
   * Creates clients with the CA bundle and proxies of {@code settings}; throws
   * IllegalArgumentException when the bundle cannot be read or a proxy variable is invalid.
   */
  public Registries(Clock clock, RegistrySettings settings) {
    this(clock, settings, RequestListener.NONE);
  }

  /** Creates clients as above that report every HTTP exchange to {@code listener}. */
  public Registries(Clock clock, RegistrySettings settings, RequestListener listener) {
    this.clock = clock;
    this.httpClients = HttpClientFactory.of(settings, clock);
    this.limits = settings.limits();
    this.listener = listener;
  }

  /** Returns the clients created so far, one per endpoint. */
  public List<RegistryClient> clients() {
    return List.copyOf(clients.values());
  }

  /**
   * Returns the client for {@code endpoint}. The same host with different transport settings gets a
   * separate client, so a TLS exception for one ImageSync never weakens another.
   */
  public RegistryClient client(RegistryEndpoint endpoint) {
    return clients.computeIfAbsent(
        endpoint,
        key ->
            new RegistryClient(
                key,
                clock,
                limits,
                RetryPolicy.DEFAULT,
                RetryPolicy.Sleeper.REAL,
                httpClients,
                listener));
  }
}
