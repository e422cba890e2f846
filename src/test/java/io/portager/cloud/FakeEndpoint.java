package io.portager.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An HTTP server on 127.0.0.1 for fakes of cloud identity endpoints: each path has a handler, and
 * every request is recorded with its headers and body so tests can check what a client sent.
 */
public final class FakeEndpoint implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Function<Request, Response>> handlers = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  /** One received request; header names are lower case. */
  public record Request(String method, String path, Map<String, String> headers, byte[] body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** Decodes an {@code application/x-www-form-urlencoded} body; the last value of a name wins. */
    public Map<String, String> form() {
      Map<String, String> form = new LinkedHashMap<>();
      for (String pair : text().split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int equals = pair.indexOf('=');
        String name = equals < 0 ? pair : pair.substring(0, equals);
        String value = equals < 0 ? "" : pair.substring(equals + 1);
        form.put(
            URLDecoder.decode(name, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      }
      return form;
    }

    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("parse request body as JSON", e);
      }
    }
  }

  /** A response to send. */
  public record Response(int status, String contentType, byte[] body) {
    public static Response json(int status, Object body) {
      try {
        return new Response(status, "application/json", JSON.writeValueAsBytes(body));
      } catch (IOException e) {
        throw new UncheckedIOException("encode response", e);
      }
    }

    public static Response text(int status, String body) {
      return new Response(status, "text/plain", body.getBytes(StandardCharsets.UTF_8));
    }
  }

  private FakeEndpoint() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("start fake endpoint on 127.0.0.1", e);
    }
    server.createContext("/", this::dispatch);
    server.setExecutor(executor);
  }

  public static FakeEndpoint start() {
    FakeEndpoint endpoint = new FakeEndpoint();
    endpoint.server.start();
    return endpoint;
  }

  /** Serves {@code path} (exact match, without query) with {@code handler}. */
  public void handle(String path, Function<Request, Response> handler) {
    handlers.put(path, handler);
  }

  /** Returns {@code 127.0.0.1:<port>}. */
  public String hostPort() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  public URI uri(String path) {
    return URI.create("http://" + hostPort() + path);
  }

  /** Returns the requests to {@code path} so far, oldest first. */
  public List<Request> requests(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // A handler that throws (a failed check) responds 500 with the reason, so the client's error
  // message shows it.
  private static Response respond(Function<Request, Response> handler, Request request) {
    if (handler == null) {
      return Response.json(404, Map.of("error", "not_found"));
    }
    try {
      return handler.apply(request);
    } catch (RuntimeException | AssertionError e) {
      return Response.json(
          500, Map.of("error", "fake_check_failed", "error_description", String.valueOf(e)));
    }
  }

  private void dispatch(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> headers = new LinkedHashMap<>();
      exchange
          .getRequestHeaders()
          .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
      byte[] body = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      Request request = new Request(exchange.getRequestMethod(), path, Map.copyOf(headers), body);
      requests.add(request);
      Function<Request, Response> handler = handlers.get(path);
      Response response = respond(handler, request);
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      exchange.sendResponseHeaders(
          response.status(), response.body().length == 0 ? -1 : response.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response.body());
      }
    }
  }
}
