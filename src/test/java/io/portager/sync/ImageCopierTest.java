package io.portager.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.oci.Descriptor;
import io.portager.oci.Digest;
import io.portager.oci.MediaTypes;
import io.portager.registry.Credential;
import io.portager.registry.FakeRegistry;
import io.portager.registry.RegistryClient;
import io.portager.registry.RegistryException;
import io.portager.registry.Repository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ImageCopierTest {
  private final ImageCopier copier = new ImageCopier();
  private FakeRegistry sourceRegistry;
  private FakeRegistry destinationRegistry;
  private Repository source;
  private Repository destination;

  private Descriptor configAmd64;
  private Descriptor configArm64;
  private Descriptor sharedLayer;
  private Digest childAmd64;
  private Digest childArm64;
  private Digest index;

  @BeforeEach
  void start() throws IOException {
    sourceRegistry = new FakeRegistry();
    destinationRegistry = new FakeRegistry();
    destinationRegistry.requireToken = true;
    Credential anonymous = new Credential.Anonymous();
    source = new RegistryClient(sourceRegistry.endpoint()).repository("team/app", anonymous);
    destination =
        new RegistryClient(destinationRegistry.endpoint()).repository("mirror/app", anonymous);

    configAmd64 =
        sourceRegistry.addBlob(MediaTypes.OCI_MANIFEST, bytes("{\"architecture\":\"amd64\"}"));
    configArm64 =
        sourceRegistry.addBlob(MediaTypes.OCI_MANIFEST, bytes("{\"architecture\":\"arm64\"}"));
    sharedLayer =
        sourceRegistry.addBlob("application/vnd.oci.image.layer.v1.tar+gzip", bytes("layer"));
    childAmd64 = addImage(configAmd64, sharedLayer);
    childArm64 = addImage(configArm64, sharedLayer);
    String indexJson =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_INDEX
            + "\",\"manifests\":["
            + child(childAmd64, "amd64")
            + ","
            + child(childArm64, "arm64")
            + "]}";
    index = sourceRegistry.addManifest("team/app", "v1", MediaTypes.OCI_INDEX, bytes(indexJson));
  }

  @AfterEach
  void stop() {
    sourceRegistry.close();
    destinationRegistry.close();
  }

  @Test
  void indexCopiesBlobsThenChildrenThenTag() {
    TagResult result = copier.sync(source, destination, "v1");

    assertEquals(new TagResult(index, true, 3, totalSize(), 3, 0), result);
    List<String> writes =
        destinationRegistry.writes().stream()
            .filter(w -> !w.contains("/blobs/uploads/") || w.startsWith("PUT"))
            .map(ImageCopierTest::shorten)
            .toList();
    assertEquals(
        List.of(
            "PUT blob " + configAmd64.digest(),
            "PUT blob " + sharedLayer.digest(),
            "PUT manifest " + childAmd64,
            "PUT blob " + configArm64.digest(),
            "PUT manifest " + childArm64,
            "PUT manifest v1"),
        writes);
    assertArrayEquals(
        sourceRegistry.manifest("team/app", "v1"),
        destinationRegistry.manifest("mirror/app", "v1"));
  }

  @Test
  void secondSyncWritesNothing() {
    copier.sync(source, destination, "v1");
    int writesBefore = destinationRegistry.writes().size();

    TagResult result = copier.sync(source, destination, "v1");

    assertEquals(new TagResult(index, false, 0, 0, 0, 0), result);
    assertEquals(writesBefore, destinationRegistry.writes().size());
  }

  @Test
  void upToDateTagNeedsNoCopySlot() {
    copier.sync(source, destination, "v1");
    Semaphore none = new Semaphore(0);

    TagResult result = copier.sync(source, destination, "v1", CopyOptions.DEFAULT, none);

    assertFalse(result.copied());
  }

  @Test
  void copyWaitsForFreeSlot() throws Exception {
    Semaphore slots = new Semaphore(0);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<TagResult> copy =
          pool.submit(() -> copier.sync(source, destination, "v1", CopyOptions.DEFAULT, slots));
      Thread.sleep(300);
      assertFalse(copy.isDone(), "the copy waits while no slot is free");
      assertNull(destinationRegistry.manifest("mirror/app", "v1"));

      slots.release();

      assertTrue(copy.get(10, TimeUnit.SECONDS).copied());
      assertEquals(1, slots.availablePermits(), "the slot is returned");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void failedCopyReturnsItsSlot() {
    Semaphore slots = new Semaphore(1);
    sourceRegistry.corruptBlobs.add(sharedLayer.digest());

    RegistryException e =
        assertThrows(
            RegistryException.class,
            () -> copier.sync(source, destination, "v1", CopyOptions.DEFAULT, slots));

    assertTrue(e.getMessage().contains("got digest"), e.getMessage());
    assertEquals(1, slots.availablePermits());
  }

  @Test
  void retagSkipsBlobsSeenThisRun() {
    copier.sync(source, destination, "v1");
    destinationRegistry.requests.clear();

    TagResult result = copier.sync(source, destination, "v1");
    assertFalse(result.copied());

    sourceRegistry.addManifest(
        "team/app", "v2", MediaTypes.OCI_INDEX, sourceRegistry.manifest("team/app", "v1"));
    TagResult retag = copier.sync(source, destination, "v2");
    // The tag is new at the destination, so its children are written again without a HEAD, and
    // the blobs that this copier wrote a moment ago are neither checked nor copied.
    assertEquals(new TagResult(index, index, true, 0, 0, 3, 0, List.of(), null, 0, 3), retag);
    assertArrayEquals(
        sourceRegistry.manifest("team/app", "v1"),
        destinationRegistry.manifest("mirror/app", "v2"));
  }

  @Test
  void newTagReadsSourceOnceAndSkipsChecks() {
    destinationRegistry.requireToken = false;

    TagResult result = copier.sync(source, destination, "v1");

    assertEquals(new TagResult(index, true, 3, totalSize(), 3, 0), result);
    assertEquals(
        List.of(
            "GET /v2/team/app/manifests/v1",
            "GET /v2/team/app/manifests/" + childAmd64,
            "GET /v2/team/app/manifests/" + childArm64),
        manifestRequests(sourceRegistry));
    assertEquals(3, count(sourceRegistry, "GET", "/blobs/"));
    assertEquals(6, sourceRegistry.requests.size(), sourceRegistry.requests.toString());
    assertEquals(
        List.of("HEAD /v2/mirror/app/manifests/v1"),
        destinationRegistry.requests.stream().filter(r -> r.startsWith("HEAD")).toList());
    assertEquals(3, count(destinationRegistry, "POST", "/blobs/uploads/"));
    assertEquals(3, count(destinationRegistry, "PUT", "/blobs/uploads/"));
    assertEquals(3, count(destinationRegistry, "PUT", "/manifests/"));
    assertEquals(10, destinationRegistry.requests.size(), destinationRegistry.requests.toString());
  }

  @Test
  void unchangedTagSendsOneHeadToEach() {
    destinationRegistry.requireToken = false;
    copier.sync(source, destination, "v1");
    sourceRegistry.requests.clear();
    destinationRegistry.requests.clear();

    TagResult result = copier.sync(source, destination, "v1");

    assertFalse(result.copied());
    assertEquals(List.of("HEAD /v2/team/app/manifests/v1"), sourceRegistry.requests);
    assertEquals(List.of("HEAD /v2/mirror/app/manifests/v1"), destinationRegistry.requests);
  }

  @Test
  void movedTagKeepsHeads() {
    destinationRegistry.requireToken = false;
    copier.sync(source, destination, "v1");
    Descriptor configRiscv =
        sourceRegistry.addBlob(MediaTypes.OCI_MANIFEST, bytes("{\"architecture\":\"riscv64\"}"));
    Digest childRiscv = addImage(configRiscv, sharedLayer);
    Digest moved = addIndex("v1", child(childAmd64, "amd64"), child(childRiscv, "riscv64"));
    sourceRegistry.requests.clear();
    destinationRegistry.requests.clear();

    TagResult result = copier.sync(source, destination, "v1");

    assertEquals(
        new TagResult(moved, moved, true, 1, configRiscv.size(), 2, 0, List.of(), null, 0, 1),
        result);
    assertEquals(
        List.of(
            "HEAD /v2/team/app/manifests/v1",
            "GET /v2/team/app/manifests/" + moved,
            "GET /v2/team/app/manifests/" + childRiscv),
        manifestRequests(sourceRegistry));
    assertEquals(
        List.of(
            "HEAD /v2/mirror/app/manifests/v1",
            "HEAD /v2/mirror/app/manifests/" + childAmd64,
            "HEAD /v2/mirror/app/manifests/" + childRiscv,
            "HEAD /v2/mirror/app/blobs/" + configRiscv.digest()),
        destinationRegistry.requests.stream().filter(r -> r.startsWith("HEAD")).toList());
    assertArrayEquals(
        sourceRegistry.manifest("team/app", "v1"),
        destinationRegistry.manifest("mirror/app", "v1"));
  }

  @Test
  void childPresentUnderOtherTagEndsCorrect() {
    copier.sync(source, destination, "v1");
    sourceRegistry.addManifest(
        "team/app", "v2", MediaTypes.OCI_INDEX, sourceRegistry.manifest("team/app", "v1"));
    ImageCopier restarted = new ImageCopier();

    TagResult result = restarted.sync(source, destination, "v2");

    // A new process remembers no blobs, so the small blobs are uploaded again without a HEAD.
    assertEquals(new TagResult(index, true, 3, totalSize(), 3, 0), result);
    assertArrayEquals(
        sourceRegistry.manifest("team/app", "v1"),
        destinationRegistry.manifest("mirror/app", "v2"));
    for (Digest child : List.of(childAmd64, childArm64)) {
      assertArrayEquals(
          sourceRegistry.manifest("team/app", child.toString()),
          destinationRegistry.manifest("mirror/app", child.toString()));
    }
    for (Descriptor blob : List.of(configAmd64, configArm64, sharedLayer)) {
      assertTrue(destination.blobExists(blob.digest()), blob.digest().toString());
    }
  }

  @Test
  void blobOfOneMebibyteIsHeadedFirst() {
    destinationRegistry.requireToken = false;
    Descriptor large = sourceRegistry.addBlob(TestContent.LAYER, new byte[1024 * 1024]);
    Descriptor belowLimit = sourceRegistry.addBlob(TestContent.LAYER, new byte[1024 * 1024 - 1]);
    destinationRegistry.addBlob(TestContent.LAYER, new byte[1024 * 1024]);
    destinationRegistry.addBlob(TestContent.LAYER, new byte[1024 * 1024 - 1]);
    Digest image = addImage(configAmd64, large, belowLimit);
    sourceRegistry.addManifest(
        "team/app",
        "big",
        MediaTypes.OCI_MANIFEST,
        sourceRegistry.manifest("team/app", image.toString()));

    TagResult result = copier.sync(source, destination, "big");

    assertEquals(1, result.blobsSkipped(), result.toString());
    assertEquals(2, result.blobsCopied(), result.toString());
    assertEquals(1, count(destinationRegistry, "HEAD", "/blobs/" + large.digest()));
    assertEquals(0, count(destinationRegistry, "HEAD", "/blobs/" + belowLimit.digest()));
    assertEquals(0, count(destinationRegistry, "HEAD", "/blobs/" + configAmd64.digest()));
    assertEquals(
        0,
        count(
            destinationRegistry, "PUT", "digest=" + large.digest().toString().replace(":", "%3A")));
    assertArrayEquals(
        sourceRegistry.manifest("team/app", "big"),
        destinationRegistry.manifest("mirror/app", "big"));
  }

  @Test
  void missingSourceTagOfExistingDestinationTag() {
    destinationRegistry.addManifest(
        "mirror/app", "gone", MediaTypes.OCI_INDEX, sourceRegistry.manifest("team/app", "v1"));

    RegistryException e =
        assertThrows(RegistryException.class, () -> copier.sync(source, destination, "gone"));

    assertEquals(404, e.status());
    assertEquals(
        "tag gone not found in "
            + sourceRegistry.host()
            + "/team/app: check the tag name or whether it was deleted",
        e.getMessage());
  }

  @Test
  void declinedMountOfNewTagIsUploaded() {
    destinationRegistry.requireToken = false;
    destinationRegistry.declineMounts = true;
    Repository other =
        new RegistryClient(destinationRegistry.endpoint())
            .repository("other/app", new Credential.Anonymous());
    copier.sync(source, destination, "v1");
    destinationRegistry.requests.clear();

    TagResult result = copier.sync(source, other, "v1");

    assertEquals(new TagResult(index, true, 3, totalSize(), 3, 0), result);
    assertEquals(3, count(destinationRegistry, "POST", "?mount="));
    assertEquals(0, count(destinationRegistry, "HEAD", "/v2/other/app/blobs/"));
    for (Descriptor blob : List.of(configAmd64, configArm64, sharedLayer)) {
      assertTrue(other.blobExists(blob.digest()), blob.digest().toString());
    }
  }

  @Test
  void blobSeenThisRunIsNotCheckedAgain() {
    copier.sync(source, destination, "v1");
    Descriptor configV2 =
        sourceRegistry.addBlob(MediaTypes.OCI_MANIFEST, bytes("{\"architecture\":\"riscv64\"}"));
    Digest imageV2 = addImage(configV2, sharedLayer);
    sourceRegistry.addManifest(
        "team/app",
        "v2",
        MediaTypes.OCI_MANIFEST,
        sourceRegistry.manifest("team/app", imageV2.toString()));
    destinationRegistry.requests.clear();

    TagResult result = copier.sync(source, destination, "v2");

    assertTrue(result.copied());
    List<String> layerHeads =
        destinationRegistry.requests.stream()
            .filter(r -> r.startsWith("HEAD") && r.contains(sharedLayer.digest().toString()))
            .toList();
    assertEquals(List.of(), layerHeads);
    assertArrayEquals(
        sourceRegistry.blobs.get(sharedLayer.digest()),
        destinationRegistry.blobs.get(sharedLayer.digest()));
  }

  @Test
  void blobLostFromDestinationIsCopiedAgain() {
    destinationRegistry.checkManifestBlobs = true;
    copier.sync(source, destination, "v1");
    destinationRegistry.blobs.remove(sharedLayer.digest());
    Descriptor configV2 =
        sourceRegistry.addBlob(MediaTypes.OCI_MANIFEST, bytes("{\"architecture\":\"s390x\"}"));
    Digest imageV2 = addImage(configV2, sharedLayer);
    sourceRegistry.addManifest(
        "team/app",
        "v2",
        MediaTypes.OCI_MANIFEST,
        sourceRegistry.manifest("team/app", imageV2.toString()));

    destinationRegistry.requests.clear();

    TagResult result = copier.sync(source, destination, "v2");

    assertTrue(result.copied());
    assertArrayEquals(
        sourceRegistry.blobs.get(sharedLayer.digest()),
        destinationRegistry.blobs.get(sharedLayer.digest()));
    // The first attempt trusted the remembered layer; the second checks every blob with a HEAD.
    assertEquals(1, count(destinationRegistry, "HEAD", "/blobs/" + sharedLayer.digest()));
    assertEquals(1, count(destinationRegistry, "HEAD", "/blobs/" + configV2.digest()));
  }

  @Test
  void corruptBlobFailsAndTagIsNotPushed() {
    sourceRegistry.corruptBlobs.add(sharedLayer.digest());

    RegistryException e =
        assertThrows(RegistryException.class, () -> copier.sync(source, destination, "v1"));

    assertTrue(e.getMessage().contains("got digest"), e.getMessage());
    assertNull(destinationRegistry.manifest("mirror/app", "v1"));
    assertTrue(destinationRegistry.writes().stream().noneMatch(w -> w.endsWith("/manifests/v1")));
  }

  @Test
  void missingSourceTagNamesRepository() {
    RegistryException e =
        assertThrows(RegistryException.class, () -> copier.sync(source, destination, "gone"));

    assertEquals(404, e.status());
    assertEquals(
        "tag gone not found in "
            + sourceRegistry.host()
            + "/team/app: check the tag name or whether it was deleted",
        e.getMessage());
  }

  @Test
  void secondRepositoryMountsFromFirst() {
    Repository other =
        new RegistryClient(destinationRegistry.endpoint())
            .repository("other/app", new Credential.Anonymous());
    copier.sync(source, destination, "v1");
    destinationRegistry.requests.clear();

    TagResult result = copier.sync(source, other, "v1");

    assertEquals(new TagResult(index, true, 0, 0, 3, 3), result);
    assertEquals(0, count(destinationRegistry, "HEAD", "/v2/other/app/blobs/"));
    List<String> blobWrites =
        destinationRegistry.writes().stream().filter(w -> w.contains("/blobs/")).toList();
    assertEquals(3, blobWrites.size(), blobWrites.toString());
    assertTrue(
        blobWrites.stream()
            .allMatch(w -> w.contains("?mount=") && w.endsWith("&from=mirror%2Fapp")),
        blobWrites.toString());
  }

  @Test
  void twoThreadsCopySameBlobOnce() throws Exception {
    destinationRegistry.responseDelayMillis = 50;
    Repository secondHandle =
        new RegistryClient(destinationRegistry.endpoint())
            .repository("mirror/app", new Credential.Anonymous());
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch ready = new CountDownLatch(2);

    try {
      Future<TagResult> first = pool.submit(() -> syncAfter(ready, destination));
      Future<TagResult> second = pool.submit(() -> syncAfter(ready, secondHandle));
      first.get(30, TimeUnit.SECONDS);
      second.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    List<String> blobPuts =
        destinationRegistry.writes().stream()
            .filter(w -> w.startsWith("PUT") && w.contains("/blobs/uploads/"))
            .toList();
    assertEquals(3, blobPuts.size(), blobPuts.toString());
    long digests = blobPuts.stream().map(w -> w.substring(w.indexOf("digest="))).distinct().count();
    assertEquals(3, digests, blobPuts.toString());
  }

  @Test
  void concurrentCopiesToTwoRepositoriesUploadOnce() throws Exception {
    destinationRegistry.responseDelayMillis = 50;
    Repository otherRepository =
        new RegistryClient(destinationRegistry.endpoint())
            .repository("mirror/other", new Credential.Anonymous());
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch ready = new CountDownLatch(2);

    TagResult first;
    TagResult second;
    try {
      Future<TagResult> one = pool.submit(() -> syncAfter(ready, destination));
      Future<TagResult> two = pool.submit(() -> syncAfter(ready, otherRepository));
      first = one.get(30, TimeUnit.SECONDS);
      second = two.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    List<String> blobPuts =
        destinationRegistry.writes().stream()
            .filter(w -> w.startsWith("PUT") && w.contains("/blobs/uploads/"))
            .toList();
    assertEquals(3, blobPuts.size(), blobPuts.toString());
    assertEquals(3, first.blobsCopied() + first.blobsMounted());
    assertEquals(3, second.blobsCopied() + second.blobsMounted());
    assertEquals(3, first.blobsMounted() + second.blobsMounted());
  }

  private TagResult syncAfter(CountDownLatch ready, Repository target) throws Exception {
    ready.countDown();
    ready.await();
    return copier.sync(source, target, "v1");
  }

  private Digest addImage(Descriptor config, Descriptor... layers) {
    List<String> layerJson = Arrays.stream(layers).map(ImageCopierTest::descriptor).toList();
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"config\":"
            + descriptor(config)
            + ",\"layers\":["
            + String.join(",", layerJson)
            + "]}";
    return sourceRegistry.addManifest("team/app", null, MediaTypes.OCI_MANIFEST, bytes(json));
  }

  private Digest addIndex(String tag, String... children) {
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_INDEX
            + "\",\"manifests\":["
            + String.join(",", children)
            + "]}";
    return sourceRegistry.addManifest("team/app", tag, MediaTypes.OCI_INDEX, bytes(json));
  }

  /** Returns the manifest requests that {@code registry} received, in order. */
  private static List<String> manifestRequests(FakeRegistry registry) {
    return registry.requests.stream().filter(r -> r.contains("/manifests/")).toList();
  }

  /** Counts the {@code method} requests whose path and query contain {@code part}. */
  private static long count(FakeRegistry registry, String method, String part) {
    return registry.requests.stream()
        .filter(r -> r.startsWith(method + " ") && r.contains(part))
        .count();
  }

  private String child(Digest digest, String architecture) {
    int size = sourceRegistry.manifest("team/app", digest.toString()).length;
    return "{\"mediaType\":\""
        + MediaTypes.OCI_MANIFEST
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":"
        + size
        + ",\"platform\":{\"os\":\"linux\",\"architecture\":\""
        + architecture
        + "\"}}";
  }

  private static String descriptor(Descriptor d) {
    return "{\"mediaType\":\""
        + d.mediaType()
        + "\",\"digest\":\""
        + d.digest()
        + "\",\"size\":"
        + d.size()
        + "}";
  }

  private long totalSize() {
    return configAmd64.size() + configArm64.size() + sharedLayer.size();
  }

  private static String shorten(String request) {
    if (request.contains("/blobs/uploads/")) {
      return "PUT blob " + request.substring(request.indexOf("digest=") + 7).replace("%3A", ":");
    }
    return "PUT manifest " + request.substring(request.indexOf("/manifests/") + 11);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
