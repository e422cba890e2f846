package io.portager.oci;

import java.util.List;

/** Manifest media types of the OCI image spec and of Docker's image manifest v2. */
public final class MediaTypes {
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";

  /** Docker image manifest schema 1, unsigned and signed; read only to reject it clearly. */
  public static final String DOCKER_SCHEMA1 =
      "application/vnd.docker.distribution.manifest.v1+json";

  public static final String DOCKER_SCHEMA1_SIGNED =
      "application/vnd.docker.distribution.manifest.v1+prettyjws";

  /** Config of an artifact that has no config, the two bytes {@code {}} (OCI image spec v1.1). */
  public static final String EMPTY = "application/vnd.oci.empty.v1+json";

  /** Config and chart layer of a Helm chart stored as an OCI artifact (Helm 3.8 and later). */
  public static final String HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";

  public static final String HELM_CHART = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

  /** The manifest types this client reads and writes, indexes first, as sent in {@code Accept}. */
  public static final List<String> SUPPORTED_MANIFESTS =
      List.of(OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST);

  private MediaTypes() {}

  public static boolean isIndex(String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
  }

  public static boolean isImageManifest(String mediaType) {
    return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
  }

  public static boolean isSchema1(String mediaType) {
    return DOCKER_SCHEMA1.equals(mediaType) || DOCKER_SCHEMA1_SIGNED.equals(mediaType);
  }

  /** Returns the media type of a Content-Type value without parameters such as charset. */
  public static String stripParameters(String contentType) {
    int semicolon = contentType.indexOf(';');
    String bare = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return bare.trim().toLowerCase(java.util.Locale.ROOT);
  }
}
