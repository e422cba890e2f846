package io.portager.testenv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyTest {
  private static final byte[] BODY = Fixtures.pseudoRandom("fault-proxy", 256 * 1024);

  private HttpServer target;
  private FaultProxy proxy;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void startTarget() throws IOException {
    target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, BODY.length);
          exchange.getResponseBody().write(BODY);
          exchange.close();
        });
    target.start();
    proxy = FaultProxy.start(target.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    proxy.close();
    target.stop(0);
  }

  private HttpResponse<byte[]> get() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + proxy.host() + "/blob"))
            .timeout(Duration.ofSeconds(10))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void passForwardsWholeBody() throws Exception {
    HttpResponse<byte[]> response = get();

    assertEquals(200, response.statusCode());
    assertArrayEquals(BODY, response.body());
  }

  @Test
  void resetAfterCutsBodyShort() throws Exception {
    proxy.resetAfter(10_000);

    assertThrows(IOException.class, this::get);
    proxy.heal();
    assertArrayEquals(BODY, get().body());
  }

  @Test
  void respondWithStatusReturnsInjectedStatus() throws Exception {
    assertEquals(200, get().statusCode());

    proxy.respondWithStatus(429, "1");
    HttpResponse<byte[]> response = get();

    assertEquals(429, response.statusCode());
    assertEquals("1", response.headers().firstValue("Retry-After").orElseThrow());
    assertEquals(1, proxy.injectedResponseCount());
  }

  @Test
  void refuseClosesNewConnections() {
    proxy.setMode(FaultProxy.Mode.REFUSE);

    assertThrows(IOException.class, this::get);
    assertTrue(proxy.resetCount() >= 1);
  }

  @Test
  void stallHoldsBytesUntilHealed() throws Exception {
    proxy.setMode(FaultProxy.Mode.STALL);
    CompletableFuture<HttpResponse<byte[]>> response =
        client.sendAsync(
            HttpRequest.newBuilder(URI.create("http://" + proxy.host() + "/blob")).build(),
            HttpResponse.BodyHandlers.ofByteArray());

    Thread.sleep(500);
    assertTrue(!response.isDone(), "a response passed the stalled proxy");
    proxy.heal();

    assertArrayEquals(BODY, response.get(10, TimeUnit.SECONDS).body());
  }

  @Test
  void cutAllResetsOpenConnections() throws Exception {
    proxy.limitRate(64 * 1024);
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + proxy.host())).build();
    CompletableFuture<HttpResponse<InputStream>> response =
        client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
    InputStream body = response.get(10, TimeUnit.SECONDS).body();

    assertEquals(1, proxy.cutAll());

    assertThrows(IOException.class, body::readAllBytes);
  }
}
