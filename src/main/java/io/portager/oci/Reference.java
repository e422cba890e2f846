package io.portager.oci;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An image reference: registry host, repository and a tag or a digest. Docker Hub names are
 * normalised ({@code docker.io}, {@code index.docker.io}, {@code library/}). When both a tag and a
 * digest are given the digest identifies the content and the tag is informational, as in Docker.
 */
public record Reference(String registry, String repository, String tag, Digest digest) {
  public static final String DOCKER_HUB = "docker.io";
  public static final String DEFAULT_TAG = "latest";

  private static final Set<String> DOCKER_HUB_ALIASES =
      Set.of("docker.io", "index.docker.io", "registry-1.docker.io");

  // Grammar of the OCI distribution spec ("Pulling manifests") and distribution's reference
  // package: lower-case path components joined by '/', each separated internally by '.', '_',
  // '__' or runs of '-'.
  private static final Pattern REPOSITORY =
      Pattern.compile(
          "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
  private static final Pattern REGISTRY =
      Pattern.compile(
          "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
              + "(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*"
              + "(?::[0-9]{1,5})?");

  /** Repository names longer than this are rejected by distribution's reference grammar. */
  private static final int MAX_NAME_LENGTH = 255;

  public Reference {
    registry = normaliseRegistry(registry);
    repository = normaliseRepository(registry, repository);
    if (tag == null && digest == null) {
      throw new IllegalArgumentException(
          "parse reference " + registry + "/" + repository + ": want a tag or a digest");
    }
    if (tag != null && !isValidTag(tag)) {
      throw new IllegalArgumentException(
          "parse reference: invalid tag "
              + tag
              + ", want 1 to 128 characters of [A-Za-z0-9_.-] not starting with '.' or '-'");
    }
  }

  /**
   * Parses {@code [registry/]repository[:tag][@digest]}; throws IllegalArgumentException. A
   * reference with neither tag nor digest gets the tag {@code latest}.
   */
  public static Reference parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("parse reference: missing value");
    }
    String rest = text;
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = Digest.parse(rest.substring(at + 1));
      rest = rest.substring(0, at);
    }

    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    if (tag == null && digest == null) {
      tag = DEFAULT_TAG;
    }

    String registry = DOCKER_HUB;
    int slash = rest.indexOf('/');
    if (slash >= 0 && looksLikeRegistry(rest.substring(0, slash))) {
      registry = rest.substring(0, slash);
      rest = rest.substring(slash + 1);
    }
    return new Reference(registry, rest, tag, digest);
  }

  /** Returns true when {@code name} matches the spec's repository grammar. */
  public static boolean isValidRepository(String name) {
    return name != null && name.length() <= MAX_NAME_LENGTH && REPOSITORY.matcher(name).matches();
  }

  /** Returns true when {@code tag} matches the spec's tag grammar. */
  public static boolean isValidTag(String tag) {
    return tag != null && TAG.matcher(tag).matches();
  }

  /** Returns what to put after {@code /manifests/}: the digest when present, else the tag. */
  public String manifestReference() {
    return digest != null ? digest.toString() : tag;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(registry).append('/').append(repository);
    if (tag != null) {
      text.append(':').append(tag);
    }
    if (digest != null) {
      text.append('@').append(digest);
    }
    return text.toString();
  }

  // Docker's rule: the first path component is a registry only when it could not be a
  // repository component, that is when it has a '.' or a ':' or is exactly "localhost".
  private static boolean looksLikeRegistry(String component) {
    return component.contains(".") || component.contains(":") || component.equals("localhost");
  }

  private static String normaliseRegistry(String registry) {
    if (registry == null || !REGISTRY.matcher(registry).matches()) {
      throw new IllegalArgumentException(
          "parse reference: invalid registry " + registry + ", want host or host:port");
    }
    if (DOCKER_HUB_ALIASES.contains(registry.toLowerCase(Locale.ROOT))) {
      return DOCKER_HUB;
    }
    return registry;
  }

  private static String normaliseRepository(String registry, String repository) {
    if (repository == null || repository.isEmpty()) {
      throw new IllegalArgumentException("parse reference: missing repository");
    }
    if (!repository.equals(repository.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "parse reference: invalid repository " + repository + ", want lower-case letters");
    }
    if (DOCKER_HUB.equals(registry) && !repository.contains("/")) {
      repository = "library/" + repository;
    }
    if (!isValidRepository(repository)) {
      throw new IllegalArgumentException(
          "parse reference: invalid repository "
              + repository
              + ", want lower-case components of [a-z0-9] joined by '/' and separated by"
              + " '.', '_', '__' or '-'");
    }
    return repository;
  }
}
