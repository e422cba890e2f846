package io.portager.imagesync;

import java.util.Locale;

/**
 * A {@code spec.*.registry} value split into the host ({@code host[:port]}) and an optional
 * repository path prefix, as in {@code docker.io/library} or {@code cgr.dev/my-org}.
 */
record RegistryLocation(String host, String pathPrefix) {
  private static final String DOCKER_HUB = "docker.io";

  /** Parses a registry field; {@code field} names it in messages, e.g. spec.source.registry. */
  static RegistryLocation parse(String field, String value) {
    if (value == null || value.isBlank()) {
      throw invalid(field, value, "it is empty; set it to a registry host such as ghcr.io");
    }
    String text = value.trim();
    if (text.contains("://")) {
      throw invalid(field, value, "remove the scheme; use plainHTTP: true for an HTTP registry");
    }
    if (text.chars().anyMatch(c -> Character.isWhitespace(c) || c == '@' || c == '?')) {
      throw invalid(field, value, "it may contain only a host, an optional port and a path");
    }
    int slash = text.indexOf('/');
    String host = (slash < 0 ? text : text.substring(0, slash)).toLowerCase(Locale.ROOT);
    String path = slash < 0 ? "" : trimSlashes(text.substring(slash + 1));
    if (host.isEmpty() || host.startsWith(".") || host.endsWith(":")) {
      throw invalid(field, value, "the host part is malformed");
    }
    checkPort(field, value, host);
    if (host.equals("index.docker.io") || host.equals("registry-1.docker.io")) {
      host = DOCKER_HUB;
    }
    return new RegistryLocation(host, path);
  }

  private static void checkPort(String field, String value, String host) {
    int colon = host.lastIndexOf(':');
    if (colon < 0 || host.endsWith("]")) {
      return;
    }
    String port = host.substring(colon + 1);
    boolean valid = port.chars().allMatch(Character::isDigit) && !port.isEmpty();
    if (!valid || Integer.parseInt(port.length() > 6 ? "999999" : port) > 65535) {
      throw invalid(field, value, "the port must be a number from 1 to 65535");
    }
  }

  /** Returns the host that serves the registry API. Docker Hub's API is on registry-1.docker.io. */
  String apiHost() {
    return host.equals(DOCKER_HUB) ? "registry-1.docker.io" : host;
  }

  /** Joins the prefix and an image name; Docker Hub's one-part names live under library/. */
  String repository(String imageName) {
    String name = trimSlashes(imageName);
    String joined = pathPrefix.isEmpty() ? name : pathPrefix + "/" + name;
    if (host.equals(DOCKER_HUB) && !joined.contains("/")) {
      return "library/" + joined;
    }
    return joined;
  }

  private static String trimSlashes(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && text.charAt(start) == '/') {
      start++;
    }
    while (end > start && text.charAt(end - 1) == '/') {
      end--;
    }
    return text.substring(start, end);
  }

  private static InvalidSpecException invalid(String field, String value, String why) {
    return new InvalidSpecException(
        "InvalidSpec", "invalid " + field + " \"" + value + "\": " + why);
  }
}
