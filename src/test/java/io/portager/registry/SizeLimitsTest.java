package io.portager.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.portager.oci.Digest;
import io.portager.oci.Manifest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hostile registry answers with bodies at and past the client's limits: manifests over {@link
 * HttpRepository#MANIFEST_LIMIT}, token responses over {@link TokenFetcher#TOKEN_BODY_LIMIT} and
 * error bodies over {@link Responses#ERROR_BODY_LIMIT}. Each is rejected or cut at its limit.
 */
class SizeLimitsTest {
  private static final String CONFIG = "sha256:" + "a".repeat(64);
  private static final String IMAGE =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
          + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
          + "\"digest\":\""
          + CONFIG
          + "\",\"size\":2},\"layers\":[]}";

  private HttpServer server;
  private RegistryClient client;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
    String host = "127.0.0.1:" + server.getAddress().getPort();
    client =
        new RegistryClient(
            new RegistryEndpoint(host, true, false),
            Clock.systemUTC(),
            new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1)),
            delay -> {});
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String realm = "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    switch (path) {
      case "/v2/app/manifests/at-limit" ->
          send(exchange, 200, padded(HttpRepository.MANIFEST_LIMIT));
      case "/v2/app/manifests/over-limit" ->
          send(exchange, 200, padded(HttpRepository.MANIFEST_LIMIT + 1));
      case "/v2/app/manifests/huge-error" -> send(exchange, 400, filled('e', 16 * 1024 * 1024));
      case "/v2/private/manifests/1" -> {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + realm + "\"");
        send(exchange, 401, new byte[0]);
      }
      case "/token" -> {
        byte[] token = filled('t', TokenFetcher.TOKEN_BODY_LIMIT + 1);
        System.arraycopy("{\"token\":\"".getBytes(StandardCharsets.UTF_8), 0, token, 0, 10);
        send(exchange, 200, token);
      }
      default -> send(exchange, 404, new byte[0]);
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "application/vnd.oci.image.manifest.v1+json");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    } catch (IOException e) {
      // the client stopped reading at its limit
    }
  }

  /** The image manifest padded with trailing spaces, still valid JSON, to {@code size} bytes. */
  private static byte[] padded(int size) {
    byte[] body = filled(' ', size);
    byte[] image = IMAGE.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(image, 0, body, 0, image.length);
    return body;
  }

  private static byte[] filled(char c, int size) {
    byte[] body = new byte[size];
    Arrays.fill(body, (byte) c);
    return body;
  }

  private Repository repository(String name) {
    return client.repository(name, new Credential.Anonymous());
  }

  @Test
  void manifestAtLimitIsRead() {
    Manifest manifest = repository("app").getManifest("at-limit");

    assertEquals(HttpRepository.MANIFEST_LIMIT, manifest.bytes().length);
    assertEquals(Digest.parse(CONFIG), manifest.blobs().get(0).digest());
  }

  @Test
  void manifestOverLimitIsRejected() {
    RegistryException error =
        assertThrows(RegistryException.class, () -> repository("app").getManifest("over-limit"));

    assertTrue(
        error.getMessage().contains(String.valueOf(HttpRepository.MANIFEST_LIMIT)),
        error.getMessage());
  }

  @Test
  void errorBodyIsCutAtLimit() {
    RegistryException error =
        assertThrows(RegistryException.class, () -> repository("app").getManifest("huge-error"));

    assertTrue(error.getMessage().contains("400"), error.getMessage());
    assertTrue(
        error.getMessage().length() < Responses.ERROR_BODY_LIMIT + 1024,
        "message of " + error.getMessage().length() + " characters");
  }

  @Test
  void tokenResponseOverLimitIsRejected() {
    RuntimeException error =
        assertThrows(RuntimeException.class, () -> repository("private").headManifest("1"));

    assertTrue(error.getMessage().contains("token"), error.getMessage());
    assertTrue(
        error.getMessage().contains(String.valueOf(TokenFetcher.TOKEN_BODY_LIMIT)),
        error.getMessage());
  }
}
