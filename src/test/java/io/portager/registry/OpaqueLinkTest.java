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
 * Tag pages linked with opaque tokens, as registries that page by cursor (Quay, Harbor) send them:
 * the client must request each Link exactly as given, never rebuild it from {@code last}.
 */
class OpaqueLinkTest {
  private HttpServer server;
  private final List<String> requested = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v2/app/tags/list", this::tags);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void tags(HttpExchange exchange) throws IOException {
    try (exchange) {
      String query = exchange.getRequestURI().getRawQuery();
      requested.add(query == null ? "" : query);
      String body;
      if (query == null) {
        body = "{\"name\":\"app\",\"tags\":[\"1\",\"2\"]}";
        exchange
            .getResponseHeaders()
            .set("Link", "</v2/app/tags/list?page=Zm9v%2BYmFy%3D%3D&n=2>; rel=\"next\"");
      } else if (query.startsWith("page=")) {
        body = "{\"name\":\"app\",\"tags\":[\"3\"]}";
        String absolute =
            "http://127.0.0.1:" + server.getAddress().getPort() + "/v2/app/tags/list?cursor=x%2Fy";
        exchange.getResponseHeaders().set("Link", "<" + absolute + ">; rel=\"next\"");
      } else {
        body = "{\"name\":\"app\",\"tags\":[\"4\"]}";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
    }
  }

  @Test
  void followsOpaqueLinksVerbatim() {
    RegistryEndpoint endpoint =
        new RegistryEndpoint("127.0.0.1:" + server.getAddress().getPort(), true, false);
    Repository repository =
        new RegistryClient(endpoint, Clock.systemUTC())
            .repository("app", new Credential.Anonymous());

    List<String> tags = repository.listTags();

    assertEquals(List.of("1", "2", "3", "4"), tags);
    assertEquals(List.of("", "page=Zm9v%2BYmFy%3D%3D&n=2", "cursor=x%2Fy"), requested);
  }
}
