package io.portager.testenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FixturesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temporary;

  @Test
  void sameSeedGivesSameDigests() {
    FixtureImage first = Fixtures.twoPlatformIndex(temporary.resolve("a"), "1.0", "seed-1");
    FixtureImage second = Fixtures.twoPlatformIndex(temporary.resolve("b"), "1.0", "seed-1");

    assertEquals(first.digest(), second.digest());
  }

  @Test
  void otherSeedChangesTopLayerOnly() {
    FixtureImage first = Fixtures.twoPlatformIndex(temporary.resolve("a"), "1.0", "seed-1");
    FixtureImage second = Fixtures.twoPlatformIndex(temporary.resolve("b"), "1.0", "seed-2");

    assertNotEquals(first.digest(), second.digest());
    assertEquals(baseLayer(first, 0), baseLayer(second, 0));
    assertNotEquals(
        first.images().get(0).layers().get(1).digest(),
        second.images().get(0).layers().get(1).digest());
  }

  @Test
  void allFixturesShareBaseLayer() {
    FixtureImage index = Fixtures.twoPlatformIndex(temporary.resolve("a"), "1.0", "s");
    FixtureImage tool = Fixtures.sharedBaseImage(temporary.resolve("b"), "2.0", "s");
    FixtureImage docker = Fixtures.dockerSchema2Image(temporary.resolve("c"), "3.0", "s");

    assertEquals(baseLayer(index, 0), baseLayer(index, 1));
    assertEquals(baseLayer(index, 0), baseLayer(tool, 0));
    assertEquals(baseLayer(index, 0), baseLayer(docker, 0));
  }

  @Test
  void indexListsTwoPlatforms() throws IOException {
    FixtureImage index = Fixtures.twoPlatformIndex(temporary, "1.0", "s");

    JsonNode document = JSON.readTree(blob(temporary, index.digest()));

    assertEquals(OciLayoutWriter.INDEX, document.path("mediaType").asText());
    assertEquals(2, document.path("manifests").size());
    assertEquals(
        "amd64", document.path("manifests").get(0).path("platform").path("architecture").asText());
    assertEquals(
        "arm64", document.path("manifests").get(1).path("platform").path("architecture").asText());
  }

  @Test
  void layoutIndexTagsTopLevelDescriptor() throws IOException {
    FixtureImage index = Fixtures.twoPlatformIndex(temporary, "1.0", "s");

    JsonNode layoutIndex = JSON.readTree(temporary.resolve("index.json").toFile());
    JsonNode entry = layoutIndex.path("manifests").get(0);

    assertEquals(index.digest(), entry.path("digest").asText());
    assertEquals(Files.size(blobPath(temporary, index.digest())), entry.path("size").asLong());
    assertEquals("1.0", entry.path("annotations").path(OciLayoutWriter.REF_NAME).asText());
    assertTrue(Files.exists(temporary.resolve("oci-layout")));
  }

  @Test
  void descriptorsMatchBlobs() throws IOException {
    FixtureImage index = Fixtures.twoPlatformIndex(temporary, "1.0", "s");

    for (JsonNode child : JSON.readTree(blob(temporary, index.digest())).path("manifests")) {
      assertDescriptorMatches(temporary, child);
      JsonNode manifest = JSON.readTree(blob(temporary, child.path("digest").asText()));
      assertDescriptorMatches(temporary, manifest.path("config"));
      for (JsonNode layer : manifest.path("layers")) {
        assertDescriptorMatches(temporary, layer);
      }
    }
  }

  @Test
  void configDiffIdsMatchUncompressedLayers() throws IOException {
    FixtureImage index = Fixtures.twoPlatformIndex(temporary, "1.0", "s");

    for (FixtureImage.PlatformImage image : index.images()) {
      JsonNode config = JSON.readTree(blob(temporary, image.configDigest()));
      List<String> diffIds = new ArrayList<>();
      config.path("rootfs").path("diff_ids").forEach(id -> diffIds.add(id.asText()));
      List<String> uncompressed = new ArrayList<>();
      for (FixtureImage.LayerBlob layer : image.layers()) {
        uncompressed.add(Skopeo.sha256(gunzip(blob(temporary, layer.digest()))));
      }

      assertEquals("layers", config.path("rootfs").path("type").asText());
      assertEquals(image.architecture(), config.path("architecture").asText());
      assertEquals("linux", config.path("os").asText());
      assertEquals(uncompressed, diffIds);
    }
  }

  @Test
  void layersAreReadableByTar() throws IOException {
    FixtureImage index = Fixtures.twoPlatformIndex(temporary, "1.0", "s");
    Path layer = blobPath(temporary, index.images().get(0).layers().get(1).digest());

    CommandResult listing = Tools.run(Command.of(Tools.find("tar"), "-tzvf", layer.toString()));

    assertTrue(listing.stdout().contains("app/platform.txt"), listing.stdout());
    assertTrue(listing.stdout().contains("app/data.bin"), listing.stdout());
    assertTrue(listing.stdout().contains("drwxr-xr-x root/root"), listing.stdout());
  }

  private static void assertDescriptorMatches(Path layout, JsonNode descriptor) throws IOException {
    String digest = descriptor.path("digest").asText();
    byte[] bytes = blob(layout, digest);
    assertEquals(descriptor.path("size").asLong(), bytes.length, digest);
    assertEquals(digest, Skopeo.sha256(bytes));
  }

  private static String baseLayer(FixtureImage image, int platform) {
    return image.images().get(platform).layers().get(0).digest();
  }

  private static byte[] blob(Path layout, String digest) throws IOException {
    return Files.readAllBytes(blobPath(layout, digest));
  }

  private static Path blobPath(Path layout, String digest) {
    return layout.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
  }

  private static byte[] gunzip(byte[] compressed) throws IOException {
    try (InputStream input = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
      return input.readAllBytes();
    }
  }
}
