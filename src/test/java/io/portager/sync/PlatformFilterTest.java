package io.portager.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.oci.Descriptor;
import io.portager.oci.Manifest;
import io.portager.oci.MediaTypes;
import io.portager.oci.Platform;
import io.portager.registry.Credential;
import io.portager.registry.FakeRegistry;
import io.portager.registry.RegistryClient;
import io.portager.registry.RegistryException;
import io.portager.registry.Repository;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PlatformFilterTest {
  private final ImageCopier copier = new ImageCopier();
  private FakeRegistry sourceRegistry;
  private FakeRegistry destinationRegistry;
  private Repository source;
  private Repository destination;
  private TestContent content;
  private Descriptor amd64;
  private Descriptor arm64;
  private Descriptor arm;
  private Descriptor index;

  @BeforeEach
  void start() throws IOException {
    sourceRegistry = new FakeRegistry();
    destinationRegistry = new FakeRegistry();
    Credential anonymous = new Credential.Anonymous();
    source = new RegistryClient(sourceRegistry.endpoint()).repository("team/app", anonymous);
    destination =
        new RegistryClient(destinationRegistry.endpoint()).repository("mirror/app", anonymous);
    content = new TestContent(sourceRegistry, "team/app");
    amd64 = content.image("linux/amd64", MediaTypes.OCI_MANIFEST, null);
    arm64 = content.image("linux/arm64/v8", MediaTypes.OCI_MANIFEST, null);
    arm = content.image("linux/arm/v7", MediaTypes.OCI_MANIFEST, null);
    index =
        content.index(
            MediaTypes.OCI_INDEX,
            "v1",
            List.of(amd64, arm64, arm),
            List.of("linux/amd64", "linux/arm64/v8", "linux/arm/v7"));
  }

  @AfterEach
  void stop() {
    sourceRegistry.close();
    destinationRegistry.close();
  }

  @Test
  void indexIsRewrittenWithRequestedPlatforms() {
    TagResult result =
        copier.sync(source, destination, "v1", options("linux/arm64", "linux/amd64"));

    Manifest written = Manifest.parse(null, destinationRegistry.manifest("mirror/app", "v1"));
    assertEquals(index.digest(), result.sourceDigest());
    assertEquals(written.digest(), result.destinationDigest());
    assertNotEquals(index.digest(), result.destinationDigest());
    assertEquals(
        List.of(amd64.digest(), arm64.digest()),
        written.children().stream().map(Descriptor::digest).toList());
    assertEquals(
        List.of(Platform.parse("linux/amd64"), Platform.parse("linux/arm64/v8")),
        result.platforms());
    assertEquals("1.0", written.annotations().get("org.opencontainers.image.version"));
    assertEquals(MediaTypes.OCI_INDEX, written.mediaType());
    assertNull(result.warning());
    assertTrue(result.copied());
    assertArrayEquals(
        sourceRegistry.manifest("team/app", arm64.digest().toString()),
        destinationRegistry.manifest("mirror/app", arm64.digest().toString()));
    assertNull(destinationRegistry.manifest("mirror/app", arm.digest().toString()));
  }

  @Test
  void filteredIndexDigestIsDeterministic() throws IOException {
    TagResult first = copier.sync(source, destination, "v1", options("linux/arm/v7"));
    try (FakeRegistry other = new FakeRegistry()) {
      Repository otherDestination =
          new RegistryClient(other.endpoint()).repository("copy/app", new Credential.Anonymous());

      TagResult second = copier.sync(source, otherDestination, "v1", options("linux/arm/v7"));

      assertEquals(first.destinationDigest(), second.destinationDigest());
      assertArrayEquals(
          destinationRegistry.manifest("mirror/app", "v1"), other.manifest("copy/app", "v1"));
    }
    Manifest expected =
        Manifest.parse(null, sourceRegistry.manifest("team/app", "v1"))
            .filterChildren(java.util.Set.of(arm.digest()));
    assertEquals(expected.digest(), first.destinationDigest());
  }

  @Test
  void secondRunWritesNothing() {
    copier.sync(source, destination, "v1", options("linux/amd64"));
    int writes = destinationRegistry.writes().size();

    TagResult again = copier.sync(source, destination, "v1", options("linux/amd64"));

    assertFalse(again.copied());
    assertEquals(writes, destinationRegistry.writes().size());
    assertNotEquals(again.sourceDigest(), again.destinationDigest());
    assertEquals(List.of(Platform.parse("linux/amd64")), again.platforms());
  }

  @Test
  void missingPlatformIsWarning() {
    TagResult result =
        copier.sync(source, destination, "v1", options("linux/amd64", "linux/s390x"));

    assertTrue(result.copied());
    assertEquals(List.of(Platform.parse("linux/amd64")), result.platforms());
    assertTrue(result.warning().contains("linux/s390x"), result.warning());
    assertFalse(result.warning().contains("linux/amd64"), result.warning());
  }

  @Test
  void noRequestedPlatformFailsTag() {
    RegistryException e =
        assertThrows(
            RegistryException.class,
            () -> copier.sync(source, destination, "v1", options("linux/s390x", "windows/amd64")));

    assertTrue(e.getMessage().contains("has none of the requested platforms"), e.getMessage());
    assertTrue(e.getMessage().contains("linux/s390x"), e.getMessage());
    assertTrue(e.getMessage().contains("linux/arm/v7"), e.getMessage());
    assertFalse(e.isRetryable());
    assertTrue(destinationRegistry.writes().isEmpty());
  }

  @Test
  void matchingSingleImageCopiesAsIs() {
    Descriptor image = content.image("linux/arm64", MediaTypes.DOCKER_MANIFEST, "solo");

    TagResult result = copier.sync(source, destination, "solo", options("linux/arm64/v8"));

    assertEquals(image.digest(), result.destinationDigest());
    assertEquals(List.of(Platform.parse("linux/arm64")), result.platforms());
    assertArrayEquals(
        sourceRegistry.manifest("team/app", "solo"),
        destinationRegistry.manifest("mirror/app", "solo"));
  }

  @Test
  void otherSingleImageFails() {
    content.image("linux/amd64", MediaTypes.OCI_MANIFEST, "solo");

    RegistryException e =
        assertThrows(
            RegistryException.class,
            () -> copier.sync(source, destination, "solo", options("linux/arm64")));

    assertTrue(e.getMessage().contains("the source image has none"), e.getMessage());
    assertTrue(e.getMessage().contains("[linux/amd64]"), e.getMessage());
    assertTrue(destinationRegistry.writes().isEmpty());
  }

  @Test
  void dockerManifestListKeepsItsMediaType() {
    Descriptor list =
        content.index(
            MediaTypes.DOCKER_MANIFEST_LIST,
            "list",
            List.of(amd64, arm64),
            List.of("linux/amd64", "linux/arm64"));

    TagResult result = copier.sync(source, destination, "list", options("linux/arm64"));

    Manifest written = Manifest.parse(null, destinationRegistry.manifest("mirror/app", "list"));
    assertEquals(MediaTypes.DOCKER_MANIFEST_LIST, written.mediaType());
    assertEquals(
        List.of(arm64.digest()), written.children().stream().map(Descriptor::digest).toList());
    assertNotEquals(list.digest(), result.destinationDigest());
  }

  private static CopyOptions options(String... platforms) {
    List<Platform> parsed = java.util.Arrays.stream(platforms).map(Platform::parse).toList();
    return new CopyOptions(parsed, false, List.of());
  }
}
