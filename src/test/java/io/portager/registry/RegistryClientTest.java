package io.portager.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.oci.Descriptor;
import io.portager.oci.Digest;
import io.portager.oci.Manifest;
import io.portager.oci.MediaTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistryClientTest {
  private static final String IMAGE =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
          + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
          + "\"digest\":\"%s\",\"size\":%d},\"layers\":[]}";

  private final MutableClock clock = new MutableClock();
  private final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
  private FakeRegistry registry;
  private RegistryClient client;

  @BeforeEach
  void start() throws IOException {
    registry = new FakeRegistry();
    client =
        new RegistryClient(
            registry.endpoint(),
            clock,
            new RetryPolicy(4, Duration.ofMillis(1), Duration.ofSeconds(60)),
            // Sleeping moves the clock, as real sleeping moves real time.
            duration -> {
              sleeps.add(duration);
              clock.advance(duration);
            });
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Test
  void unauthorizedRequestFetchesTokenAndRetries() {
    registry.requireToken = true;
    Digest digest = addImage("app", "v1");

    Optional<Descriptor> head = repository("app").headManifest("v1");

    assertEquals(Optional.of(digest), head.map(Descriptor::digest));
    assertEquals(
        List.of(
            "HEAD /v2/app/manifests/v1",
            "GET /token?service=fake&scope=repository%3Aapp%3Apull",
            "HEAD /v2/app/manifests/v1"),
        registry.requests);
    assertEquals(List.of("none"), registry.tokenAuthorizations);
  }

  @Test
  void tokenIsCachedUntilShortlyBeforeExpiry() {
    registry.requireToken = true;
    addImage("app", "v1");
    Repository repository = repository("app");

    repository.headManifest("v1");
    repository.headManifest("v1");
    repository.getManifest("v1");
    assertEquals(1, registry.tokenRequests.get());

    clock.advance(Duration.ofSeconds(300 - 29));
    repository.headManifest("v1");
    assertEquals(2, registry.tokenRequests.get());
    long heads = registry.requests.stream().filter(r -> r.startsWith("HEAD")).count();
    assertEquals(4, heads, "only the first HEAD should be answered 401: " + registry.requests);
  }

  @Test
  void basicCredentialIsSentToTokenRealm() {
    registry.requireToken = true;
    registry.requireBasicAtTokenEndpoint = true;
    addImage("app", "v1");
    Credential credential = new Credential.Basic(FakeRegistry.USER, FakeRegistry.PASSWORD);

    assertTrue(client.repository("app", credential).headManifest("v1").isPresent());
    assertTrue(registry.tokenAuthorizations.get(0).startsWith("Basic "));
  }

  @Test
  void wrongPasswordIsAuthFailureWithoutSecret() {
    registry.requireToken = true;
    registry.requireBasicAtTokenEndpoint = true;
    Credential credential = new Credential.Basic(FakeRegistry.USER, "wrong-password-123");

    RegistryException e =
        assertThrows(
            RegistryException.class, () -> client.repository("app", credential).headManifest("v1"));

    assertTrue(e.isAuthFailure(), e.getMessage());
    assertFalse(e.getMessage().contains("wrong-password-123"), e.getMessage());
    assertTrue(
        e.getMessage().startsWith("fetch token for repository:app:pull: GET http://"),
        e.getMessage());
    assertFalse(e.getMessage().contains("scope="), e.getMessage());
  }

  @Test
  void headWithoutDigestHeaderFallsBackToGet() {
    registry.omitManifestDigest = true;
    Digest digest = addImage("app", "v1");

    Optional<Descriptor> head = repository("app").headManifest("v1");

    assertEquals(Optional.of(digest), head.map(Descriptor::digest));
    assertEquals(
        List.of("HEAD /v2/app/manifests/v1", "GET /v2/app/manifests/v1"), registry.requests);
  }

  @Test
  void getByTagWithWrongDigestHeaderFails() {
    registry.wrongManifestDigest = true;
    Digest digest = addImage("app", "v1");

    RegistryException e =
        assertThrows(RegistryException.class, () -> repository("app").getManifest("v1"));

    assertEquals(
        "get manifest app:v1: got digest " + digest + ", want " + Digest.sha256(new byte[0]),
        e.getMessage());
  }

  @Test
  void headOfMissingTagIsEmpty() {
    assertEquals(Optional.empty(), repository("app").headManifest("nope"));
  }

  @Test
  void getOfMissingManifestNamesStatusAndCode() {
    RegistryException e =
        assertThrows(RegistryException.class, () -> repository("app").getManifest("nope"));

    assertEquals(404, e.status());
    assertEquals("MANIFEST_UNKNOWN", e.errorCode());
    assertEquals(
        "get manifest app:nope: GET http://"
            + registry.host()
            + "/v2/app/manifests/nope returned 404 MANIFEST_UNKNOWN (scripted MANIFEST_UNKNOWN)",
        e.getMessage());
  }

  @Test
  void tooManyRequestsIsRetriedAfterRetryAfter() {
    Digest digest = addImage("app", "v1");
    registry.scriptedFailures.put("/v2/app/manifests/", new ArrayList<>(List.of(429, 503)));

    Manifest manifest = repository("app").getManifest("v1");

    assertEquals(digest, manifest.digest());
    assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(2)), sleeps);
  }

  @Test
  void retriesStopAfterMaximum() {
    addImage("app", "v1");
    registry.scriptedFailures.put(
        "/v2/app/manifests/", new ArrayList<>(List.of(503, 503, 503, 503, 503, 503)));

    RegistryException e =
        assertThrows(RegistryException.class, () -> repository("app").getManifest("v1"));

    assertEquals(503, e.status());
    assertTrue(e.isRetryable());
    assertEquals(4, sleeps.size());
  }

  @Test
  void putManifestIsNotRetriedBlindly() {
    Descriptor config = registry.addBlob("application/vnd.oci.image.config.v1+json", bytes("{}"));
    byte[] content = String.format(IMAGE, config.digest(), config.size()).getBytes();
    registry.scriptedFailures.put("/v2/app/manifests/", new ArrayList<>(List.of(503)));

    RegistryException e =
        assertThrows(
            RegistryException.class,
            () -> repository("app").putManifest("v1", Manifest.parse(null, content)));

    assertEquals(503, e.status());
    assertEquals(List.of(), sleeps);
  }

  @Test
  void uploadKeepsRelativeLocationQuery() throws IOException {
    FakeRegistry source = new FakeRegistry();
    try (source) {
      Descriptor blob = source.addBlob("application/octet-stream", bytes("layer content"));
      Repository from = new RegistryClient(source.endpoint()).repository("src", anonymous());

      long copied = repository("dst").copyBlobFrom(from, blob);

      assertEquals(blob.size(), copied);
      assertArrayEquals(bytes("layer content"), registry.blobs.get(blob.digest()));
      assertEquals(
          List.of(
              "POST /v2/dst/blobs/uploads/",
              "PUT /v2/dst/blobs/uploads/session-1?_state=s1&digest=sha256%3A"
                  + blob.digest().hex()),
          registry.writes());
    }
  }

  @Test
  void uploadAsksForPushScopeBeforeWriting() throws IOException {
    registry.requireToken = true;
    Descriptor blob = registry.addBlob("application/octet-stream", bytes("abc"));
    Repository from = repository("src");

    repository("dst").copyBlobFrom(from, blob);

    assertEquals(List.of("repository:dst:pull,push", "repository:src:pull"), registry.tokenScopes);
    assertEquals("POST /v2/dst/blobs/uploads/", registry.requests.get(0));
  }

  @Test
  void corruptSourceBlobFailsWithDigestMismatch() {
    Descriptor blob = registry.addBlob("application/octet-stream", bytes("original bytes"));
    registry.corruptBlobs.add(blob.digest());

    RegistryException e =
        assertThrows(
            RegistryException.class, () -> repository("dst").copyBlobFrom(repository("src"), blob));

    assertFalse(e.isRetryable());
    assertTrue(e.getMessage().contains("got digest sha256:"), e.getMessage());
    assertTrue(e.getMessage().contains("want " + blob.digest()), e.getMessage());
  }

  @Test
  void shortSourceBlobFailsWithSizeMismatch() {
    Descriptor stored = registry.addBlob("application/octet-stream", bytes("short"));
    Descriptor claimed = new Descriptor(stored.mediaType(), stored.digest(), 9);

    RegistryException e =
        assertThrows(
            RegistryException.class,
            () -> repository("dst").copyBlobFrom(repository("src"), claimed));

    assertTrue(e.getMessage().contains("got 5 bytes, want 9"), e.getMessage());
  }

  @Test
  void blobRedirectToOtherOriginGetsNoAuthorization() throws IOException {
    registry.requireToken = true;
    registry.redirectBlobs = true;
    Descriptor blob = registry.addBlob("application/octet-stream", bytes("redirected"));

    byte[] content = FakeRegistry.readAll(repository("src").openBlob(blob.digest()));

    assertArrayEquals(bytes("redirected"), content);
    assertEquals(List.of("none"), registry.storageAuthorizations);
  }

  @Test
  void listTagsFollowsRelativeAndAbsoluteLinks() {
    for (String tag : List.of("a", "b", "c", "d", "e")) {
      addImage("app", tag);
    }
    registry.tagPageSize = 2;

    List<String> tags = repository("app").listTags();

    assertEquals(List.of("a", "b", "c", "d", "e"), tags);
    assertEquals(
        List.of(
            "GET /v2/app/tags/list",
            "GET /v2/app/tags/list?n=2&last=b",
            "GET /v2/app/tags/list?n=2&last=d"),
        registry.requests);
  }

  @Test
  void blobExistsReadsStatus() {
    Descriptor blob = registry.addBlob("application/octet-stream", bytes("x"));

    assertTrue(repository("app").blobExists(blob.digest()));
    assertFalse(repository("app").blobExists(Digest.sha256(bytes("y"))));
  }

  @Test
  void getByDigestVerifiesContent() {
    Digest digest = addImage("app", "v1");

    Manifest manifest = repository("app").getManifest(digest.toString());

    assertEquals(digest, manifest.digest());
    assertEquals(MediaTypes.OCI_MANIFEST, manifest.mediaType());
  }

  @Test
  void registriesReuseClientPerEndpoint() {
    Registries registries = new Registries(clock);

    RegistryClient first = registries.client(registry.endpoint());

    assertTrue(first == registries.client(registry.endpoint()));
    assertFalse(first == registries.client(new RegistryEndpoint(registry.host(), false, true)));
  }

  private Digest addImage(String repository, String tag) {
    Descriptor config = registry.addBlob("application/vnd.oci.image.config.v1+json", bytes("{}"));
    byte[] content = String.format(IMAGE, config.digest(), config.size()).getBytes();
    return registry.addManifest(repository, tag, MediaTypes.OCI_MANIFEST, content);
  }

  private Repository repository(String name) {
    return client.repository(name, anonymous());
  }

  private static Credential anonymous() {
    return new Credential.Anonymous();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A clock that tests move by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
