package io.portager.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registry on 127.0.0.1 that serves one small image manifest for every tag, then either stalls in
 * the middle of every blob (it sends the first bytes and holds the connection for at most {@code
 * stall}, or until closed) or sends every blob slowly but completely.
 */
final class StallingRegistry implements AutoCloseable {
  private static final byte[] LAYER = new byte[4096];
  private static final byte[] CONFIG =
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
          .getBytes(StandardCharsets.UTF_8);

  private final HttpServer server;
  private final Duration stall;
  private final Duration trickle;
  private final byte[] manifest;
  private final AtomicInteger blobRequests = new AtomicInteger();
  private final CountDownLatch closed = new CountDownLatch(1);

  private StallingRegistry(Duration stall, Duration trickle) throws IOException {
    this.stall = stall;
    this.trickle = trickle;
    this.manifest =
        ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\""
                + digest(CONFIG)
                + "\",\"size\":"
                + CONFIG.length
                + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                + "\"digest\":\""
                + digest(LAYER)
                + "\",\"size\":"
                + LAYER.length
                + "}]}")
            .getBytes(StandardCharsets.UTF_8);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v2/", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  static StallingRegistry start(Duration stall) throws IOException {
    return new StallingRegistry(stall, null);
  }

  /** Starts a registry that sends every blob slowly but completely, over about {@code trickle}. */
  static StallingRegistry trickling(Duration trickle) throws IOException {
    return new StallingRegistry(Duration.ZERO, trickle);
  }

  /** The digest of the manifest every tag points at. */
  String manifestDigest() {
    return digest(manifest);
  }

  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  void awaitBlobRequests(int count, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (blobRequests.get() < count && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    if (blobRequests.get() < count) {
      throw new AssertionError("the operator requested no blob from the stalling registry");
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      boolean head = exchange.getRequestMethod().equals("HEAD");
      if (path.contains("/manifests/")) {
        exchange
            .getResponseHeaders()
            .set("Content-Type", "application/vnd.oci.image.manifest.v1+json");
        exchange.getResponseHeaders().set("Docker-Content-Digest", digest(manifest));
        exchange.sendResponseHeaders(200, head ? -1 : manifest.length);
        if (!head) {
          exchange.getResponseBody().write(manifest);
        }
      } else if (path.contains("/blobs/")) {
        blobRequests.incrementAndGet();
        byte[] blob = path.endsWith(digest(CONFIG)) ? CONFIG : LAYER;
        exchange.sendResponseHeaders(200, blob.length);
        OutputStream body = exchange.getResponseBody();
        if (trickle == null) {
          body.write(blob, 0, 16);
          body.flush();
          closed.await(stall.toMillis(), TimeUnit.MILLISECONDS);
          return;
        }
        int chunks = 64;
        int chunk = (blob.length + chunks - 1) / chunks;
        for (int offset = 0; offset < blob.length; offset += chunk) {
          body.write(blob, offset, Math.min(chunk, blob.length - offset));
          body.flush();
          Thread.sleep(trickle.toMillis() / chunks);
        }
      } else {
        exchange.sendResponseHeaders(path.equals("/v2/") ? 200 : 404, -1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String digest(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
  }
}
