package io.portager.oci;

import java.util.List;

/**
 * A manifest as stored: its media type, its exact bytes (pushed unchanged so the digest is
 * preserved) and the digest of those bytes. An index lists child manifests; an image manifest lists
 * its config and layer blobs.
 */
public record Manifest(String mediaType, byte[] bytes, Digest digest) {
  /** Parses the bytes; throws IllegalArgumentException for schema 1 or malformed JSON. */
  public static Manifest parse(String contentType, byte[] bytes) {
    throw new UnsupportedOperationException("TODO");
  }

  public boolean isIndex() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Child manifests of an index; empty for an image manifest. */
  public List<Descriptor> children() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Config and layers of an image manifest; empty for an index. */
  public List<Descriptor> blobs() {
    throw new UnsupportedOperationException("TODO");
  }
}
