package io.portager.sync;

import io.portager.oci.Digest;
import io.portager.oci.Platform;
import java.util.List;

/**
 * The outcome of one tag.
 *
 * @param sourceDigest digest of the source tag's manifest
 * @param destinationDigest digest the destination tag points at: the source digest, or the digest
 *     of the filtered index when platforms were filtered
 * @param copied whether the tagged manifest was written (false when the destination already had
 *     {@code destinationDigest})
 * @param blobsCopied blobs streamed from the source, with {@code bytesCopied} bytes in all
 * @param manifestsPushed image manifests and indexes written for the tag, referrers not included
 * @param referrersCopied referrer manifests and cosign tags written
 * @param platforms platforms kept by the filter; empty when no filter was requested
 * @param warning what was requested but not done, such as a platform the source lacks; null when
 *     there is nothing to report
 * @param blobsMounted blobs the destination registry linked from another of its repositories
 * @param blobsSkipped blobs the destination already had
 */
public record TagResult(
    Digest sourceDigest,
    Digest destinationDigest,
    boolean copied,
    int blobsCopied,
    long bytesCopied,
    int manifestsPushed,
    int referrersCopied,
    List<Platform> platforms,
    String warning,
    int blobsMounted,
    int blobsSkipped) {
  public TagResult {
    platforms = List.copyOf(platforms);
  }

  /** A result without a platform filter, referrers, warning or mounts. */
  public TagResult(
      Digest sourceDigest, boolean copied, int blobsCopied, long bytesCopied, int manifestsPushed) {
    this(
        sourceDigest,
        sourceDigest,
        copied,
        blobsCopied,
        bytesCopied,
        manifestsPushed,
        0,
        List.of(),
        null,
        0,
        0);
  }

  /** A result without a platform filter, referrers or warning. */
  public TagResult(
      Digest sourceDigest,
      boolean copied,
      int blobsCopied,
      long bytesCopied,
      int manifestsPushed,
      int blobsMounted) {
    this(
        sourceDigest,
        sourceDigest,
        copied,
        blobsCopied,
        bytesCopied,
        manifestsPushed,
        0,
        List.of(),
        null,
        blobsMounted,
        0);
  }
}
