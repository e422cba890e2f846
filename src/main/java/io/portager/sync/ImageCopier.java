package io.portager.sync;

import io.portager.registry.Repository;

/**
 * Copies one tag from a source repository to a destination repository when their manifest digests
 * differ: blobs first, then child manifests by digest, and the tag last, so the tag never points at
 * an incomplete image.
 */
public final class ImageCopier {
  /** Syncs {@code tag}; throws RegistryException when a request fails. */
  public TagResult sync(Repository source, Repository destination, String tag) {
    throw new UnsupportedOperationException("TODO");
  }
}
