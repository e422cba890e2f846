package io.portager.cloud;

import java.util.Map;

/**
 * Settings applied to a destination repository when the operator creates it. Null fields leave the
 * registry's default: tag mutability MUTABLE, scan on push off, AES256 encryption and no tags on
 * ECR.
 */
public record RepositorySettings(
    String imageTagMutability,
    Boolean scanOnPush,
    String encryptionType,
    String kmsKey,
    Map<String, String> tags) {
  public static final RepositorySettings DEFAULTS =
      new RepositorySettings(null, null, null, null, Map.of());

  public RepositorySettings {
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }
}
