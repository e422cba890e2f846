package io.portager.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/** Serves {@code /metrics} from a registry with the Prometheus client's HTTP server. */
public final class MetricsServer implements AutoCloseable {
  private final HTTPServer server;

  private MetricsServer(HTTPServer server) {
    this.server = server;
  }

  /**
   * Starts serving on {@code address}; a wildcard address listens on all interfaces and port 0
   * picks a free port. Throws UncheckedIOException when the port cannot be bound.
   */
  public static MetricsServer start(InetSocketAddress address, PrometheusRegistry registry) {
    try {
      return new MetricsServer(
          HTTPServer.builder()
              .inetAddress(address.getAddress())
              .port(address.getPort())
              .registry(registry)
              .buildAndStart());
    } catch (IOException e) {
      throw new UncheckedIOException("start metrics server on " + address + ": " + e, e);
    }
  }

  /** Returns the port the server listens on. */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
