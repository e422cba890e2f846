package io.portager.sync;

import io.portager.log.Log;
import io.portager.oci.Descriptor;
import io.portager.oci.Digest;
import io.portager.oci.Manifest;
import io.portager.oci.MediaTypes;
import io.portager.registry.Repository;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Copies the referrers of manifests (signatures, SBOMs, attestations: manifests whose {@code
 * subject} names another manifest) from the source to the destination, and cosign's tags.
 *
 * <p>Source side: the referrers API ({@code GET /v2/<name>/referrers/<digest>}) first. On a 404 the
 * referrers tag {@code sha256-<hex>} is read instead, and used only when it is an OCI image index
 * of manifests whose {@code subject} is the digest in question.
 *
 * <p>Destination side: every referrer is pushed by digest. A registry with the referrers API
 * confirms the subject with an {@code OCI-Subject} header; without it, this class adds the referrer
 * to the destination's referrers tag (pulled, 404 meaning empty, de-duplicated, pushed back).
 * Distribution 2.8 and 3.1 have no referrers API, so they get the tag.
 *
 * <p>State of one sync call, confined to the calling thread.
 */
final class ReferrerSync {
  /** Levels of referrers followed: referrers, their referrers, and theirs. */
  static final int MAX_DEPTH = 3;

  /** Tag suffixes cosign uses for signatures, attestations and SBOMs of {@code sha256-<hex>}. */
  static final List<String> COSIGN_SUFFIXES = List.of(".sig", ".att", ".sbom");

  private static final Log LOG = Log.get("sync");

  private final Repository source;
  private final Repository destination;
  private final ImageCopier.Copy copy;
  private final List<String> artifactTypes;
  private final Set<Digest> visited = new HashSet<>();
  private Boolean destinationHasApi;
  private int copied;

  ReferrerSync(
      Repository source, Repository destination, ImageCopier.Copy copy, List<String> types) {
    this.source = source;
    this.destination = destination;
    this.copy = copy;
    this.artifactTypes = List.copyOf(types);
  }

  /** Referrer manifests and cosign tags written so far. */
  int copied() {
    return copied;
  }

  /** Copies the referrers of {@code subject} and, up to {@link #MAX_DEPTH}, theirs. */
  void copyReferrersOf(Digest subject) {
    copyReferrersOf(subject, 0);
  }

  /**
   * Lists the referrers of {@code subject} at the source without copying them, including cosign
   * tags, after the artifact type filter on what the listing shows.
   */
  List<Digest> listAtSource(Digest subject) {
    List<Digest> found = new ArrayList<>();
    for (Descriptor referrer : listSource(subject)) {
      if (isTypeRequested(referrer.artifactType())) {
        found.add(referrer.digest());
      }
    }
    for (String suffix : COSIGN_SUFFIXES) {
      source.headManifest(subject.referrersTag() + suffix).ifPresent(d -> found.add(d.digest()));
    }
    return found;
  }

  private void copyReferrersOf(Digest subject, int depth) {
    if (depth >= MAX_DEPTH || !visited.add(subject)) {
      return;
    }
    List<Descriptor> needTag = new ArrayList<>();
    for (Manifest referrer : fetchReferrers(subject)) {
      if (!pushReferrer(referrer)) {
        needTag.add(tagEntry(referrer));
      }
      copyReferrersOf(referrer.digest(), depth + 1);
    }
    if (!needTag.isEmpty()) {
      updateReferrersTag(subject, needTag);
    }
    copyCosignTags(subject);
  }

  /** Pushes a referrer by digest; returns true when the destination indexes it by itself. */
  private boolean pushReferrer(Manifest referrer) {
    String byDigest = referrer.digest().toString();
    if (destination.headManifest(byDigest).isPresent()) {
      return destinationHasApi(referrer);
    }
    copy.contentOf(referrer, 0);
    boolean indexed = destination.putReferrerManifest(byDigest, referrer);
    destinationHasApi = indexed;
    copied++;
    return indexed;
  }

  // A referrer that is already there was indexed by the registry only if it has the API, so
  // ask once per sync with a listing of its subject's referrers.
  private boolean destinationHasApi(Manifest referrer) {
    if (destinationHasApi == null) {
      Digest subject = referrer.subject().orElseThrow().digest();
      destinationHasApi = destination.referrers(subject, null).isPresent();
    }
    return destinationHasApi;
  }

