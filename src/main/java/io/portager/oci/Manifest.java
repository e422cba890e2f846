package io.portager.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A manifest as stored: its media type, its exact bytes (pushed unchanged so the digest is
 * preserved) and the digest of those bytes. An index lists child manifests; an image manifest lists
 * its config and layer blobs.
 */
public record Manifest(String mediaType, byte[] bytes, Digest digest) {
  // Exact decimals so that rewriting an index (filterChildren) keeps every number as written.
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /**
   * Parses the bytes; throws IllegalArgumentException for schema 1 or malformed JSON. The media
   * type comes from the JSON {@code mediaType} field, else from {@code contentType} (may be null),
   * else from whether the JSON has {@code manifests} (an OCI index) or {@code layers} (an OCI image
   * manifest), because the field is optional in the OCI image spec.
   */
  public static Manifest parse(String contentType, byte[] bytes) {
    JsonNode root = readTree(bytes);
    String mediaType = mediaTypeOf(root, contentType);
    if (MediaTypes.isSchema1(mediaType)) {
      throw new IllegalArgumentException(
          "parse manifest: Docker schema 1 manifests are not supported:"
              + " re-push the image with a current client");
    }
    if (!MediaTypes.SUPPORTED_MANIFESTS.contains(mediaType)) {
      throw new IllegalArgumentException(
          "parse manifest: unsupported media type "
              + mediaType
              + ", want one of "
              + MediaTypes.SUPPORTED_MANIFESTS);
    }

    Manifest manifest = new Manifest(mediaType, bytes.clone(), Digest.sha256(bytes));
    // Reading the references now turns a malformed manifest into an error at the edge.
    manifest.children();
    manifest.blobs();
    return manifest;
  }

  public boolean isIndex() {
    return MediaTypes.isIndex(mediaType);
  }

  /** Child manifests of an index; empty for an image manifest. */
  public List<Descriptor> children() {
    if (!isIndex()) {
      return List.of();
    }
    return descriptors(readTree(bytes), "manifests");
  }

  /** Config and layers of an image manifest; empty for an index. */
  public List<Descriptor> blobs() {
    if (isIndex()) {
      return List.of();
    }
    JsonNode root = readTree(bytes);
    List<Descriptor> blobs = new ArrayList<>();
    blobs.add(descriptor(root.path("config"), "config"));
    blobs.addAll(descriptors(root, "layers"));
    return List.copyOf(blobs);
  }

  /** Returns the {@code artifactType} of an OCI 1.1 manifest or index, or null when absent. */
  public String artifactType() {
    JsonNode field = readTree(bytes).get("artifactType");
    return field != null && field.isTextual() ? field.asText() : null;
  }

  /** Media type of the config blob of an image manifest, or null for an index. */
  public String configMediaType() {
    return isIndex() ? null : blobs().get(0).mediaType();
  }

  /** Returns the {@code subject}: the manifest this one refers to, such as a signed image. */
  public Optional<Descriptor> subject() {
    JsonNode subject = readTree(bytes).get("subject");
    if (subject == null || subject.isNull()) {
      return Optional.empty();
    }
    return Optional.of(descriptor(subject, "subject"));
  }

  /** Returns the manifest's own annotations, or an empty map. */
  public Map<String, String> annotations() {
    return stringMap(readTree(bytes).get("annotations"));
  }

  /**
   * Returns a copy of this index with only the children whose digest is in {@code keep}, in their
   * original order. Every other field and every kept descriptor stays as it was, and the bytes are
   * compact JSON in the original key order, so the same input always gives the same digest.
   */
  public Manifest filterChildren(Set<Digest> keep) {
    if (!isIndex()) {
      throw new IllegalStateException("filter children of " + digest + ": not an index");
    }
    ObjectNode root = (ObjectNode) readTree(bytes);
    ArrayNode children = (ArrayNode) root.get("manifests");
    Iterator<JsonNode> iterator = children.elements();
    while (iterator.hasNext()) {
      if (!keep.contains(Digest.parse(iterator.next().get("digest").asText()))) {
        iterator.remove();
      }
    }
    return parse(mediaType, write(root));
  }

