package io.portager.oci;

import java.util.Map;

/**
 * A typed pointer to content: media type, digest and size in bytes. Children of an index may carry
 * a platform; other descriptors have none (null). Entries of a referrers list carry the referrer's
 * artifact type (null when absent) and its annotations (empty when absent).
 */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    Platform platform,
    String artifactType,
    Map<String, String> annotations) {
  public Descriptor {
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  public Descriptor(String mediaType, Digest digest, long size) {
    this(mediaType, digest, size, null);
  }

  public Descriptor(String mediaType, Digest digest, long size, Platform platform) {
    this(mediaType, digest, size, platform, null, Map.of());
  }
}
