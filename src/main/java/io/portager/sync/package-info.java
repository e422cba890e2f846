/**
 * Copying one tag between repositories: compare manifest digests, then copy blobs, child manifests
 * by digest, and the tagged manifest last.
 *
 * <p>Depends on {@code io.portager.registry}, {@code io.portager.oci} and {@code io.portager.log}
 * only.
 *
 * <p>Known limits: copies run sequentially within one tag; mounts are tried only from the source
 * repository on the same endpoint or from a repository this process wrote the blob to; referrers
 * (signatures, SBOMs) of the image are not copied; foreign and non-distributable layers are skipped
 * on purpose.
 */
package io.portager.sync;
