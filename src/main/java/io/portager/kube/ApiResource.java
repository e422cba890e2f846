package io.portager.kube;

/**
 * A Kubernetes resource type: API group (empty for the core group), version, plural name and
 * whether its objects live in a namespace. Builds request paths.
 */
public record ApiResource(String group, String version, String plural, boolean namespaced) {
  public static final ApiResource SECRETS = new ApiResource("", "v1", "secrets", true);
  public static final ApiResource EVENTS = new ApiResource("", "v1", "events", true);
  public static final ApiResource NAMESPACES = new ApiResource("", "v1", "namespaces", false);

  public ApiResource {
    requireText(version, "version");
    requireText(plural, "plural");
    group = group == null ? "" : group;
  }

  /**
   * Returns {@code /api/v1/namespaces/NS/PLURAL[/NAME]} or {@code /apis/G/V/...}. A null {@code
   * namespace} on a namespaced resource addresses all namespaces (list and watch only); a null
   * {@code name} addresses the collection.
   */
  public String path(String namespace, String name) {
    StringBuilder path = new StringBuilder(groupVersionPath());
    if (namespaced && namespace != null && !namespace.isEmpty()) {
      path.append("/namespaces/").append(checkSegment(namespace, "namespace"));
    }
    path.append('/').append(plural);
    if (name != null && !name.isEmpty()) {
      path.append('/').append(checkSegment(name, "name"));
    }
    return path.toString();
  }

  /** Returns the path of the object's status subresource. */
  public String statusPath(String namespace, String name) {
    return path(namespace, requireText(name, "name")) + "/status";
  }

  /** Returns {@code apiVersion} as objects spell it: {@code v1} or {@code group/v1}. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  private String groupVersionPath() {
    // The core group predates API groups, so it lives under /api instead of /apis.
    return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
  }

  // Sent unescaped, these characters would change which path or query the request addresses.
  // The API server rejects '/' and '%' in every name, and DNS-style names allow none of them.
  private static String checkSegment(String value, String field) {
    boolean unsafe = value.equals(".") || value.equals("..") || value.matches(".*[/?#%\\s].*");
    if (unsafe) {
      throw new IllegalArgumentException(
          "invalid " + field + " \"" + value + "\": must not contain '/', '?', '#', '%' or spaces");
    }
    return value;
  }

  private static String requireText(String value, String field) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("missing " + field + " in API resource");
    }
    return value;
  }
}
