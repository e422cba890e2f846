package io.portager.testenv;

import java.nio.file.Path;
import java.util.List;

/**
 * A fixture written to an OCI image layout: the tag inside the layout, the top-level manifest or
 * index, and for each platform its manifest, config and layers.
 *
 * @param pushFormat the {@code skopeo copy --format} value to push with, or empty to keep OCI
 */
public record FixtureImage(
    Path layout,
    String tag,
    String mediaType,
    String digest,
    List<PlatformImage> images,
    String pushFormat) {
  public FixtureImage {
    images = List.copyOf(images);
  }

  /** One platform's image manifest. */
  public record PlatformImage(
      String os,
      String architecture,
      String manifestDigest,
      String configDigest,
      List<LayerBlob> layers) {
    public PlatformImage {
      layers = List.copyOf(layers);
    }

    public String platform() {
      return os + "/" + architecture;
    }
  }

  /** A gzip layer: the blob digest and the sha256 of the uncompressed tar. */
  public record LayerBlob(String digest, long size, String diffId) {}

  /** Returns the skopeo source reference, {@code oci:<layout>:<tag>}. */
  public String ociReference() {
    return "oci:" + layout + ":" + tag;
  }

  public boolean isIndex() {
    return mediaType.equals(OciLayoutWriter.INDEX);
  }
}