  /**
   * Builds an OCI image index that lists {@code referrers} in the given order: the form of a
   * referrers list and of the referrers tag that replaces the API. Each entry keeps its media type,
   * digest, size, artifact type and annotations (keys sorted), so the bytes depend only on the
   * list.
   */
  public static Manifest referrersIndex(List<Descriptor> referrers) {
    ObjectNode root = JSON.createObjectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode entries = root.putArray("manifests");
    for (Descriptor referrer : referrers) {
      ObjectNode entry = entries.addObject();
      entry.put("mediaType", referrer.mediaType());
      entry.put("digest", referrer.digest().toString());
      entry.put("size", referrer.size());
      if (referrer.artifactType() != null) {
        entry.put("artifactType", referrer.artifactType());
      }
      if (!referrer.annotations().isEmpty()) {
        ObjectNode annotations = entry.putObject("annotations");
        new TreeMap<>(referrer.annotations()).forEach(annotations::put);
      }
    }
    return parse(MediaTypes.OCI_INDEX, write(root));
  }

  /** Returns a descriptor pointing at this manifest. */
  public Descriptor descriptor() {
    return new Descriptor(mediaType, digest, bytes.length);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Manifest that
        && mediaType.equals(that.mediaType)
        && digest.equals(that.digest)
        && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "Manifest[mediaType="
        + mediaType
        + ", digest="
        + digest
        + ", size="
        + bytes.length
        + "]";
  }

  private static String mediaTypeOf(JsonNode root, String contentType) {
    JsonNode field = root.get("mediaType");
    if (field != null && field.isTextual()) {
      return field.asText();
    }
    if (contentType != null && !contentType.isBlank()) {
      String bare = MediaTypes.stripParameters(contentType);
      if (MediaTypes.SUPPORTED_MANIFESTS.contains(bare) || MediaTypes.isSchema1(bare)) {
        return bare;
      }
    }
    if (root.path("schemaVersion").asInt() == 1) {
      return MediaTypes.DOCKER_SCHEMA1;
    }
    if (root.has("manifests")) {
      return MediaTypes.OCI_INDEX;
    }
    if (root.has("layers")) {
      return MediaTypes.OCI_MANIFEST;
    }
    throw new IllegalArgumentException(
        "parse manifest: cannot tell its media type: no mediaType field, no manifest"
            + " Content-Type, and neither manifests nor layers");
  }

  private static JsonNode readTree(byte[] bytes) {
    try {
      JsonNode root = JSON.readTree(bytes);
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException("parse manifest: want a JSON object");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "parse manifest: invalid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("parse manifest: " + e.getMessage(), e);
    }
  }

  private static List<Descriptor> descriptors(JsonNode root, String field) {
    JsonNode array = root.get(field);
    if (array == null || !array.isArray()) {
      throw new IllegalArgumentException("parse manifest: missing array " + field);
    }
    List<Descriptor> result = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      result.add(descriptor(array.get(i), field + "[" + i + "]"));
    }
    return List.copyOf(result);
  }

  private static Descriptor descriptor(JsonNode node, String where) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("parse manifest: " + where + ": want a descriptor object");
    }
    JsonNode mediaType = node.get("mediaType");
    JsonNode digest = node.get("digest");
    JsonNode size = node.get("size");
    if (mediaType == null || !mediaType.isTextual()) {
      throw new IllegalArgumentException("parse manifest: " + where + ": missing mediaType");
    }
    if (digest == null || !digest.isTextual()) {
      throw new IllegalArgumentException("parse manifest: " + where + ": missing digest");
    }
    if (size == null || !size.isIntegralNumber() || size.asLong() < 0) {
      throw new IllegalArgumentException(
          "parse manifest: " + where + ": want a non-negative integer size");
    }
    Digest parsed;
    try {
      parsed = Digest.parse(digest.asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("parse manifest: " + where + ": " + e.getMessage(), e);
    }
    JsonNode artifactType = node.get("artifactType");
    return new Descriptor(
        mediaType.asText(),
        parsed,
        size.asLong(),
        platform(node.get("platform")),
        artifactType != null && artifactType.isTextual() ? artifactType.asText() : null,
        stringMap(node.get("annotations")));
  }

  private static Map<String, String> stringMap(JsonNode node) {
    if (node == null || !node.isObject()) {
      return Map.of();
    }
    Map<String, String> result = new TreeMap<>();
    node.fields().forEachRemaining(field -> result.put(field.getKey(), field.getValue().asText()));
    return result;
  }

  private static byte[] write(JsonNode root) {
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("encode manifest: " + e.getMessage(), e);
    }
  }

  private static Platform platform(JsonNode node) {
    if (node == null || !node.isObject()) {
      return null;
    }
    JsonNode variant = node.get("variant");
    return new Platform(
        node.path("os").asText(""),
        node.path("architecture").asText(""),
        variant != null && variant.isTextual() ? variant.asText() : null);
  }
}
