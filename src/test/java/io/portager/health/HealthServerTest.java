package io.portager.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(HealthServer server, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.port() + path);
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readyzFollowsReadiness() throws Exception {
    AtomicBoolean ready = new AtomicBoolean(false);
    try (HealthServer server =
        new HealthServer(new InetSocketAddress("127.0.0.1", 0), () -> true, ready::get)) {
      assertEquals(503, get(server, "/readyz").statusCode());
      assertEquals("not ready\n", get(server, "/readyz").body());

      ready.set(true);

      assertEquals(200, get(server, "/readyz").statusCode());
      assertEquals(200, get(server, "/healthz").statusCode());
    }
  }

  @Test
  void healthzFailsWhenNotLive() throws Exception {
    try (HealthServer server =
        new HealthServer(new InetSocketAddress("127.0.0.1", 0), () -> false, () -> true)) {
      assertEquals(503, get(server, "/healthz").statusCode());
    }
  }

  @Test
  void postIsRejected() throws Exception {
    try (HealthServer server =
        new HealthServer(new InetSocketAddress("127.0.0.1", 0), () -> true, () -> true)) {
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/healthz");
      HttpRequest post =
          HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build();

      assertEquals(405, http.send(post, HttpResponse.BodyHandlers.discarding()).statusCode());
    }
  }
}
