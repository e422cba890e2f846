package io.portager.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A registry behind basic auth whose tag page links to another host: the credentials must stay with
 * the registry, so the linked host sees a request without an Authorization header.
 */
class ForeignOriginTest {
  private HttpServer registry;
  private HttpServer other;
  private final List<String> otherAuthorizations = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    other.createContext("/", this::otherPage);
    other.start();
    registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    registry.createContext("/", this::registryPage);
    registry.start();
  }

  @AfterEach
  void stop() {
    registry.stop(0);
    other.stop(0);
  }

  private void registryPage(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (exchange.getRequestHeaders().getFirst("Authorization") == null) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"test\"");
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      String link =
          "<http://127.0.0.1:" + other.getAddress().getPort() + "/v2/app/tags/list?last=a>";
      exchange.getResponseHeaders().set("Link", link + "; rel=\"next\"");
      send(exchange, "{\"name\":\"app\",\"tags\":[\"a\"]}");
    }
  }

  private void otherPage(HttpExchange exchange) throws IOException {
    try (exchange) {
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      otherAuthorizations.add(authorization == null ? "none" : authorization);
      send(exchange, "{\"name\":\"app\",\"tags\":[\"b\"]}");
    }
  }

  private static void send(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Test
  void linkToAnotherHostGetsNoCredentials() {
    RegistryEndpoint endpoint =
        new RegistryEndpoint("127.0.0.1:" + registry.getAddress().getPort(), true, false);
    Repository repository =
        new RegistryClient(endpoint, Clock.systemUTC())
            .repository("app", new Credential.Basic("user", "secret-password"));

    List<String> tags = repository.listTags();

    assertEquals(List.of("a", "b"), tags);
    assertEquals(List.of("none"), otherAuthorizations);
  }
}
