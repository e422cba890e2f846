package io.portager.sync;

import io.portager.oci.Digest;

/**
 * The outcome of one tag: the source manifest digest, whether anything was written (false when the
 * destination already had that digest), and what was transferred.
 */
public record TagResult(
    Digest sourceDigest, boolean copied, int blobsCopied, long bytesCopied, int manifestsPushed) {}
