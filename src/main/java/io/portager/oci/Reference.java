package io.portager.oci;

/**
 * An image reference: registry host, repository and a tag or a digest. Docker Hub names are
 * normalised ({@code docker.io}, {@code index.docker.io}, {@code library/}).
 */
public record Reference(String registry, String repository, String tag, Digest digest) {
  /** Parses {@code [registry/]repository[:tag][@digest]}; throws IllegalArgumentException. */
  public static Reference parse(String text) {
    throw new UnsupportedOperationException("TODO");
  }
}
