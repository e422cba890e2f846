package io.portager.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestTest {
  private static final String D1 = "sha256:" + "1".repeat(64);
  private static final String D2 = "sha256:" + "2".repeat(64);
  private static final String D3 = "sha256:" + "3".repeat(64);

  private static final String INDEX =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
          + "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
          + "\"digest\":\""
          + D1
          + "\",\"size\":100,"
          + "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
          + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
          + "\"digest\":\""
          + D2
          + "\",\"size\":200}]}";

  private static final String DOCKER_V2 =
      "{\"schemaVersion\":2,"
          + "\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
          + "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\","
          + "\"digest\":\""
          + D1
          + "\",\"size\":7},"
          + "\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\","
          + "\"digest\":\""
          + D2
          + "\",\"size\":8},"
          + "{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\","
          + "\"digest\":\""
          + D3
          + "\",\"size\":9}]}";

  @Test
  void parsesIndexChildren() {
    Manifest manifest = Manifest.parse(MediaTypes.OCI_INDEX, bytes(INDEX));

    assertTrue(manifest.isIndex());
    assertEquals(MediaTypes.OCI_INDEX, manifest.mediaType());
    assertEquals(2, manifest.children().size());
    assertEquals(new Platform("linux", "arm64", "v8"), manifest.children().get(0).platform());
    assertEquals(Digest.parse(D2), manifest.children().get(1).digest());
    assertEquals(List.of(), manifest.blobs());
  }

  @Test
  void parsesDockerV2Blobs() {
    Manifest manifest = Manifest.parse(null, bytes(DOCKER_V2));

    assertFalse(manifest.isIndex());
    assertEquals(MediaTypes.DOCKER_MANIFEST, manifest.mediaType());
    assertEquals(
        List.of(Digest.parse(D1), Digest.parse(D2), Digest.parse(D3)),
        manifest.blobs().stream().map(Descriptor::digest).toList());
    assertEquals(List.of(7L, 8L, 9L), manifest.blobs().stream().map(Descriptor::size).toList());
  }

  @Test
  void digestCoversExactBytes() {
    byte[] spaced = bytes(INDEX.replace(",", ", "));

    Manifest manifest = Manifest.parse(null, spaced);

    assertEquals(Digest.sha256(spaced), manifest.digest());
    assertEquals(
        new Descriptor(MediaTypes.OCI_INDEX, Digest.sha256(spaced), spaced.length),
        manifest.descriptor());
  }

  @Test
  void contentTypeParametersAreIgnored() {
    String noField =
        DOCKER_V2.replace(
            "\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",", "");

    Manifest manifest = Manifest.parse(MediaTypes.OCI_MANIFEST + "; charset=utf-8", bytes(noField));

    assertEquals(MediaTypes.OCI_MANIFEST, manifest.mediaType());
  }

  @Test
  void infersIndexWithoutMediaType() {
    String noField =
        INDEX.replace("\"mediaType\":\"application/vnd.oci.image.index.v1+json\",", "");

    Manifest manifest = Manifest.parse("application/octet-stream", bytes(noField));

    assertEquals(MediaTypes.OCI_INDEX, manifest.mediaType());
    assertEquals(2, manifest.children().size());
  }

  @Test
  void infersImageWithoutMediaType() {
    String noField =
        DOCKER_V2.replace(
            "\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",", "");

    Manifest manifest = Manifest.parse(null, bytes(noField));

    assertEquals(MediaTypes.OCI_MANIFEST, manifest.mediaType());
    assertEquals(3, manifest.blobs().size());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"schemaVersion\":1,\"name\":\"a\",\"tag\":\"b\",\"fsLayers\":[]}",
        "{\"schemaVersion\":1,"
            + "\"mediaType\":\"application/vnd.docker.distribution.manifest.v1+prettyjws\"}",
      })
  void rejectsSchema1(String json) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Manifest.parse(null, bytes(json)));

    assertTrue(e.getMessage().contains("Docker schema 1 manifests are not supported"));
    assertTrue(e.getMessage().contains("re-push the image with a current client"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "[]",
        "{\"schemaVersion\":2}",
        "{\"mediaType\":\"application/vnd.oci.image.index.v1+json\"}",
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[]}",
        "{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{\"size\":1}]}",
        "{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":"
            + "[{\"mediaType\":\"x\",\"digest\":\"sha256:12\",\"size\":1}]}",
        "{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":"
            + "[{\"mediaType\":\"x\",\"digest\":\""
            + "sha256:"
            + "a"
            + "\",\"size\":-1}]}",
        "{\"mediaType\":\"application/vnd.example+json\",\"layers\":[]}",
      })
  void rejectsMalformedManifest(String json) {
    assertThrows(IllegalArgumentException.class, () -> Manifest.parse(null, bytes(json)));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static final String ARTIFACT =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
          + "\"artifactType\":\"application/spdx+json\","
          + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\","
          + "\"digest\":\""
          + D1
          + "\",\"size\":2},"
          + "\"layers\":[{\"mediaType\":\"application/spdx+json\",\"digest\":\""
          + D2
          + "\",\"size\":10}],"
          + "\"subject\":{\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
          + "\"digest\":\""
          + D3
          + "\",\"size\":300},"
          + "\"annotations\":{\"org.example.b\":\"2\",\"org.example.a\":\"1\"}}";

  @Test
  void readsArtifactFields() {
    Manifest manifest = Manifest.parse(null, bytes(ARTIFACT));

    assertEquals("application/spdx+json", manifest.artifactType());
    assertEquals(MediaTypes.EMPTY, manifest.configMediaType());
    assertEquals(Digest.parse(D3), manifest.subject().orElseThrow().digest());
    assertEquals("1", manifest.annotations().get("org.example.a"));
    assertEquals(2, manifest.annotations().size());
  }

  @Test
  void imageHasNoSubjectOrArtifactType() {
    Manifest manifest = Manifest.parse(null, bytes(DOCKER_V2));

    assertTrue(manifest.subject().isEmpty());
    assertEquals(null, manifest.artifactType());
    assertEquals(Map.of(), manifest.annotations());
  }

  @Test
  void filterChildrenKeepsOtherFields() {
    String index =
        INDEX.substring(0, INDEX.length() - 1) + ",\"annotations\":{\"a\":\"b\"},\"x\":1.50}";
    Manifest manifest = Manifest.parse(null, bytes(index));

    Manifest filtered = manifest.filterChildren(Set.of(Digest.parse(D1)));

    String want =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            + "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"digest\":\""
            + D1
            + "\",\"size\":100,"
            + "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}}],"
            + "\"annotations\":{\"a\":\"b\"},\"x\":1.50}";
    assertEquals(want, new String(filtered.bytes(), StandardCharsets.UTF_8));
    assertEquals(Digest.sha256(bytes(want)), filtered.digest());
    assertEquals(filtered, manifest.filterChildren(Set.of(Digest.parse(D1))));
  }

  @Test
  void referrersIndexIsDeterministic() {
    Descriptor entry =
        new Descriptor(
            MediaTypes.OCI_MANIFEST,
            Digest.parse(D1),
            5,
            null,
            "application/spdx+json",
            Map.of("z", "1", "a", "2"));

    Manifest index = Manifest.parse(null, Manifest.referrersIndex(List.of(entry)).bytes());

    String want =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            + "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"digest\":\""
            + D1
            + "\",\"size\":5,\"artifactType\":\"application/spdx+json\","
            + "\"annotations\":{\"a\":\"2\",\"z\":\"1\"}}]}";
    assertEquals(want, new String(index.bytes(), StandardCharsets.UTF_8));
    assertEquals(List.of(entry), index.children());
  }
}
