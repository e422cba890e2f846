package io.portager.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.portager.oci.Descriptor;
import io.portager.oci.Digest;
import io.portager.oci.Manifest;
import io.portager.oci.MediaTypes;
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
 * A registry that picks the manifest by the Accept header, as registries that still convert images
 * for old clients do: the OCI index goes only to a client that lists its media type, and any other
 * client gets a Docker schema 1 manifest.
 */
class AcceptNegotiationTest {
  private static final byte[] INDEX =
      ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[]}")
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] SCHEMA_1 =
      "{\"schemaVersion\":1,\"name\":\"r\",\"tag\":\"t\",\"fsLayers\":[]}"
          .getBytes(StandardCharsets.UTF_8);

  private HttpServer server;
  private final List<String> accepts = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v2/r/manifests/t", this::manifest);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void manifest(HttpExchange exchange) throws IOException {
    try (exchange) {
      String accept =
          String.join(",", exchange.getRequestHeaders().getOrDefault("Accept", List.of()));
      accepts.add(accept);
      boolean index = accept.contains(MediaTypes.OCI_INDEX);
      byte[] body = index ? INDEX : SCHEMA_1;
      String type =
          index
              ? MediaTypes.OCI_INDEX
              : "application/vnd.docker.distribution.manifest.v1+prettyjws";
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.getResponseHeaders().set("Docker-Content-Digest", Digest.sha256(body).toString());
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(200, head ? -1 : body.length);
      if (!head) {
        exchange.getResponseBody().write(body);
      }
    }
  }

  private Repository repository() {
    RegistryEndpoint endpoint =
        new RegistryEndpoint("127.0.0.1:" + server.getAddress().getPort(), true, false);
    return new RegistryClient(endpoint, Clock.systemUTC())
        .repository("r", new Credential.Anonymous());
  }

  @Test
  void headAndGetAskForEveryCurrentManifestType() {
    Repository repository = repository();

    Descriptor head = repository.headManifest("t").orElseThrow();
    Manifest manifest = repository.getManifest("t");

    assertEquals(Digest.sha256(INDEX), head.digest());
    assertEquals(MediaTypes.OCI_INDEX, manifest.mediaType());
    assertEquals(Digest.sha256(INDEX), manifest.digest());
    for (String accept : accepts) {
      for (String type :
          List.of(
              MediaTypes.OCI_INDEX,
              MediaTypes.OCI_MANIFEST,
              "application/vnd.docker.distribution.manifest.list.v2+json",
              "application/vnd.docker.distribution.manifest.v2+json")) {
        assertTrue(accept.contains(type), "Accept " + accept + " lacks " + type);
      }
    }
  }
}
