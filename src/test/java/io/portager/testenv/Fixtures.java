package io.portager.testenv;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Deterministic OCI test content, written as OCI image layouts and pushed with skopeo.
 *
 * <p>Every image starts with the same base layer, which does not depend on the seed, so that images
 * in different repositories share a blob (for cross-repository mount tests). The layers above it
 * depend on the seed: the same seed always gives the same digests, and another seed gives other
 * digests, which is how a test moves a tag to new content.
 */
public final class Fixtures {
  /** {@code skopeo copy --format} value for Docker image manifest schema 2. */
  public static final String DOCKER_SCHEMA_2 = "v2s2";

  private Fixtures() {}

  /** The reference of a pushed fixture and the digest skopeo read back from the registry. */
  public record PushedImage(String reference, String digest, FixtureImage fixture) {}

  /** Writes an OCI index with linux/amd64 and linux/arm64 images that share the base layer. */
  public static FixtureImage twoPlatformIndex(Path layout, String tag, String seed) {
    OciLayoutWriter writer = new OciLayoutWriter(layout);
    List<FixtureImage.PlatformImage> images = new ArrayList<>();
    List<Map<String, Object>> entries = new ArrayList<>();
    for (String architecture : List.of("amd64", "arm64")) {
      Map<String, byte[]> files = new LinkedHashMap<>();
      files.put("app/platform.txt", text("linux/" + architecture + "\n"));
      files.put("app/version.txt", text(seed + "\n"));
      files.put("app/data.bin", pseudoRandom(seed + "/" + architecture, 8192));
      ImageParts parts = writeImage(writer, architecture, seed, files);
      images.add(parts.image());
      entries.add(parts.manifest().withPlatform("linux", architecture).toJson());
    }

    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", OciLayoutWriter.INDEX);
    index.put("manifests", entries);
    OciLayoutWriter.Descriptor descriptor = writer.writeJson(OciLayoutWriter.INDEX, index);
    writer.tag(descriptor, tag);
    writer.finish();
    return new FixtureImage(layout, tag, OciLayoutWriter.INDEX, descriptor.digest(), images, "");
  }

  /** Writes a linux/amd64 OCI image with the shared base layer and one layer of its own. */
  public static FixtureImage sharedBaseImage(Path layout, String tag, String seed) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("tool/version.txt", text(seed + "\n"));
    files.put("tool/data.bin", pseudoRandom(seed + "/tool", 4096));
    return singleImage(layout, tag, seed, files, "");
  }

  /**
   * Writes a linux/amd64 image that {@link #push} converts to a Docker schema 2 manifest ({@code
   * application/vnd.docker.distribution.manifest.v2+json}).
   */
  public static FixtureImage dockerSchema2Image(Path layout, String tag, String seed) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("docker/version.txt", text(seed + "\n"));
    files.put("docker/data.bin", pseudoRandom(seed + "/docker", 4096));
    return singleImage(layout, tag, seed, files, DOCKER_SCHEMA_2);
  }

  /**
   * Pushes a fixture with {@code skopeo copy --all} to {@code <host>/<repository>:<tag>} and
   * returns the digest skopeo reads back. For a Docker schema 2 fixture that digest differs from
   * {@link FixtureImage#digest()}, because skopeo rewrites the manifest.
   */
  public static PushedImage push(
      Skopeo skopeo,
      FixtureImage fixture,
      String host,
      String repository,
      String tag,
      RegistryCredentials credentials) {
    String reference = host + "/" + repository + ":" + tag;
    List<String> options = new ArrayList<>(List.of("--all"));
    if (!fixture.pushFormat().isEmpty()) {
      options.add("--format=" + fixture.pushFormat());
    }
    skopeo.copy(
        fixture.ociReference(),
        RegistryCredentials.anonymous(),
        "docker://" + reference,
        credentials,
        options.toArray(String[]::new));
    return new PushedImage(reference, skopeo.digest(reference, credentials), fixture);
  }

  private static FixtureImage singleImage(
      Path layout, String tag, String seed, Map<String, byte[]> files, String pushFormat) {
    OciLayoutWriter writer = new OciLayoutWriter(layout);
    ImageParts parts = writeImage(writer, "amd64", seed, files);
    writer.tag(parts.manifest(), tag);
    writer.finish();
    return new FixtureImage(
        layout,
        tag,
        OciLayoutWriter.MANIFEST,
        parts.manifest().digest(),
        List.of(parts.image()),
        pushFormat);
  }

  private record ImageParts(
      OciLayoutWriter.Descriptor manifest, FixtureImage.PlatformImage image) {}

  /** Writes base layer, a layer of {@code files}, the config and the manifest of one image. */
  private static ImageParts writeImage(
      OciLayoutWriter writer, String architecture, String seed, Map<String, byte[]> files) {
    List<OciLayoutWriter.Layer> layers =
        List.of(writer.writeLayer(baseLayerTar()), writer.writeLayer(TarArchive.of(files)));
    OciLayoutWriter.Descriptor config =
        writer.writeJson(OciLayoutWriter.CONFIG, config(architecture, seed, layers));

    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", OciLayoutWriter.MANIFEST);
    manifest.put("config", config.toJson());
    manifest.put("layers", layers.stream().map(layer -> layer.descriptor().toJson()).toList());
    OciLayoutWriter.Descriptor descriptor = writer.writeJson(OciLayoutWriter.MANIFEST, manifest);

    List<FixtureImage.LayerBlob> blobs =
        layers.stream()
            .map(
                layer ->
                    new FixtureImage.LayerBlob(
                        layer.descriptor().digest(), layer.descriptor().size(), layer.diffId()))
            .toList();
    FixtureImage.PlatformImage image =
        new FixtureImage.PlatformImage(
            "linux", architecture, descriptor.digest(), config.digest(), blobs);
    return new ImageParts(descriptor, image);
  }

  private static Map<String, Object> config(
      String architecture, String seed, List<OciLayoutWriter.Layer> layers) {
    Map<String, Object> rootfs = new LinkedHashMap<>();
    rootfs.put("type", "layers");
    rootfs.put("diff_ids", layers.stream().map(OciLayoutWriter.Layer::diffId).toList());

    Map<String, Object> runtime = new LinkedHashMap<>();
    runtime.put("Env", List.of("PATH=/usr/local/bin:/usr/bin:/bin"));
    runtime.put("Cmd", List.of("/bin/true"));
    runtime.put("Labels", Map.of("io.portager.fixture.seed", seed));

    Map<String, Object> config = new LinkedHashMap<>();
    config.put("created", "2024-01-01T00:00:00Z");
    config.put("architecture", architecture);
    config.put("os", "linux");
    config.put("config", runtime);
    config.put("rootfs", rootfs);
    return config;
  }

  /** The layer every fixture image starts with; its bytes never change. */
  static byte[] baseLayerTar() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("etc/os-release", text("NAME=\"Portager test base\"\nID=portager-test\n"));
    files.put("usr/share/portager/base.txt", text("shared base layer of the test fixtures\n"));
    files.put("usr/share/portager/base.bin", pseudoRandom("base", 16384));
    return TarArchive.of(files);
  }

  /** Returns {@code size} bytes that depend only on {@code seed}. */
  static byte[] pseudoRandom(String seed, int size) {
    byte[] bytes = new byte[size];
    new Random(seed.hashCode()).nextBytes(bytes);
    return bytes;
  }

  private static byte[] text(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
