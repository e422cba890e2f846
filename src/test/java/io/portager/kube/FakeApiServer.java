package io.portager.kube;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A scripted API server on 127.0.0.1 for unit tests. Each request is recorded, then the handler
 * returns the response, which may stream its body in chunks.
 */
final class FakeApiServer implements AutoCloseable {
  /** A request as the server saw it. */
  record Request(
      String method, String path, String query, Map<String, List<String>> headers, String body) {
    String header(String name) {
      for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
        if (entry.getKey().equalsIgnoreCase(name)) {
          return entry.getValue().get(0);
        }
      }
      return null;
    }

    boolean hasQueryParameter(String pair) {
      return query != null && List.of(query.split("&")).contains(pair);
    }
  }

  /**
   * A scripted response. With {@code chunks}, the body is sent chunked, one flush per chunk with
   * {@code chunkDelayMillis} between them, and then held open for {@code holdOpenMillis}.
   */
  record Response(
      int status,
      Map<String, String> headers,
      List<String> chunks,
      boolean chunked,
      long chunkDelayMillis,
      long holdOpenMillis) {
    static Response json(int status, String body) {
      return new Response(
          status, Map.of("Content-Type", "application/json"), List.of(body), false, 0, 0);
    }

    static Response status(int code, String reason, String message) {
      String body =
          "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\""
              + message
              + "\",\"reason\":\""
              + reason
              + "\",\"code\":"
              + code
              + "}";
      return json(code, body);
    }

    static Response stream(List<String> chunks, long chunkDelayMillis, long holdOpenMillis) {
      return new Response(
          200,
          Map.of("Content-Type", "application/json"),
          chunks,
          true,
          chunkDelayMillis,
          holdOpenMillis);
    }

    Response withHeader(String name, String value) {
      Map<String, String> merged = new java.util.HashMap<>(headers);
      merged.put(name, value);
      return new Response(status, merged, chunks, chunked, chunkDelayMillis, holdOpenMillis);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Request> requests = new ArrayList<>();
  private volatile Function<Request, Response> handler =
      request -> Response.status(500, "InternalError", "no handler");

  FakeApiServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::serve);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  void handle(Function<Request, Response> handler) {
    this.handler = handler;
  }

  /** Serves {@code responses} in order, then 500 for every later request. */
  void script(Response... responses) {
    List<Response> queue = new ArrayList<>(List.of(responses));
    handle(
        request -> {
          synchronized (queue) {
            return queue.isEmpty()
                ? Response.status(500, "InternalError", "script exhausted")
                : queue.remove(0);
          }
        });
  }

  List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  Request lastRequest() {
    List<Request> all = requests();
    return all.get(all.size() - 1);
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Request request =
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath(),
              exchange.getRequestURI().getRawQuery(),
              Map.copyOf(exchange.getRequestHeaders()),
              body);
      synchronized (requests) {
        requests.add(request);
      }
      respond(exchange, handler.apply(request));
    }
  }

  private static void respond(HttpExchange exchange, Response response) throws IOException {
    response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    if (!response.chunked()) {
      byte[] bytes = String.join("", response.chunks()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
      exchange.getResponseBody().write(bytes);
      return;
    }
    exchange.sendResponseHeaders(response.status(), 0);
    OutputStream out = exchange.getResponseBody();
    for (String chunk : response.chunks()) {
      out.write(chunk.getBytes(StandardCharsets.UTF_8));
      out.flush();
      sleep(response.chunkDelayMillis());
    }
    sleep(response.holdOpenMillis());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
