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
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
  void existingChildAndBlobsAreSkipped() {
    copier.sync(source, destination, "v1");
    destinationRegistry.requests.clear();

    TagResult result = copier.sync(source, destination, "v1");
    assertFalse(result.copied());

    sourceRegistry.addManifest(
        "team/app", "v2", MediaTypes.OCI_INDEX, sourceRegistry.manifest("team/app", "v1"));
    TagResult retag = copier.sync(source, destination, "v2");
    assertEquals(new TagResult(index, true, 0, 0, 1, 0), retag);
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

    TagResult result = copier.sync(source, destination, "v2");

    assertTrue(result.copied());
    assertArrayEquals(
        sourceRegistry.blobs.get(sharedLayer.digest()),
        destinationRegistry.blobs.get(sharedLayer.digest()));
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

  private Digest addImage(Descriptor config, Descriptor layer) {
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"config\":"
            + descriptor(config)
            + ",\"layers\":["
            + descriptor(layer)
            + "]}";
    return sourceRegistry.addManifest("team/app", null, MediaTypes.OCI_MANIFEST, bytes(json));
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
