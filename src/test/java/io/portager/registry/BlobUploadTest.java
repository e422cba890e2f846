package io.portager.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.oci.Descriptor;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BlobUploadTest {
  private final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
  private FakeRegistry registry;

  @BeforeEach
  void start() throws IOException {
    registry = new FakeRegistry();
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void monolithicTooLargeFallsBackToChunks() {
    Descriptor blob = registry.addBlob("application/octet-stream", content(1000));
    registry.putBodyLimit = 100;

    long copied = copy(client(256), blob);

    assertEquals(1000, copied);
    assertArrayEquals(registry.blobs.get(blob.digest()), content(1000));
    assertEquals(List.of("0-255", "256-511", "512-767", "768-999"), registry.contentRanges);
    assertEquals(
        List.of(
            "POST /v2/dst/blobs/uploads/",
            "PUT /v2/dst/blobs/uploads/session-1?_state=s1&digest=" + encoded(blob),
            "POST /v2/dst/blobs/uploads/",
            "PATCH /v2/dst/blobs/uploads/session-2?_state=s2",
            "PATCH /v2/dst/blobs/uploads/session-2?_state=session-2-256",
            "PATCH /v2/dst/blobs/uploads/session-2?_state=session-2-512",
            "PATCH /v2/dst/blobs/uploads/session-2?_state=session-2-768",
            "PUT /v2/dst/blobs/uploads/session-2?_state=session-2-1000&digest=" + encoded(blob)),
        writesAndPatches());
    assertEquals(List.of(), sleeps);
  }

  @Test
  void chunkMinLengthIsHonoured() {
    Descriptor blob = registry.addBlob("application/octet-stream", content(1000));
    registry.chunkMinLength = 400;

    copy(client(256), blob);

    assertEquals(List.of("0-399", "400-799", "800-999"), registry.contentRanges);
    assertEquals(1, registry.writes().stream().filter(w -> w.startsWith("PUT")).count());
    assertArrayEquals(registry.blobs.get(blob.digest()), content(1000));
  }

  @Test
  void offByOneRangeRecoveredByStatus() {
    Descriptor blob = registry.addBlob("application/octet-stream", content(1000));
    registry.chunkMinLength = 1;
    registry.rangeQuirks.add("off-by-one");

    copy(client(400), blob);

    assertEquals(List.of("0-399", "400-799", "800-999"), registry.contentRanges);
    assertTrue(
        registry.requests.contains("GET /v2/dst/blobs/uploads/session-1?_state=session-1-400"));
    assertArrayEquals(registry.blobs.get(blob.digest()), content(1000));
  }

  @Test
  void staleRangeResendsLostChunk() {
    Descriptor blob = registry.addBlob("application/octet-stream", content(1000));
    registry.chunkMinLength = 1;
    registry.rangeQuirks.addAll(List.of("", "stale"));

    copy(client(400), blob);

    assertEquals(List.of("0-399", "400-799", "400-799", "800-999"), registry.contentRanges);
    assertArrayEquals(registry.blobs.get(blob.digest()), content(1000));
    assertEquals(1, registry.requests.stream().filter(r -> r.startsWith("GET /v2/dst")).count());
  }

  @Test
  void patchBodyCapShrinksChunks() {
    int size = 1024 * 1024;
    Descriptor blob = registry.addBlob("application/octet-stream", content(size));
    registry.chunkMinLength = 1;
    registry.patchBodyLimit = 100 * 1024;

    copy(client(512 * 1024), blob);

    List<String> ranges = registry.contentRanges;
    assertEquals(List.of("0-524287", "0-262143", "0-131071", "0-65535"), ranges.subList(0, 4));
    assertEquals(3 + size / (64 * 1024), ranges.size());
    assertEquals((size - 65536) + "-" + (size - 1), ranges.get(ranges.size() - 1));
    assertArrayEquals(registry.blobs.get(blob.digest()), content(size));
  }

  @Test
  void locationOutsideV2KeepsQuery() {
    Descriptor blob = registry.addBlob("application/octet-stream", content(500));
    registry.uploadsOutsideV2 = true;
    registry.chunkMinLength = 1;

    copy(client(300), blob);

    assertEquals(
        List.of(
            "POST /v2/dst/blobs/uploads/",
            "PATCH /upload/dst/session-1?_state=s1",
            "PATCH /upload/dst/session-1?_state=session-1-300",
            "PUT /upload/dst/session-1?_state=session-1-500&digest=" + encoded(blob)),
        writesAndPatches());
    assertArrayEquals(registry.blobs.get(blob.digest()), content(500));
  }

  @Test
  void mountAnsweredCreatedSendsNoBytes() {
    Descriptor blob = registry.addBlob("application/octet-stream", content(300));
    RegistryClient client = client(256);

    BlobTransfer transfer =
        client
            .repository("dst", anonymous())
            .transferBlob(client.repository("src", anonymous()), blob, "src");

    assertEquals(new BlobTransfer(0, true), transfer);
    assertEquals(
        List.of("POST /v2/dst/blobs/uploads/?mount=" + encoded(blob) + "&from=src"),
        registry.requests);
  }

  @Test
  void mountAnsweredAcceptedContinuesUpload() {
    Descriptor blob = registry.addBlob("application/octet-stream", content(300));
    registry.declineMounts = true;
    RegistryClient client = client(256);

    BlobTransfer transfer =
        client
            .repository("dst", anonymous())
            .transferBlob(client.repository("team/src", anonymous()), blob, "team/src");

    assertEquals(new BlobTransfer(300, false), transfer);
    assertEquals(
        List.of(
            "POST /v2/dst/blobs/uploads/?mount=" + encoded(blob) + "&from=team%2Fsrc",
            "PUT /v2/dst/blobs/uploads/session-1?_state=s1&digest=" + encoded(blob)),
        registry.writes());
  }

  @Test
  void mountAsksForBothScopes() {
    registry.requireToken = true;
    Descriptor blob = registry.addBlob("application/octet-stream", content(300));
    RegistryClient client = client(256);

    client
        .repository("dst", anonymous())
        .transferBlob(client.repository("src", anonymous()), blob, "src");

    assertTrue(
        registry
            .requests
            .get(1)
            .endsWith("scope=repository%3Adst%3Apull%2Cpush" + "&scope=repository%3Asrc%3Apull"),
        registry.requests.get(1));
    assertFalse(registry.requests.stream().anyMatch(r -> r.startsWith("PUT")));
  }

  private long copy(RegistryClient client, Descriptor blob) {
    return client
        .repository("dst", anonymous())
        .copyBlobFrom(client.repository("src", anonymous()), blob);
  }

  private RegistryClient client(long chunkSize) {
    return new RegistryClient(
        registry.endpoint(),
        new RegistryClientTest.MutableClock(),
        new ClientLimits(16, 0, chunkSize),
        new RetryPolicy(4, Duration.ofMillis(1), Duration.ofSeconds(60)),
        sleeps::add);
  }

  private List<String> writesAndPatches() {
    synchronized (registry.requests) {
      return registry.requests.stream()
          .filter(r -> r.startsWith("POST ") || r.startsWith("PUT ") || r.startsWith("PATCH "))
          .toList();
    }
  }

  private static String encoded(Descriptor blob) {
    return "sha256%3A" + blob.digest().hex();
  }

  private static byte[] content(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  private static Credential anonymous() {
    return new Credential.Anonymous();
  }
}
