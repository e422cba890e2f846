package io.portager.kube;

/**
 * A Kubernetes resource type: API group (empty for the core group), version, plural name and
 * whether its objects live in a namespace. Builds request paths.
 */
public record ApiResource(String group, String version, String plural, boolean namespaced) {
  public static final ApiResource SECRETS = new ApiResource("", "v1", "secrets", true);
  public static final ApiResource EVENTS = new ApiResource("", "v1", "events", true);
  public static final ApiResource NAMESPACES = new ApiResource("", "v1", "namespaces", false);

  /** Returns {@code /api/v1/namespaces/NS/PLURAL[/NAME]} or {@code /apis/G/V/...}. */
  public String path(String namespace, String name) {
    throw new UnsupportedOperationException("TODO");
  }
}
