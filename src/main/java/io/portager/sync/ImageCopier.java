package io.portager.sync;

import io.portager.log.Log;
import io.portager.oci.Descriptor;
import io.portager.oci.Digest;
import io.portager.oci.Manifest;
import io.portager.registry.BlobTransfer;
import io.portager.registry.RegistryException;
import io.portager.registry.Repository;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Copies one tag from a source repository to a destination repository when their manifest digests
 * differ: blobs first, then child manifests by digest, and the tag last, so the tag never points at
 * an incomplete image.
 *
 * <p>One instance serves all workers. It shares {@link DestinationBlobs} between them, so a blob
 * that one copy wrote is mounted, not copied again, into another repository of the same destination
 * registry, and two workers that need the same blob in the same repository at once copy it once.
 */
public final class ImageCopier {
  /** Deepest nesting of indexes followed; real images nest one level, so this only stops loops. */
  static final int MAX_DEPTH = 8;

  private static final Log LOG = Log.get("sync");

  private final DestinationBlobs destinationBlobs;

  /** Creates a copier that remembers up to 10,000 destination blobs for mounts. */
  public ImageCopier() {
    this(DestinationBlobs.DEFAULT_CAPACITY);
  }

  ImageCopier(int rememberedBlobs) {
    this.destinationBlobs = new DestinationBlobs(rememberedBlobs);
  }

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
      return new TagResult(wanted.digest(), false, 0, 0, 0, 0);
    }

    // Fetch by digest so the content matches what HEAD reported even if the tag moves meanwhile.
    Manifest manifest = source.getManifest(wanted.digest().toString());
    Copy copy = new Copy(source, destination, destinationBlobs);
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
        "mounted",
        copy.blobsMounted,
        "bytes",
        copy.bytesCopied,
        "manifests",
        copy.manifestsPushed);
    return new TagResult(
        wanted.digest(),
        true,
        copy.blobsCopied,
        copy.bytesCopied,
        copy.manifestsPushed,
        copy.blobsMounted);
  }

  private static String location(Repository repository) {
    return repository.endpoint().host() + "/" + repository.name();
  }

  /** The state of one sync call, confined to the calling thread. */
  private static final class Copy {
    private final Repository source;
    private final Repository destination;
    private final DestinationBlobs destinationBlobs;
    private final Set<Digest> blobsSeen = new HashSet<>();
    private final Set<Digest> manifestsSeen = new HashSet<>();
    private int blobsCopied;
    private long bytesCopied;
    private int manifestsPushed;
    private int blobsMounted;

    Copy(Repository source, Repository destination, DestinationBlobs destinationBlobs) {
      this.source = source;
      this.destination = destination;
      this.destinationBlobs = destinationBlobs;
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
      Optional<BlobTransfer> transfer =
          destinationBlobs.once(destination, blob.digest(), () -> transferIfMissing(blob));
      if (transfer.isEmpty()) {
        return;
      }
      if (transfer.get().mounted()) {
        blobsMounted++;
      } else {
        blobsCopied++;
        bytesCopied += transfer.get().bytesCopied();
      }
    }

    /** Returns empty when the destination already has the blob. */
    private Optional<BlobTransfer> transferIfMissing(Descriptor blob) {
      if (destination.blobExists(blob.digest())) {
        destinationBlobs.remember(destination, blob.digest());
        return Optional.empty();
      }
      BlobTransfer transfer = destination.transferBlob(source, blob, mountSource(blob));
      destinationBlobs.remember(destination, blob.digest());
      return Optional.of(transfer);
    }

    /**
     * Returns a repository of the destination registry that contains the blob: the source itself
     * when both are on one endpoint, or else one that an earlier copy wrote to; null when there is
     * none.
     */
    private String mountSource(Descriptor blob) {
      if (source.endpoint().equals(destination.endpoint())
          && !source.name().equals(destination.name())) {
        return source.name();
      }
      return destinationBlobs.otherRepositoryWith(destination, blob.digest()).orElse(null);
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
