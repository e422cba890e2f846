package io.portager.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A read-only HTTP proxy on 127.0.0.1 in front of one registry that answers 429 with {@code
 * Retry-After} whenever more than {@code limitPerSecond} requests arrived in the last second. It
 * records when each request arrived, so a test can check the client's rate and its waits. It stops
 * accepting after {@code maxRequests}, which bounds the traffic a faulty client could send.
 */
final class ThrottlingProxy implements AutoCloseable {
  /** One request as the proxy saw it. */
  record Arrival(long nanos, String method, String path, int status) {}

  private static final Set<String> SKIPPED_HEADERS =
      Set.of("host", "connection", "content-length", "transfer-encoding", "expect", "upgrade");

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(32);
  private final HttpClient client = HttpClient.newHttpClient();
  private final String upstream;
  private final int limitPerSecond;
  private final int retryAfterSeconds;
  private final int maxRequests;

  /** Arrival times of the requests let through in the last second; guarded by this. */
  private final ArrayDeque<Long> admitted = new ArrayDeque<>();

  /** Every request, oldest first; guarded by this. */
  private final List<Arrival> arrivals = new ArrayList<>();

  private ThrottlingProxy(
      String upstream, int limitPerSecond, int retryAfterSeconds, int maxRequests)
      throws IOException {
    this.upstream = upstream;
    this.limitPerSecond = limitPerSecond;
    this.retryAfterSeconds = retryAfterSeconds;
    this.maxRequests = maxRequests;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
  }

  static ThrottlingProxy start(
      String upstreamHost, int limitPerSecond, int retryAfterSeconds, int maxRequests)
      throws IOException {
    ThrottlingProxy proxy =
        new ThrottlingProxy(
            "http://" + upstreamHost, limitPerSecond, retryAfterSeconds, maxRequests);
    proxy.server.start();
    return proxy;
  }

  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  synchronized List<Arrival> arrivals() {
    return List.copyOf(arrivals);
  }

  synchronized void clear() {
    arrivals.clear();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      long now = System.nanoTime();
      int decision = admit(now);
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().toString();
      if (decision != 0) {
        record(now, method, path, decision);
        exchange.getResponseHeaders().set("Retry-After", Integer.toString(retryAfterSeconds));
        exchange.sendResponseHeaders(decision, -1);
        return;
      }
      int status = forward(exchange, method, path);
      record(now, method, path, status);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Returns 0 to let the request through, or the status to respond with. */
  private synchronized int admit(long now) {
    if (arrivals.size() >= maxRequests) {
      return 503;
    }
    while (!admitted.isEmpty() && now - admitted.peekFirst() >= 1_000_000_000L) {
      admitted.removeFirst();
    }
    if (admitted.size() >= limitPerSecond) {
      return 429;
    }
    admitted.addLast(now);
    return 0;
  }

  private synchronized void record(long now, String method, String path, int status) {
    arrivals.add(new Arrival(now, method, path, status));
  }

  private int forward(HttpExchange exchange, String method, String path)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upstream + path));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!SKIPPED_HEADERS.contains(name.toLowerCase())) {
                values.forEach(value -> request.header(name, value));
              }
            });
    request.method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofMinutes(2));
    HttpResponse<InputStream> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    Map<String, List<String>> headers = new HashMap<>(response.headers().map());
    headers.forEach(
        (name, values) -> {
          if (!SKIPPED_HEADERS.contains(name.toLowerCase()) && !name.startsWith(":")) {
            exchange.getResponseHeaders().put(name, values);
          }
        });
    long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    boolean noBody = method.equals("HEAD") || length == 0;
    if (noBody) {
      if (method.equals("HEAD") && length > 0) {
        exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
      }
      exchange.sendResponseHeaders(response.statusCode(), -1);
      response.body().close();
      return response.statusCode();
    }
    exchange.sendResponseHeaders(response.statusCode(), length < 0 ? 0 : length);
    try (InputStream in = response.body();
        OutputStream out = exchange.getResponseBody()) {
      in.transferTo(out);
    }
    return response.statusCode();
  }
}
