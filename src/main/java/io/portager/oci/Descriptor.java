package io.portager.oci;

/**
 * A typed pointer to content: media type, digest and size in bytes. Children of an index may carry
 * a platform; other descriptors have none (null).
 */
public record Descriptor(String mediaType, Digest digest, long size, Platform platform) {
  public Descriptor(String mediaType, Digest digest, long size) {
    this(mediaType, digest, size, null);
  }
}
