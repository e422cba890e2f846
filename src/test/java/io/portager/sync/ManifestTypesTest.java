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
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each manifest type copied through {@link ImageCopier}, byte for byte. */
class ManifestTypesTest {
  private final ImageCopier copier = new ImageCopier();
  private FakeRegistry sourceRegistry;
  private FakeRegistry destinationRegistry;
  private Repository source;
  private Repository destination;
  private TestContent content;

  @BeforeEach
  void start() throws IOException {
    sourceRegistry = new FakeRegistry();
    destinationRegistry = new FakeRegistry();
    Credential anonymous = new Credential.Anonymous();
    source = new RegistryClient(sourceRegistry.endpoint()).repository("team/app", anonymous);
    destination =
        new RegistryClient(destinationRegistry.endpoint()).repository("mirror/app", anonymous);
    content = new TestContent(sourceRegistry, "team/app");
  }

  @AfterEach
  void stop() {
    sourceRegistry.close();
    destinationRegistry.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {MediaTypes.DOCKER_MANIFEST, MediaTypes.OCI_MANIFEST})
  void imageManifestCopiesByteExact(String mediaType) {
    Descriptor image = content.image("linux/amd64", mediaType, "v1");

    TagResult result = copier.sync(source, destination, "v1");

    assertEquals(image.digest(), result.sourceDigest());
    assertEquals(image.digest(), result.destinationDigest());
    assertEquals(2, result.blobsCopied());
    assertSameBytes("v1");
    assertEquals(mediaType, destination.headManifest("v1").orElseThrow().mediaType());
  }

  @ParameterizedTest
  @ValueSource(strings = {MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.OCI_INDEX})
  void indexCopiesByteExact(String mediaType) {
    String childType =
        mediaType.equals(MediaTypes.OCI_INDEX)
            ? MediaTypes.OCI_MANIFEST
            : MediaTypes.DOCKER_MANIFEST;
    Descriptor amd64 = content.image("linux/amd64", childType, null);
    Descriptor arm64 = content.image("linux/arm64/v8", childType, null);
    Descriptor index =
        content.index(
            mediaType, "v1", List.of(amd64, arm64), List.of("linux/amd64", "linux/arm64/v8"));

    TagResult result = copier.sync(source, destination, "v1");

    assertEquals(index.digest(), result.destinationDigest());
    assertEquals(3, result.manifestsPushed());
    assertSameBytes("v1");
    assertSameBytes(amd64.digest().toString());
    assertSameBytes(arm64.digest().toString());
  }

  @Test
  void artifactWithEmptyConfigCopiesByteExact() {
    Descriptor empty = sourceRegistry.addBlob(MediaTypes.EMPTY, TestContent.bytes("{}"));
    Descriptor payload =
        sourceRegistry.addBlob("application/vnd.example.data.v1.tar", TestContent.bytes("data"));
    Descriptor artifact =
        content.manifestOf("v1", empty, List.of(payload), "application/vnd.example.thing.v1");

    TagResult result = copier.sync(source, destination, "v1");

    assertEquals(artifact.digest(), result.destinationDigest());
    assertEquals(2, result.blobsCopied());
    assertSameBytes("v1");
    assertArrayEquals(TestContent.bytes("{}"), destinationRegistry.blobs.get(empty.digest()));
  }

  @Test
  void helmChartCopiesByteExact() {
    Descriptor config =
        sourceRegistry.addBlob(
            MediaTypes.HELM_CONFIG,
            TestContent.bytes("{\"name\":\"demo\",\"version\":\"0.1.0\",\"apiVersion\":\"v2\"}"));
    Descriptor chart = sourceRegistry.addBlob(MediaTypes.HELM_CHART, TestContent.bytes("chart"));
    Descriptor manifest = content.manifestOf("0.1.0", config, List.of(chart), null);

    TagResult result = copier.sync(source, destination, "0.1.0");

    assertEquals(manifest.digest(), result.destinationDigest());
    assertSameBytes("0.1.0");
    assertArrayEquals(
        sourceRegistry.blobs.get(chart.digest()), destinationRegistry.blobs.get(chart.digest()));
    assertArrayEquals(
        sourceRegistry.blobs.get(config.digest()), destinationRegistry.blobs.get(config.digest()));
  }

  @Test
  void schema1IsRejectedWithReason() {
    sourceRegistry.addManifest(
        "team/app",
        "old",
        MediaTypes.DOCKER_SCHEMA1_SIGNED,
        TestContent.bytes("{\"schemaVersion\":1,\"name\":\"team/app\",\"fsLayers\":[]}"));

    RegistryException e =
        assertThrows(RegistryException.class, () -> copier.sync(source, destination, "old"));

    assertTrue(e.getMessage().contains("schema 1 manifests are not supported"), e.getMessage());
    assertFalse(e.isRetryable());
    assertTrue(destinationRegistry.writes().isEmpty());
  }

  @Test
  void oversizeManifestFailsClearly() {
    Descriptor config = sourceRegistry.addBlob(TestContent.CONFIG, TestContent.bytes("{}"));
    byte[] padding = new byte[4 * 1024 * 1024];
    Arrays.fill(padding, (byte) 'a');
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"config\":"
            + TestContent.descriptor(config)
            + ",\"layers\":[],\"annotations\":{\"pad\":\""
            + new String(padding, java.nio.charset.StandardCharsets.US_ASCII)
            + "\"}}";
    sourceRegistry.addManifest(
        "team/app", "huge", MediaTypes.OCI_MANIFEST, TestContent.bytes(json));

    RegistryException e =
        assertThrows(RegistryException.class, () -> copier.sync(source, destination, "huge"));

    assertTrue(e.getMessage().contains("exceeds the limit of 4194304 bytes"), e.getMessage());
    assertFalse(e.isRetryable());
    assertNull(destinationRegistry.manifest("mirror/app", "huge"));
  }

  @Test
  void foreignAndNonDistributableLayersAreSkipped() {
    Descriptor config = sourceRegistry.addBlob(TestContent.CONFIG, TestContent.bytes("{}"));
    Descriptor local = sourceRegistry.addBlob(TestContent.LAYER, TestContent.bytes("local"));
    // Neither blob is stored at the source: their bytes live outside registries.
    Descriptor foreign =
        new Descriptor(
            "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
            Digest.sha256(TestContent.bytes("windows base")),
            12);
    Descriptor restricted =
        new Descriptor(
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
            Digest.sha256(TestContent.bytes("licensed")),
            8);
    content.manifestOf("win", config, List.of(foreign, restricted, local), null);

    TagResult result = copier.sync(source, destination, "win");

    assertEquals(2, result.blobsCopied());
    assertSameBytes("win");
    assertFalse(destinationRegistry.blobs.containsKey(foreign.digest()));
    assertFalse(destinationRegistry.blobs.containsKey(restricted.digest()));
    assertTrue(
        sourceRegistry.requests.stream().noneMatch(r -> r.contains(foreign.digest().toString())));
  }

  private void assertSameBytes(String reference) {
    byte[] want = sourceRegistry.manifest("team/app", reference);
    assertTrue(want != null, "source lacks " + reference);
    assertArrayEquals(want, destinationRegistry.manifest("mirror/app", reference));
  }
}
