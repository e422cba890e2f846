package io.portager.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portager.oci.Descriptor;
import io.portager.oci.Digest;
import io.portager.oci.MediaTypes;
import io.portager.registry.FakeRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Builds manifests, indexes and referrers in one repository of a {@link FakeRegistry}. */
final class TestContent {
  static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
  static final String CONFIG = "application/vnd.oci.image.config.v1+json";
  static final String SBOM = "application/spdx+json";
  static final String SIGNATURE = "application/vnd.dev.cosign.artifact.sig.v1+json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FakeRegistry registry;
  private final String repository;

  TestContent(FakeRegistry registry, String repository) {
    this.registry = registry;
    this.repository = repository;
  }

  /** Stores an image for {@code os/architecture[/variant]} and returns its manifest descriptor. */
  Descriptor image(String platform, String mediaType, String tag) {
    String[] parts = platform.split("/");
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", parts[1]);
    config.put("os", parts[0]);
    if (parts.length == 3) {
      config.put("variant", parts[2]);
    }
    Descriptor configBlob = registry.addBlob(CONFIG, write(config));
    Descriptor layer = registry.addBlob(LAYER, bytes("layer of " + platform));
    ObjectNode manifest = manifest(mediaType, configBlob, List.of(layer));
    return store(tag, mediaType, manifest);
  }

  /** Stores an index of {@code children}, each with the platform it was built for. */
  Descriptor index(
      String mediaType, String tag, List<Descriptor> children, List<String> platforms) {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", mediaType);
    ArrayNode manifests = index.putArray("manifests");
    for (int i = 0; i < children.size(); i++) {
      ObjectNode entry = descriptor(children.get(i));
      String[] parts = platforms.get(i).split("/");
      ObjectNode platform = entry.putObject("platform");
      platform.put("architecture", parts[1]);
      platform.put("os", parts[0]);
      if (parts.length == 3) {
        platform.put("variant", parts[2]);
      }
      manifests.add(entry);
    }
    index.putObject("annotations").put("org.opencontainers.image.version", "1.0");
    return store(tag, mediaType, index);
  }

  /**
   * Stores an artifact whose subject is {@code subject}: an OCI manifest with {@code artifactType},
   * the empty config and one layer.
   */
  Descriptor referrer(Descriptor subject, String artifactType, String content) {
    Descriptor empty = registry.addBlob(MediaTypes.EMPTY, bytes("{}"));
    Descriptor layer = registry.addBlob(artifactType, bytes(content));
    ObjectNode manifest = manifest(MediaTypes.OCI_MANIFEST, empty, List.of(layer));
    manifest.put("artifactType", artifactType);
    manifest.set("subject", descriptor(subject));
    manifest.putObject("annotations").put("org.opencontainers.image.created", "2024-01-01");
    return store(null, MediaTypes.OCI_MANIFEST, manifest);
  }

  /** Stores an image manifest with the given config and layers, under {@code tag} if not null. */
  Descriptor manifestOf(String tag, Descriptor config, List<Descriptor> layers, String type) {
    ObjectNode manifest = manifest(MediaTypes.OCI_MANIFEST, config, layers);
    if (type != null) {
      manifest.put("artifactType", type);
    }
    return store(tag, MediaTypes.OCI_MANIFEST, manifest);
  }

  /** Stores an OCI index of {@code entries} (as a referrers list) under {@code tag}. */
  Descriptor referrersTag(String tag, List<Descriptor> entries) {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    for (Descriptor entry : entries) {
      manifests.add(descriptor(entry));
    }
    return store(tag, MediaTypes.OCI_INDEX, index);
  }

  Descriptor store(String tag, String mediaType, ObjectNode document) {
    byte[] content = write(document);
    Digest digest = registry.addManifest(repository, tag, mediaType, content);
    return new Descriptor(mediaType, digest, content.length);
  }

  static ObjectNode manifest(String mediaType, Descriptor config, List<Descriptor> layers) {
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", mediaType);
    manifest.set("config", descriptor(config));
    ArrayNode array = manifest.putArray("layers");
    for (Descriptor layer : layers) {
      array.add(descriptor(layer));
    }
    return manifest;
  }

  static ObjectNode descriptor(Descriptor descriptor) {
    ObjectNode node = JSON.createObjectNode();
    node.put("mediaType", descriptor.mediaType());
    node.put("digest", descriptor.digest().toString());
    node.put("size", descriptor.size());
    return node;
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] write(ObjectNode document) {
    try {
      return JSON.writeValueAsBytes(document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
