package io.portager.oci;

/** The platform of one child of an index, such as {@code linux/arm64/v8}; variant may be null. */
public record Platform(String os, String architecture, String variant) {
  @Override
  public String toString() {
    return variant == null ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
  }
}
