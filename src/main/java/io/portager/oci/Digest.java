package io.portager.oci;

/** A content address such as {@code sha256:<64 hex>}. */
public record Digest(String algorithm, String hex) {
  /** Parses {@code algorithm:hex}; throws IllegalArgumentException when malformed. */
  public static Digest parse(String text) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Returns the sha256 digest of these exact bytes. */
  public static Digest sha256(byte[] bytes) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
