package io.portager.imagesync;

import io.portager.kube.ApiResource;

/** Names of the ImageSync API: group, version, resource and the sync-now annotation. */
public final class ImageSyncs {
  public static final String GROUP = "portager.portager.io";
  public static final String API_VERSION = GROUP + "/v1alpha1";
  public static final ApiResource RESOURCE = new ApiResource(GROUP, "v1alpha1", "imagesyncs", true);

  /** Set to {@code "true"} to sync at once; the operator removes it after the sync. */
  public static final String SYNC_NOW_ANNOTATION = GROUP + "/sync-now";

  private ImageSyncs() {}
}
