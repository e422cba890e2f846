package io.portager.sync;

import io.portager.oci.Digest;

/**
 * The outcome of one tag: the source manifest digest, whether anything was written (false when the
 * destination already had that digest), and what was transferred.
 *
 * @param blobsCopied blobs streamed from the source, with {@code bytesCopied} bytes in all
 * @param blobsMounted blobs the destination registry linked from another of its repositories
 */
public record TagResult(
    Digest sourceDigest,
    boolean copied,
    int blobsCopied,
    long bytesCopied,
    int manifestsPushed,
    int blobsMounted) {}
