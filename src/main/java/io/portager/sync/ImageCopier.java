package io.portager.sync;

import io.portager.log.Log;
import io.portager.oci.Descriptor;
import io.portager.oci.Digest;
import io.portager.oci.Manifest;
import io.portager.oci.Platform;
import io.portager.registry.BlobTransfer;
import io.portager.registry.RegistryException;
import io.portager.registry.Repository;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;

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

  /**
   * Size from which a blob of a new tag gets a HEAD before its upload. A new tag's own blobs are
   * almost always absent, so for a small blob the HEAD is a wasted request. From this size on, an
   * upload of a blob that was present costs more than the HEAD.
   */
  static final long HEAD_BEFORE_UPLOAD_BYTES = 1024 * 1024;

  private static final Log LOG = Log.get("sync");

  private final DestinationBlobs destinationBlobs;

  /** Creates a copier that remembers up to 10,000 destination blobs for mounts. */
  public ImageCopier() {
    this(DestinationBlobs.DEFAULT_CAPACITY);
  }

  ImageCopier(int rememberedBlobs) {
    this(new DestinationBlobs(rememberedBlobs, Clock.systemUTC()));
  }

  ImageCopier(DestinationBlobs destinationBlobs) {
    this.destinationBlobs = destinationBlobs;
  }

  /** Syncs {@code tag} with {@link CopyOptions#DEFAULT}; throws RegistryException on failure. */
  public TagResult sync(Repository source, Repository destination, String tag) {
    return sync(source, destination, tag, CopyOptions.DEFAULT);
  }

  /**
   * Syncs {@code tag}: its platforms as {@code options} request, then its referrers when requested,
   * and the tag last. Throws RegistryException when a request fails or no requested platform
   * exists.
   */
  public TagResult sync(
      Repository source, Repository destination, String tag, CopyOptions options) {
    return sync(source, destination, tag, options, null);
  }

  /**
   * Syncs {@code tag} as above, but takes a permit of {@code copySlots} (when not null) before it
   * copies anything and holds it until the tag is written. Comparing digests needs no permit, so a
   * run can check more tags at once than it copies.
   */
  public TagResult sync(
      Repository source,
      Repository destination,
      String tag,
      CopyOptions options,
      Semaphore copySlots) {
    Optional<Descriptor> present;
    Target target;
    if (options.platforms().isEmpty()) {
      // Destination first: a tag that is new there needs the source manifest anyway, and one GET
      // by tag replaces a HEAD and a GET by digest at the source.
      present = destination.headManifest(tag);
      target =
          present.isEmpty()
              ? readNewTag(source, tag)
              : target(source, tag, headSource(source, tag), options);
    } else {
      target = target(source, tag, headSource(source, tag), options);
      present = destination.headManifest(tag);
    }
    boolean upToDate =
        present.isPresent() && present.get().digest().equals(target.destinationDigest());
    boolean newTag = present.isEmpty();
    if (upToDate && !options.referrers()) {
      return target.result(false, new Copy(source, destination, destinationBlobs, newTag), 0);
    }

    if (copySlots == null) {
      return copy(source, destination, tag, options, target, upToDate, newTag);
    }
    try {
      copySlots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(
          0, null, "copy " + tag + ": interrupted while waiting to copy", e, false);
    }
    try {
      return copy(source, destination, tag, options, target, upToDate, newTag);
    } finally {
      copySlots.release();
    }
  }

  private TagResult copy(
      Repository source,
      Repository destination,
      String tag,
      CopyOptions options,
      Target target,
      boolean upToDate,
      boolean newTag) {
    Copy copy = new Copy(source, destination, destinationBlobs, newTag);
    Manifest manifest = upToDate ? null : target.manifest(source);
    if (manifest != null) {
      healingLostBlobs(copy, manifest, () -> copy.contentOf(manifest, 0));
    }
    int referrers = 0;
    if (options.referrers()) {
      Manifest written = manifest != null ? manifest : target.manifest(source);
      referrers = copyReferrers(source, destination, copy, target, written, options);
    }
    if (manifest == null) {
      return target.result(false, copy, referrers);
    }
    healingLostBlobs(copy, manifest, () -> destination.putManifest(tag, manifest));
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
        copy.manifestsPushed,
        "referrers",
        referrers);
    return target.result(true, copy, referrers);
  }

  private static Descriptor headSource(Repository source, String tag) {
    return source.headManifest(tag).orElseThrow(() -> tagNotFound(source, tag, null));
  }

  /**
   * Reads the source manifest of a tag that the destination lacks with one GET by tag. Its digest
   * is that of the bytes read, so the copy is consistent even if the tag moves meanwhile.
   */
  private static Target readNewTag(Repository source, String tag) {
    Manifest manifest;
    try {
      manifest = source.getManifest(tag);
    } catch (RegistryException e) {
      if (e.status() == 404) {
        throw tagNotFound(source, tag, e);
      }
      throw e;
    }
    return new Target(manifest.digest(), manifest, null, List.of(), new ArrayList<>());
  }

  private static RegistryException tagNotFound(
      Repository source, String tag, RegistryException cause) {
    return new RegistryException(
        404,
        "MANIFEST_UNKNOWN",
        "tag "
            + tag
            + " not found in "
            + location(source)
            + ": check the tag name or whether it was deleted",
        cause);
  }

  /**
   * Runs {@code write}, a write that needs the content of {@code manifest} in the destination. A
   * MANIFEST_BLOB_UNKNOWN response means a blob that this process took to be in the destination
   * repository is gone (deleted, or the registry lost its storage), so the repository's remembered
   * blobs are dropped, the content is copied again with a HEAD for each blob, and {@code write}
   * runs once more.
   */
  private void healingLostBlobs(Copy copy, Manifest manifest, Runnable write) {
    try {
      write.run();
    } catch (RegistryException e) {
      if (!"MANIFEST_BLOB_UNKNOWN".equals(e.errorCode())) {
        throw e;
      }
      destinationBlobs.forget(copy.destination);
      LOG.info(
          "remembered_blobs_dropped",
          "destination",
          location(copy.destination),
          "error",
          e.getMessage());
      copy.restart();
      copy.contentOf(manifest, 0);
      write.run();
    }
  }

  /**
   * Works out what the destination tag should hold. Without a platform filter that is the source
   * manifest, known from HEAD alone. With one, the source manifest is read and filtered, so the
   * destination is compared with the digest of the filtered index and an unchanged source writes
   * nothing.
   */
  private static Target target(
      Repository source, String tag, Descriptor head, CopyOptions options) {
    if (options.platforms().isEmpty()) {
      return new Target(head.digest(), null, null, List.of(), new ArrayList<>());
    }
    Manifest manifest = source.getManifest(head.digest().toString());
    PlatformFilter.Selection selection =
        PlatformFilter.select(source, tag, manifest, options.platforms());
    List<String> warnings = new ArrayList<>();
    if (!selection.missing().isEmpty()) {
      warnings.add(
          "platforms "
              + selection.missing()
              + " are not in the source "
              + (manifest.isIndex() ? "index" : "image")
              + " "
              + manifest.digest()
              + " and were not copied");
    }
    return new Target(head.digest(), manifest, selection.manifest(), selection.kept(), warnings);
  }

  /**
   * Copies the referrers of what the tag will point at: the manifest itself and, for an index, each
   * child. A filtered index has a new digest that nothing refers to, and the source index's own
   * referrers (a signature of the whole index, say) would name a digest missing at the destination.
   * So those are skipped with a warning, and only the kept children's referrers are copied.
   */
  private static int copyReferrers(
      Repository source,
      Repository destination,
      Copy copy,
      Target target,
      Manifest written,
      CopyOptions options) {
    ReferrerSync referrers =
        new ReferrerSync(source, destination, copy, options.referrerArtifactTypes());
    if (target.isFiltered() && written.isIndex()) {
      int skipped = referrers.listAtSource(target.sourceDigest()).size();
      if (skipped > 0) {
        target
            .warnings()
            .add(
                skipped
                    + " referrers of the source index "
                    + target.sourceDigest()
                    + " were not copied, because the filtered index has another digest");
      }
    } else {
      referrers.copyReferrersOf(written.digest());
    }
    for (Descriptor child : written.children()) {
      referrers.copyReferrersOf(child.digest());
    }
    return referrers.copied();
  }

  /**
   * What the destination tag should hold.
   *
   * @param sourceManifest the source manifest when it was read already, else null
   * @param filtered the manifest to write when platforms are filtered, else null
   */
  private record Target(
      Digest sourceDigest,
      Manifest sourceManifest,
      Manifest filtered,
      List<Platform> platforms,
      List<String> warnings) {
    boolean isFiltered() {
      return filtered != null;
    }

    Digest destinationDigest() {
      return filtered != null ? filtered.digest() : sourceDigest;
    }

    /**
     * Returns the manifest to write. The source is read by digest so the content matches what HEAD
     * reported even if the tag moves meanwhile.
     */
    Manifest manifest(Repository source) {
      if (filtered != null) {
        return filtered;
      }
      return sourceManifest != null ? sourceManifest : source.getManifest(sourceDigest.toString());
    }

    TagResult result(boolean copied, Copy copy, int referrers) {
      return new TagResult(
          sourceDigest,
          destinationDigest(),
          copied,
          copy.blobsCopied,
          copy.bytesCopied,
          copy.manifestsPushed,
          referrers,
          platforms,
          warnings.isEmpty() ? null : String.join("; ", warnings),
          copy.blobsMounted,
          copy.blobsSkipped);
    }
  }

  private static String location(Repository repository) {
    return repository.endpoint().host() + "/" + repository.name();
  }

  /** The state of one sync call, confined to the calling thread. */
  static final class Copy {
    private final Repository source;
    private final Repository destination;
    private final DestinationBlobs destinationBlobs;
    private final Set<Digest> blobsSeen = new HashSet<>();
    private final Set<Digest> manifestsSeen = new HashSet<>();

    /**
     * Whether the destination tag was absent, so child manifests and small blobs that this process
     * has not seen in the destination recently are written without a HEAD first. Writing something
     * present again is harmless, because a manifest PUT by digest or a blob upload stores the same
     * bytes.
     */
    private boolean newTag;

    private int blobsCopied;
    private long bytesCopied;
    private int manifestsPushed;
    private int blobsMounted;
    private int blobsSkipped;

    /**
     * Forgets what this copy has seen, so {@link #contentOf} checks everything again, with a HEAD
     * for each child manifest and blob even when the tag is new.
     */
    void restart() {
      blobsSeen.clear();
      manifestsSeen.clear();
      newTag = false;
    }

    Copy(
        Repository source,
        Repository destination,
        DestinationBlobs destinationBlobs,
        boolean newTag) {
      this.source = source;
      this.destination = destination;
      this.destinationBlobs = destinationBlobs;
      this.newTag = newTag;
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
      if (!newTag && destination.headManifest(byDigest).isPresent()) {
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
        blobsSkipped++;
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
      String mountFrom = mountSource(blob);
      if (destinationBlobs.recentlySeen(destination, blob.digest())
          || needsHead(blob, mountFrom) && destination.blobExists(blob.digest())) {
        destinationBlobs.remember(destination, blob.digest());
        return Optional.empty();
      }
      BlobTransfer transfer = destination.transferBlob(source, blob, mountFrom);
      destinationBlobs.remember(destination, blob.digest());
      return Optional.of(transfer);
    }

    /**
     * Returns whether to HEAD {@code blob} before writing it. A new tag skips the HEAD for a mount,
     * which costs one POST either way, and for a blob under {@link #HEAD_BEFORE_UPLOAD_BYTES}.
     */
    private boolean needsHead(Descriptor blob, String mountFrom) {
      return !newTag || mountFrom == null && blob.size() >= HEAD_BEFORE_UPLOAD_BYTES;
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
