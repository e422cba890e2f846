package io.portager.sync;

import io.portager.oci.Platform;
import java.util.List;

/**
 * What to copy besides the tagged manifest and its content.
 *
 * @param platforms platforms to keep when the source tag is an index; empty keeps every platform
 *     and copies the index byte for byte
 * @param referrers whether to copy the referrers (signatures, SBOMs, attestations) of every copied
 *     manifest, and cosign's {@code sha256-<hex>.sig}, {@code .att} and {@code .sbom} tags
 * @param referrerArtifactTypes artifact types of the referrers to copy; empty copies every type
 */
public record CopyOptions(
    List<Platform> platforms, boolean referrers, List<String> referrerArtifactTypes) {
  /** Every platform, no referrers: a byte-exact copy of the tag and nothing else. */
  public static final CopyOptions DEFAULT = new CopyOptions(List.of(), false, List.of());

  public CopyOptions {
    platforms = List.copyOf(platforms);
    referrerArtifactTypes = List.copyOf(referrerArtifactTypes);
  }
}
