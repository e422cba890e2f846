/**
 * Copying one tag between repositories: compare manifest digests, then copy blobs, child manifests
 * by digest, the referrers when requested, and the tagged manifest last.
 *
 * <p>Depends on {@code io.portager.registry}, {@code io.portager.oci} and {@code io.portager.log}
 * only.
 *
 * <p>Rules that {@link io.portager.sync.CopyOptions} switch on:
 *
 * <ul>
 *   <li>Platforms: an index is rewritten with only the matching children and every other field
 *       kept, so its digest differs from the source's, and the destination is compared with that
 *       digest. A requested platform the source lacks is a warning in the result. When none
 *       matches, or a single image has another platform, the tag fails.
 *   <li>Referrers: the referrers of the tagged manifest and of each child of an index are copied by
 *       digest, three levels deep, before the tag is written, together with cosign's {@code
 *       sha256-<hex>.sig}, {@code .att} and {@code .sbom} tags. With an artifact type filter a
 *       referrer or cosign tag is copied only when its {@code artifactType}, or else its config
 *       media type, is in the list; legacy cosign signatures have the plain image config type.
 *   <li>Both: the referrers of a filtered source index are skipped with a warning, because they
 *       name the source index's digest, which the destination does not have. The referrers of the
 *       kept children are copied.
 * </ul>
 *
 * <p>Foreign (Windows base) and non-distributable layers are never copied: their bytes live outside
 * registries by design, and registries accept a manifest that names them without the blob.
 *
 * <p>Blobs are mounted instead of copied when the source repository is on the same endpoint, or
 * when this process already wrote the blob to another repository of the destination registry. A
 * blob that another worker is copying to the same repository is waited for, not copied twice. A
 * blob that this process wrote to or found in a repository in the last five minutes is not checked
 * with a HEAD again, so tags that share layers cost one check per layer and run.
 *
 * <p>A tag that the destination lacks is read from the source with one GET by tag. Its child
 * manifests, its mounts and its blobs under 1 MiB are written without a HEAD first, because they
 * are almost always absent and writing them again stores the same bytes. A tag that moved keeps a
 * HEAD for every child manifest and blob.
 *
 * <p>When a manifest PUT gets MANIFEST_BLOB_UNKNOWN, a remembered blob is gone from the
 * destination, so the repository's remembered blobs are dropped and the tag's content is copied
 * again with a HEAD per blob.
 *
 * <p>Known limits: copies run sequentially within one tag; with referrers on, every run lists the
 * referrers of every copied manifest even when the tag is unchanged, so new signatures arrive; two
 * syncs that update the same destination referrers tag at once can lose an entry.
 */
package io.portager.sync;
