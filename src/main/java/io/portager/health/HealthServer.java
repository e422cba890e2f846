package io.portager.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.portager.log.Log;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The probe endpoints: {@code /healthz} returns 200 while the process works, and {@code /readyz}
 * answers 200 once the operator is ready to serve (its informer has listed every object), else 503.
 * Both return a short plain-text reason, never internal state.
 */
public final class HealthServer implements AutoCloseable {
  private static final Log LOG = Log.get("health");

  private final HttpServer server;

  /** Starts serving on {@code address}; port 0 picks a free port. */
  public HealthServer(InetSocketAddress address, BooleanSupplier live, BooleanSupplier ready) {
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("listen on " + address + " for health probes", e);
    }
    server.createContext("/healthz", exchange -> answer(exchange, live.getAsBoolean(), "live"));
    server.createContext("/readyz", exchange -> answer(exchange, ready.getAsBoolean(), "ready"));
    server.setExecutor(Executors.newSingleThreadExecutor(HealthServer::daemon));
    server.start();
    LOG.info("health_server_started", "address", server.getAddress());
  }

  private static Thread daemon(Runnable runnable) {
    Thread thread = new Thread(runnable, "health");
    thread.setDaemon(true);
    return thread;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, boolean ok, String what) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET")
          && !exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = ((ok ? "" : "not ") + what + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(ok ? 200 : 503, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
