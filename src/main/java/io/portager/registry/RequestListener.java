package io.portager.registry;

/**
 * Receives one call per HTTP exchange with a registry: redirect hops, retries and token fetches
 * each count. Called on the thread that sent the request, so an implementation must be quick and
 * thread-safe.
 */
@FunctionalInterface
public interface RequestListener {
  /** A listener that ignores every exchange. */
  RequestListener NONE = (registry, method, status) -> {};

  /**
   * Reports an exchange sent for {@code registry} (the endpoint's host[:port], also for hops to a
   * redirect target on another host) with its HTTP method and status, or status 0 when no response
   * arrived.
   */
  void exchanged(String registry, String method, int status);
}
