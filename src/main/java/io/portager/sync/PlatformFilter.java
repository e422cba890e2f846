package io.portager.sync;

import io.portager.oci.Descriptor;
import io.portager.oci.Digest;
import io.portager.oci.Manifest;
import io.portager.oci.Platform;
import io.portager.registry.RegistryException;
import io.portager.registry.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Chooses what to write for a tag when only some platforms are requested. An index becomes a new
 * index with only the matching children, in their original order and with every other field kept; a
 * single image is kept whole when its config names a matching platform.
 */
final class PlatformFilter {
  /** Limit for an image config blob read to learn its platform; real configs are a few KiB. */
  static final int CONFIG_LIMIT = 4 * 1024 * 1024;

  /**
   * The manifest to write under the tag, the platforms it keeps and the requested platforms the
   * source lacks.
   */
  record Selection(Manifest manifest, List<Platform> kept, List<Platform> missing) {}

  private PlatformFilter() {}

  /**
   * Selects the requested platforms of {@code manifest}; throws RegistryException when none of them
   * is in the source.
   */
  static Selection select(Repository source, String tag, Manifest manifest, List<Platform> wanted) {
    if (manifest.isIndex()) {
      return selectChildren(source, tag, manifest, wanted);
    }
    Platform platform = platformOf(source, manifest);
    List<Platform> missing = wanted.stream().filter(w -> !platform.matches(w)).toList();
    if (missing.size() == wanted.size()) {
      throw noMatch(source, tag, wanted, List.of(platform), "image");
    }
    return new Selection(manifest, List.of(platform), missing);
  }

  private static Selection selectChildren(
      Repository source, String tag, Manifest index, List<Platform> wanted) {
    Set<Digest> keep = new LinkedHashSet<>();
    List<Platform> kept = new ArrayList<>();
    List<Platform> available = new ArrayList<>();
    for (Descriptor child : index.children()) {
      Platform platform = child.platform();
      if (platform == null) {
        continue;
      }
      available.add(platform);
      if (wanted.stream().anyMatch(platform::matches)) {
        keep.add(child.digest());
        kept.add(platform);
      }
    }
    List<Platform> missing =
        wanted.stream().filter(w -> available.stream().noneMatch(p -> p.matches(w))).toList();
    if (keep.isEmpty()) {
      throw noMatch(source, tag, wanted, available, "index");
    }
    return new Selection(index.filterChildren(keep), kept, missing);
  }

  /** Reads the platform from the config blob of an image manifest, checking its digest. */
  private static Platform platformOf(Repository source, Manifest manifest) {
    Descriptor config = manifest.blobs().get(0);
    String action = "read platform of " + source.name() + "@" + manifest.digest();
    byte[] bytes;
    try (InputStream body = source.openBlob(config.digest())) {
      bytes = body.readNBytes(CONFIG_LIMIT + 1);
    } catch (IOException e) {
      throw new RegistryException(
          0, null, action + ": read config " + config.digest() + ": " + e.getMessage(), e);
    }
    if (bytes.length > CONFIG_LIMIT) {
      throw failure(action + ": config exceeds the limit of " + CONFIG_LIMIT + " bytes", null);
    }
    if (!config.digest().matches(config.digest().newMessageDigest().digest(bytes))) {
      throw failure(action + ": config does not match its digest " + config.digest(), null);
    }
    try {
      return Platform.ofImageConfig(bytes);
    } catch (IllegalArgumentException e) {
      throw failure(action + ": " + e.getMessage(), e);
    }
  }

  private static RegistryException noMatch(
      Repository source, String tag, List<Platform> wanted, List<Platform> available, String kind) {
    return failure(
        "filter platforms of "
            + source.name()
            + ":"
            + tag
            + ": the source "
            + kind
            + " has none of the requested platforms "
            + wanted
            + ", it has "
            + available
            + ": change the requested platforms or the tag",
        null);
  }

  private static RegistryException failure(String message, Throwable cause) {
    return new RegistryException(0, null, message, cause, false);
  }
}