  /** Returns the referrer manifests of {@code subject} at the source that pass the filter. */
  private List<Manifest> fetchReferrers(Digest subject) {
    Map<Digest, Manifest> result = new LinkedHashMap<>();
    for (Descriptor descriptor : listSource(subject)) {
      if (result.containsKey(descriptor.digest())
          || (descriptor.artifactType() != null && !isTypeRequested(descriptor.artifactType()))) {
        continue;
      }
      Manifest manifest = source.getManifest(descriptor.digest().toString());
      Optional<Descriptor> named = manifest.subject();
      if (named.isEmpty() || !named.get().digest().equals(subject)) {
        LOG.warn(
            "referrer_ignored",
            "repository",
            source.name(),
            "subject",
            subject,
            "referrer",
            manifest.digest(),
            "reason",
            "its subject is not this digest");
        continue;
      }
      if (isTypeRequested(artifactTypeOf(manifest))) {
        result.put(manifest.digest(), manifest);
      }
    }
    return List.copyOf(result.values());
  }

  private List<Descriptor> listSource(Digest subject) {
    // The API takes one artifactType; for several, list all and filter here.
    String filter = artifactTypes.size() == 1 ? artifactTypes.get(0) : null;
    Optional<List<Descriptor>> listed = source.referrers(subject, filter);
    if (listed.isPresent()) {
      return listed.get();
    }
    return readReferrersTag(subject);
  }

  /**
   * Reads the source's referrers tag. Anything but an OCI image index of manifests is some other
   * content that happens to have that tag name, and is ignored.
   */
  private List<Descriptor> readReferrersTag(Digest subject) {
    String tag = subject.referrersTag();
    if (source.headManifest(tag).isEmpty()) {
      return List.of();
    }
    Manifest index = source.getManifest(tag);
    boolean valid =
        MediaTypes.OCI_INDEX.equals(index.mediaType())
            && index.children().stream()
                .allMatch(d -> MediaTypes.SUPPORTED_MANIFESTS.contains(d.mediaType()));
    if (!valid) {
      LOG.warn(
          "referrers_tag_ignored",
          "repository",
          source.name(),
          "tag",
          tag,
          "media_type",
          index.mediaType(),
          "reason",
          "not an OCI image index of manifests");
      return List.of();
    }
    return index.children();
  }

  /** Adds {@code additions} to the destination's referrers tag of {@code subject}. */
  private void updateReferrersTag(Digest subject, List<Descriptor> additions) {
    String tag = subject.referrersTag();
    List<Descriptor> existing = List.of();
    if (destination.headManifest(tag).isPresent()) {
      Manifest current = destination.getManifest(tag);
      if (!MediaTypes.OCI_INDEX.equals(current.mediaType())) {
        LOG.warn(
            "referrers_tag_not_updated",
            "repository",
            destination.name(),
            "tag",
            tag,
            "media_type",
            current.mediaType(),
            "reason",
            "the tag holds content that is not an OCI image index");
        return;
      }
      existing = current.children();
    }

    Map<Digest, Descriptor> merged = new LinkedHashMap<>();
    for (Descriptor descriptor : existing) {
      merged.putIfAbsent(descriptor.digest(), descriptor);
    }
    for (Descriptor descriptor : additions) {
      merged.putIfAbsent(descriptor.digest(), descriptor);
    }
    List<Descriptor> updated = List.copyOf(merged.values());
    if (updated.equals(existing)) {
      return;
    }
    // NOTE: two writers can race on this tag and one update can be lost; distribution has no
    // conditional PUT (If-Match) for manifests.
    destination.putManifest(tag, Manifest.referrersIndex(updated));
  }

  /** Copies cosign's tags for {@code subject}, each only when its digest differs. */
  private void copyCosignTags(Digest subject) {
    for (String suffix : COSIGN_SUFFIXES) {
      String tag = subject.referrersTag() + suffix;
      Optional<Descriptor> wanted = source.headManifest(tag);
      if (wanted.isEmpty()) {
        continue;
      }
      Optional<Descriptor> present = destination.headManifest(tag);
      if (present.isPresent() && present.get().digest().equals(wanted.get().digest())) {
        continue;
      }
      Manifest manifest = source.getManifest(wanted.get().digest().toString());
      if (!isTypeRequested(artifactTypeOf(manifest))) {
        continue;
      }
      copy.contentOf(manifest, 0);
      destination.putManifest(tag, manifest);
      copied++;
    }
  }

  private boolean isTypeRequested(String artifactType) {
    return artifactTypes.isEmpty() || artifactTypes.contains(artifactType);
  }

  /** Builds the entry of a referrers list for {@code referrer}. */
  private static Descriptor tagEntry(Manifest referrer) {
    return new Descriptor(
        referrer.mediaType(),
        referrer.digest(),
        referrer.bytes().length,
        null,
        artifactTypeOf(referrer),
        referrer.annotations());
  }

  // The spec's rule for a referrers list: artifactType, else the config's media type.
  private static String artifactTypeOf(Manifest manifest) {
    String artifactType = manifest.artifactType();
    return artifactType != null ? artifactType : manifest.configMediaType();
  }
}
