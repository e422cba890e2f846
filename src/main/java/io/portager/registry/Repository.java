package io.portager.registry;

import io.portager.oci.Descriptor;
import io.portager.oci.Digest;
import io.portager.oci.Manifest;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Operations on one repository of a registry with one credential. Methods throw {@link
 * RegistryException} for failed requests.
 */
public interface Repository {
  RegistryEndpoint endpoint();

  String name();

  /** HEAD of a manifest by tag or digest; empty on 404. */
  Optional<Descriptor> headManifest(String reference);

  /** GET of a manifest by tag or digest; throws {@link RegistryException} with 404 if absent. */
  Manifest getManifest(String reference);

  /** PUT of the exact manifest bytes under a tag or its digest. */
  void putManifest(String reference, Manifest manifest);

  /**
   * PUT of a manifest that has a {@code subject}, under a tag or its digest. Returns true when the
   * registry confirmed the subject with an {@code OCI-Subject} header, which means its referrers
   * API lists the manifest. False means the caller must maintain the referrers tag itself.
   */
  boolean putReferrerManifest(String reference, Manifest manifest);

  /**
   * Lists the manifests whose {@code subject} is {@code subject} through the referrers API,
   * following Link paging. With a non-null {@code artifactType} only referrers of that type are
   * returned, filtered here when the registry did not apply the filter. Empty when the registry has
   * no referrers API (404), which is when callers fall back to the referrers tag.
   */
  Optional<List<Descriptor>> referrers(Digest subject, String artifactType);

  boolean blobExists(Digest digest);

  /**
   * Streams {@code blob} from {@code source} into this repository, verifying its sha256 on the way,
   * with memory that does not grow with the blob size. Returns bytes transferred.
   */
  long copyBlobFrom(Repository source, Descriptor blob);

  /**
   * Makes {@code blob} present in this repository: first by asking the registry to mount it from
   * repository {@code mountFrom} of the same registry, when that is not null, and otherwise, or
   * when the registry declines, by streaming it from {@code source} as {@link #copyBlobFrom} does.
   * This default never mounts.
   */
  default BlobTransfer transferBlob(Repository source, Descriptor blob, String mountFrom) {
    return new BlobTransfer(copyBlobFrom(source, blob), false);
  }

  /** All tags, following Link pagination. */
  List<String> listTags();

  /**
   * Opens the content of a blob for reading; the caller closes the stream. This is what {@link
   * #copyBlobFrom} reads from its source. Implementations that cannot serve as a copy source keep
   * this default, which throws UnsupportedOperationException.
   */
  default InputStream openBlob(Digest digest) {
    throw new UnsupportedOperationException(
        "open blob " + digest + ": " + getClass().getSimpleName() + " cannot be a copy source");
  }
}
