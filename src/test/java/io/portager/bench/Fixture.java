package io.portager.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The benchmark images: {@code repositories} repositories of {@code tags} tags, each tag a
 * two-platform OCI index. Per platform, the base layer is the same in every repository, the middle
 * layer the same for every tag of one repository, and the top layer and the config differ per tag.
 * Content depends only on the sizes and the names, so two runs push identical digests.
 */
final class Fixture {
  static final String INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";
  static final String MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
  static final String CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";
  static final String LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
  static final List<String> ARCHITECTURES = List.of("amd64", "arm64");

  /** Sizes of the three layers of each platform, in bytes. */
  record LayerSizes(int base, int middle, int top) {}

  static final LayerSizes DEFAULT_SIZES = new LayerSizes(2 << 20, 512 << 10, 8 << 10);

  private final int repositories;
  private final int tags;
  private final LayerSizes sizes;

  /** Digest to size of every blob pushed, so each distinct blob counts once. */
  private final Map<String, Long> uniqueBlobs = new LinkedHashMap<>();

  Fixture(int repositories, int tags, LayerSizes sizes) {
    this.repositories = repositories;
    this.tags = tags;
    this.sizes = sizes;
  }

  static String repository(int index) {
    return "bench/repo" + index;
  }

  static String tag(int index) {
    return "v" + index;
  }

  int repositories() {
    return repositories;
  }

  int tags() {
    return tags;
  }

  /**
   * Returns the bytes of all distinct blobs pushed by {@link #push}: what a cold copy must read.
   */
  synchronized long uniqueBlobBytes() {
    return uniqueBlobs.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Pushes every tag with {@code threads} uploads at once. */
  void push(FixturePusher pusher, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<String>> pending = new ArrayList<>();
      for (int r = 0; r < repositories; r++) {
        for (int t = 0; t < tags; t++) {
          int repository = r;
          int tag = t;
          pending.add(pool.submit(() -> pushTag(pusher, repository, tag, 0)));
        }
      }
      for (Future<String> future : pending) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Pushes tag {@code tag} of repository {@code repository} with content variant {@code version} (0
   * is the original; a higher number moves the tag to new top layers) and returns the index digest.
   */
  String pushTag(FixturePusher pusher, int repository, int tag, int version) {
    String name = repository(repository);
    StringBuilder manifests = new StringBuilder();
    for (String architecture : ARCHITECTURES) {
      long platformSeed = architecture.hashCode();
      byte[] base = StoredGzip.bytes(platformSeed, sizes.base());
      byte[] middle = StoredGzip.bytes(platformSeed * 31 + repository + 1, sizes.middle());
      long topSeed = ((platformSeed * 31 + repository) * 1_000_003L + tag) * 1_009L + version;
      byte[] top = StoredGzip.bytes(topSeed, sizes.top());
      byte[] config = config(architecture, name, tag, version);
      String manifest =
          "{\"schemaVersion\":2,\"mediaType\":\""
              + MANIFEST_MEDIA_TYPE
              + "\",\"config\":"
              + descriptor(CONFIG_MEDIA_TYPE, pushBlob(pusher, name, config), config.length)
              + ",\"layers\":["
              + descriptor(LAYER_MEDIA_TYPE, pushBlob(pusher, name, base), base.length)
              + ","
              + descriptor(LAYER_MEDIA_TYPE, pushBlob(pusher, name, middle), middle.length)
              + ","
              + descriptor(LAYER_MEDIA_TYPE, pushBlob(pusher, name, top), top.length)
              + "]}";
      byte[] manifestBytes = manifest.getBytes(StandardCharsets.UTF_8);
      String digest = FixturePusher.sha256(manifestBytes);
      pusher.pushManifest(name, digest, MANIFEST_MEDIA_TYPE, manifestBytes);
      if (manifests.length() > 0) {
        manifests.append(',');
      }
      manifests
          .append("{\"mediaType\":\"")
          .append(MANIFEST_MEDIA_TYPE)
          .append("\",\"digest\":\"")
          .append(digest)
          .append("\",\"size\":")
          .append(manifestBytes.length)
          .append(",\"platform\":{\"architecture\":\"")
          .append(architecture)
          .append("\",\"os\":\"linux\"}}");
    }
    String index =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + INDEX_MEDIA_TYPE
            + "\",\"manifests\":["
            + manifests
            + "]}";
    return pusher.pushManifest(
        name, tag(tag), INDEX_MEDIA_TYPE, index.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Pushes {@code repository:tag} as a single-platform image whose one layer has {@code size}
   * generated bytes, streamed and never held in memory, and returns the manifest digest.
   */
  static String pushLargeImage(FixturePusher pusher, String repository, String tag, long size) {
    long layerSize = StoredGzip.size(size);
    String layer = pusher.pushGeneratedBlob(repository, size ^ 0x5EEDL, size);
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[\""
                + layer
                + "\"]}}")
            .getBytes(StandardCharsets.UTF_8);
    String configDigest = pusher.pushBlob(repository, config);
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MANIFEST_MEDIA_TYPE
            + "\",\"config\":"
            + descriptor(CONFIG_MEDIA_TYPE, configDigest, config.length)
            + ",\"layers\":["
            + descriptor(LAYER_MEDIA_TYPE, layer, layerSize)
            + "]}";
    return pusher.pushManifest(
        repository, tag, MANIFEST_MEDIA_TYPE, manifest.getBytes(StandardCharsets.UTF_8));
  }

  private String pushBlob(FixturePusher pusher, String repository, byte[] content) {
    String digest = pusher.pushBlob(repository, content);
    synchronized (this) {
      uniqueBlobs.put(digest, (long) content.length);
    }
    return digest;
  }

  private static byte[] config(String architecture, String repository, int tag, int version) {
    // The diff_ids are not checked by any of the measured tools, so one placeholder serves.
    String text =
        "{\"architecture\":\""
            + architecture
            + "\",\"os\":\"linux\",\"config\":{\"Labels\":{\"bench.repository\":\""
            + repository
            + "\",\"bench.tag\":\""
            + tag(tag)
            + "\",\"bench.version\":\""
            + version
            + "\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String descriptor(String mediaType, String digest, long size) {
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":"
        + size
        + "}";
  }
}
