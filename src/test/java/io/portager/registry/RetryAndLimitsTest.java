package io.portager.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.oci.Descriptor;
import io.portager.oci.Digest;
import io.portager.oci.MediaTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryAndLimitsTest {
  private static final String IMAGE =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
          + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
          + "\"digest\":\"%s\",\"size\":%d},\"layers\":[]}";

  private final RegistryClientTest.MutableClock clock = new RegistryClientTest.MutableClock();
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
  void retryAfterSecondsIsHonoured() {
    addImage("app", "v1");
    registry.retryAfter = "7";
    registry.scriptedFailures.put("/v2/app/manifests/", new ArrayList<>(List.of(429)));

    client(policy(4)).repository("app", anonymous()).getManifest("v1");

    assertEquals(List.of(Duration.ofSeconds(7)), sleeps);
  }

  @Test
  void retryAfterHttpDateIsHonoured() {
    addImage("app", "v1");
    registry.retryAfter =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            clock.instant().plusSeconds(42).atZone(ZoneOffset.UTC));
    registry.scriptedFailures.put("/v2/app/manifests/", new ArrayList<>(List.of(503)));

    client(policy(4)).repository("app", anonymous()).getManifest("v1");

    assertEquals(List.of(Duration.ofSeconds(42)), sleeps);
  }

  @ParameterizedTest
  @CsvSource({"120, PT2M", "0, PT0S", "'Thu, 01 Jan 2026 00:00:05 GMT', PT5S"})
  void retryAfterParsesBothForms(String header, String expected) {
    assertEquals(
        Duration.parse(expected),
        RetryPolicy.parseRetryAfter(header, clock.instant()).orElseThrow());
  }

  @Test
  void retryAfterInvalidFallsBackToBackoff() {
    assertTrue(RetryPolicy.parseRetryAfter("soon", clock.instant()).isEmpty());
    assertTrue(RetryPolicy.parseRetryAfter("-3", clock.instant()).isEmpty());
  }

  @Test
  void tooManyRequestsStormStopsAtTotalWait() {
    addImage("app", "v1");
    registry.scriptedFailures.put(
        "/v2/app/manifests/", new ArrayList<>(Collections.nCopies(20, 429)));
    RetryPolicy policy =
        new RetryPolicy(10, Duration.ofMillis(1), Duration.ofSeconds(60), Duration.ofSeconds(10));

    RegistryException e =
        assertThrows(
            RegistryException.class,
            () -> client(policy).repository("app", anonymous()).getManifest("v1"));

    assertEquals(429, e.status());
    assertTrue(e.isRetryable());
    assertEquals(Collections.nCopies(5, Duration.ofSeconds(2)), sleeps);
    assertEquals(6, registry.requests.size());
  }

  @Test
  void tooManyRequestsStormThenSuccess() {
    Digest digest = addImage("app", "v1");
    registry.scriptedFailures.put("/v2/app/manifests/", new ArrayList<>(List.of(429, 429, 429)));

    assertEquals(
        digest, client(policy(4)).repository("app", anonymous()).getManifest("v1").digest());

    assertEquals(3, sleeps.size());
  }

  @Test
  void serverErrorsThenSuccessBackOff() {
    Digest digest = addImage("app", "v1");
    registry.retryAfter = null;
    registry.scriptedFailures.put("/v2/app/manifests/", new ArrayList<>(List.of(500, 502)));

    assertEquals(
        digest, client(policy(4)).repository("app", anonymous()).getManifest("v1").digest());

    assertEquals(2, sleeps.size());
    assertTrue(sleeps.get(0).compareTo(Duration.ofMillis(10)) <= 0, sleeps.toString());
    assertTrue(sleeps.get(1).compareTo(Duration.ofMillis(20)) <= 0, sleeps.toString());
  }

  @Test
  void notImplementedIsNotRetried() {
    registry.scriptedFailures.put("/v2/app/manifests/", new ArrayList<>(List.of(501)));

    RegistryException e =
        assertThrows(
            RegistryException.class,
            () -> client(policy(4)).repository("app", anonymous()).getManifest("v1"));

    assertEquals(501, e.status());
    assertEquals(List.of(), sleeps);
  }

  @Test
  void connectionResetMidBlobRestartsUpload() {
    byte[] content = new byte[256 * 1024];
    new java.util.Random(1).nextBytes(content);
    Descriptor blob = registry.addBlob("application/octet-stream", content);
    registry.truncateOnce.add(blob.digest());
    RegistryClient client = client(policy(4));

    long copied =
        client
            .repository("dst", anonymous())
            .copyBlobFrom(client.repository("src", anonymous()), blob);

    assertEquals(content.length, copied);
    assertArrayEquals(content, registry.blobs.get(blob.digest()));
    long posts = registry.requests.stream().filter(r -> r.startsWith("POST ")).count();
    assertEquals(2, posts, registry.requests.toString());
    long gets = registry.requests.stream().filter(r -> r.startsWith("GET /v2/src/blobs/")).count();
    assertEquals(2, gets, registry.requests.toString());
    assertEquals(1, sleeps.size());
  }

  @Test
  void sourceResetMidBlobIsReportedAsSourceFailure() {
    byte[] content = new byte[256 * 1024];
    new java.util.Random(2).nextBytes(content);
    Descriptor blob = registry.addBlob("application/octet-stream", content);
    registry.truncateAlways.add(blob.digest());
    RegistryClient client = client(policy(4));

    RegistryException e =
        assertThrows(
            RegistryException.class,
            () ->
                client
                    .repository("dst", anonymous())
                    .copyBlobFrom(client.repository("src", anonymous()), blob));

    String source = registry.endpoint().host() + "/src";
    assertTrue(
        e.getMessage().contains("reading the blob from the source " + source), e.getMessage());
    assertTrue(e.getMessage().contains("check the source registry"), e.getMessage());
    assertTrue(e.isRetryable());
  }

  @Test
  void inFlightCapHoldsUnderTwentyThreads() throws Exception {
    registry.responseDelayMillis = 20;
    RegistryClient client =
        new RegistryClient(
            registry.endpoint(), clock, new ClientLimits(4, 0, 1024), policy(4), sleeps::add);
    List<Descriptor> blobs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      blobs.add(registry.addBlob("application/octet-stream", bytes("layer " + i)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(20);

    try {
      List<Future<Long>> copies = new ArrayList<>();
      for (Descriptor blob : blobs) {
        copies.add(
            pool.submit(
                () ->
                    client
                        .repository("dst", anonymous())
                        .copyBlobFrom(client.repository("src", anonymous()), blob)));
      }
      for (Future<Long> copy : copies) {
        copy.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertEquals(60, registry.requests.size());
    assertTrue(registry.maxConcurrentRequests.get() <= 4, "max " + registry.maxConcurrentRequests);
    assertTrue(registry.maxConcurrentRequests.get() >= 2, "max " + registry.maxConcurrentRequests);
  }

  @Test
  void requestRateIsLimited() {
    List<Duration> limiterSleeps = new ArrayList<>();
    RetryPolicy.Sleeper sleeper =
        duration -> {
          limiterSleeps.add(duration);
          clock.advance(duration);
        };
    RegistryClient client =
        new RegistryClient(
            registry.endpoint(), clock, new ClientLimits(16, 5, 1024), policy(4), sleeper);
    Repository repository = client.repository("app", anonymous());

    for (int i = 0; i < 15; i++) {
      repository.blobExists(Digest.sha256(bytes("missing " + i)));
    }

    // A burst of 5, then one request every 200 ms.
    assertEquals(Collections.nCopies(10, Duration.ofMillis(200)), limiterSleeps);
    assertEquals(15, registry.requests.size());
  }

  @Test
  void retryAfterPausesWholeClient() {
    List<Duration> limiterSleeps = new ArrayList<>();
    RetryPolicy.Sleeper sleeper =
        duration -> {
          limiterSleeps.add(duration);
          clock.advance(duration);
        };
    RegistryClient client =
        new RegistryClient(
            registry.endpoint(), clock, new ClientLimits(16, 0, 1024), policy(4), sleeper);
    Repository repository = client.repository("app", anonymous());
    addImage("app", "v1");
    registry.retryAfter = "3";
    registry.scriptedFailures.put("/v2/app/manifests/", new ArrayList<>(List.of(429)));

    repository.getManifest("v1");
    clock.advance(Duration.ofSeconds(-3));
    repository.blobExists(Digest.sha256(bytes("other")));

    // The retry waits 3 s in the limiter, and so does another request sent within those 3 s.
    assertEquals(List.of(Duration.ofSeconds(3), Duration.ofSeconds(3)), limiterSleeps);
  }

  @Test
  void rateLimitRemainingIsRead() {
    addImage("app", "v1");
    registry.rateLimitRemaining = "76;w=21600";
    RegistryClient client = client(policy(4));
    assertEquals(OptionalLong.empty(), client.rateLimitRemaining());

    client.repository("app", anonymous()).headManifest("v1");

    assertEquals(OptionalLong.of(76), client.rateLimitRemaining());
  }

  @ParameterizedTest
  @CsvSource({"'76;w=21600', 76", "'0', 0", "' 12 ; w=60', 12", "'abc', -1", "'-4;w=1', -1"})
  void rateLimitRemainingParses(String header, long expected) {
    OptionalLong parsed = Transport.parseRateLimitRemaining(header);

    assertEquals(expected < 0 ? OptionalLong.empty() : OptionalLong.of(expected), parsed);
  }

  @Test
  void redirectRetryKeepsCredentialsAndQueryPrivate() {
    registry.requireToken = true;
    registry.redirectBlobs = true;
    Descriptor blob = registry.addBlob("application/octet-stream", bytes("redirected"));
    registry.storageFailures.addAll(List.of(503, 401));
    Repository repository = client(policy(1)).repository("src", anonymous());

    RegistryException e =
        assertThrows(RegistryException.class, () -> repository.openBlob(blob.digest()));

    assertEquals(401, e.status());
    assertFalse(e.getMessage().contains("signature"), e.getMessage());
    assertFalse(e.getMessage().contains("tok-"), e.getMessage());
    assertEquals(List.of("none", "none"), registry.storageAuthorizations);
    assertEquals(1, registry.tokenRequests.get());
    long registryGets =
        registry.requests.stream().filter(r -> r.startsWith("GET /v2/src/blobs/")).count();
    assertEquals(3, registryGets, registry.requests.toString());
  }

  private RegistryClient client(RetryPolicy policy) {
    return new RegistryClient(registry.endpoint(), clock, policy, sleeps::add);
  }

  private static RetryPolicy policy(int maxRetries) {
    return new RetryPolicy(maxRetries, Duration.ofMillis(1), Duration.ofSeconds(60));
  }

  private Digest addImage(String repository, String tag) {
    Descriptor config = registry.addBlob("application/vnd.oci.image.config.v1+json", bytes("{}"));
    byte[] content = String.format(IMAGE, config.digest(), config.size()).getBytes();
    return registry.addManifest(repository, tag, MediaTypes.OCI_MANIFEST, content);
  }

  private static Credential anonymous() {
    return new Credential.Anonymous();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
