package io.portager.sync;

import io.portager.log.Log;
import io.portager.oci.Descriptor;
import io.portager.oci.Digest;
import io.portager.oci.Manifest;
import io.portager.registry.RegistryException;
import io.portager.registry.Repository;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Copies one tag from a source repository to a destination repository when their manifest digests
 * differ: blobs first, then child manifests by digest, and the tag last, so the tag never points at
 * an incomplete image. Stateless between calls, so one instance serves several threads.
 */
public final class ImageCopier {
  /** Deepest nesting of indexes followed; real images nest one level, so this only stops loops. */
  static final int MAX_DEPTH = 8;

  private static final Log LOG = Log.get("sync");

  /** Syncs {@code tag}; throws RegistryException when a request fails. */
  public TagResult sync(Repository source, Repository destination, String tag) {
    Descriptor wanted =
        source
            .headManifest(tag)
            .orElseThrow(
                () ->
                    new RegistryException(
                        404,
                        "MANIFEST_UNKNOWN",
                        "tag "
                            + tag
                            + " not found in "
                            + location(source)
                            + ": check the tag name or whether it was deleted",
                        null));
    Optional<Descriptor> present = destination.headManifest(tag);
    if (present.isPresent() && present.get().digest().equals(wanted.digest())) {
      return new TagResult(wanted.digest(), false, 0, 0, 0);
    }

    // Fetch by digest so the content matches what HEAD reported even if the tag moves meanwhile.
    Manifest manifest = source.getManifest(wanted.digest().toString());
    Copy copy = new Copy(source, destination);
    copy.contentOf(manifest, 0);
    destination.putManifest(tag, manifest);
    copy.manifestsPushed++;

    LOG.debug(
        "tag_pushed",
        "source",
        location(source),
        "destination",
        location(destination),
        "tag",
        tag,
        "digest",
        manifest.digest(),
        "blobs",
        copy.blobsCopied,
        "bytes",
        copy.bytesCopied,
        "manifests",
        copy.manifestsPushed);
    return new TagResult(
        wanted.digest(), true, copy.blobsCopied, copy.bytesCopied, copy.manifestsPushed);
  }

  private static String location(Repository repository) {
    return repository.endpoint().host() + "/" + repository.name();
  }

  /** The state of one sync call, confined to the calling thread. */
  private static final class Copy {
    private final Repository source;
    private final Repository destination;
    private final Set<Digest> blobsSeen = new HashSet<>();
    private final Set<Digest> manifestsSeen = new HashSet<>();
    private int blobsCopied;
    private long bytesCopied;
    private int manifestsPushed;

    Copy(Repository source, Repository destination) {
      this.source = source;
      this.destination = destination;
    }

    /** Copies everything {@code manifest} refers to, depth first, but not the manifest itself. */
    void contentOf(Manifest manifest, int depth) {
      if (depth > MAX_DEPTH) {
        throw new RegistryException(
            0,
            null,
            "copy manifest " + manifest.digest() + ": indexes nest deeper than " + MAX_DEPTH,
            null,
            false);
      }
      for (Descriptor child : manifest.children()) {
        copyChild(child, depth);
      }
      for (Descriptor blob : manifest.blobs()) {
        copyBlob(blob);
      }
    }

    private void copyChild(Descriptor child, int depth) {
      if (!manifestsSeen.add(child.digest())) {
        return;
      }
      String byDigest = child.digest().toString();
      if (destination.headManifest(byDigest).isPresent()) {
        return;
      }
      Manifest manifest = source.getManifest(byDigest);
      contentOf(manifest, depth + 1);
      destination.putManifest(byDigest, manifest);
      manifestsPushed++;
    }

    private void copyBlob(Descriptor blob) {
      if (isNonDistributable(blob) || !blobsSeen.add(blob.digest())) {
        return;
      }
      if (destination.blobExists(blob.digest())) {
        return;
      }
      bytesCopied += destination.copyBlobFrom(source, blob);
      blobsCopied++;
    }

    // Foreign (Windows base) layers live outside registries by design and registries accept
    // manifests that name them without the blob, so they are never copied.
    private static boolean isNonDistributable(Descriptor blob) {
      String type = blob.mediaType();
      return type.startsWith("application/vnd.docker.image.rootfs.foreign.")
          || type.startsWith("application/vnd.oci.image.layer.nondistributable.");
    }
  }
}
