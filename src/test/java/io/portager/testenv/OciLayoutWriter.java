package io.portager.testenv;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes an OCI image layout directory: {@code oci-layout}, {@code blobs/sha256/<hex>} and, on
 * {@link #finish}, {@code index.json} with one entry per tag.
 */
final class OciLayoutWriter {
  static final String INDEX = "application/vnd.oci.image.index.v1+json";
  static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String CONFIG = "application/vnd.oci.image.config.v1+json";
  static final String LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  static final String REF_NAME = "org.opencontainers.image.ref.name";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path layout;
  private final List<Map<String, Object>> tagged = new ArrayList<>();

  OciLayoutWriter(Path layout) {
    this.layout = layout;
    RunDirectory.createDirectories(layout.resolve("blobs").resolve("sha256"));
    write(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes());
  }

  /** A blob's descriptor; {@code platform} is empty except for index entries. */
  record Descriptor(String mediaType, String digest, long size, Map<String, String> platform) {
    Descriptor {
      platform = Map.copyOf(platform);
    }

    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("mediaType", mediaType);
      json.put("digest", digest);
      json.put("size", size);
      if (!platform.isEmpty()) {
        Map<String, String> ordered = new LinkedHashMap<>();
        ordered.put("architecture", platform.get("architecture"));
        ordered.put("os", platform.get("os"));
        json.put("platform", ordered);
      }
      return json;
    }

    Descriptor withPlatform(String os, String architecture) {
      return new Descriptor(
          mediaType, digest, size, Map.of("os", os, "architecture", architecture));
    }
  }

  /** A written layer: the gzip blob and the sha256 of the uncompressed tar (its diff ID). */
  record Layer(Descriptor descriptor, String diffId) {}

  /** Stores {@code bytes} as a blob and returns its descriptor. */
  Descriptor writeBlob(String mediaType, byte[] bytes) {
    String digest = Skopeo.sha256(bytes);
    Path file = layout.resolve("blobs").resolve("sha256").resolve(digest.substring(7));
    write(file, bytes);
    return new Descriptor(mediaType, digest, bytes.length, Map.of());
  }

  /** Stores a JSON document as a blob, with the key order of {@code document}. */
  Descriptor writeJson(String mediaType, Object document) {
    try {
      return writeBlob(mediaType, JSON.writeValueAsBytes(document));
    } catch (IOException e) {
      throw new UncheckedIOException("encode " + mediaType, e);
    }
  }

  /** Compresses a tar archive with gzip and stores it as a layer blob. */
  Layer writeLayer(byte[] tar) {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
      gzip.write(tar);
    } catch (IOException e) {
      throw new UncheckedIOException("gzip layer", e);
    }
    Descriptor descriptor = writeBlob(LAYER_GZIP, compressed.toByteArray());
    return new Layer(descriptor, Skopeo.sha256(tar));
  }

  /** Adds {@code descriptor} to {@code index.json} under the tag {@code tag}. */
  void tag(Descriptor descriptor, String tag) {
    Map<String, Object> entry = descriptor.toJson();
    entry.put("annotations", Map.of(REF_NAME, tag));
    tagged.add(entry);
  }

  /** Writes {@code index.json}. */
  void finish() {
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", INDEX);
    index.put("manifests", tagged);
    try {
      write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
    } catch (IOException e) {
      throw new UncheckedIOException("encode index.json", e);
    }
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("write " + file, e);
    }
  }
}
