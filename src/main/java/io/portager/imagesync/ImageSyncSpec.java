package io.portager.imagesync;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The spec of an ImageSync as written by users, field-compatible with the Go Portager's {@code
 * portager.portager.io/v1alpha1}. Absent fields are null, and {@link SpecValidator} checks what the
 * CRD schema cannot.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageSyncSpec(
    String schedule,
    Source source,
    Destination destination,
    List<Image> images,
    Boolean createDestinationRepos,
    Referrers referrers,
    JsonNode validation) {

  /** A Secret by name, with a namespace that defaults to the ImageSync's. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SecretRef(String name, String namespace) {}

  /**
   * The source registry. {@code authSecretRef} is the older form of {@code auth} with method
   * secret; a spec may set either, or both when they name the same Secret.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Source(
      String registry,
      SecretRef authSecretRef,
      Auth auth,
      Boolean plainHTTP,
      Boolean insecureSkipTLSVerify) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Destination(
      String registry,
      Auth auth,
      String repositoryPrefix,
      Boolean plainHTTP,
      Boolean insecureSkipTLSVerify,
      RepositorySettings repositorySettings) {}

  /**
   * Registry authentication: {@code secret}, {@code anonymous}, or a cloud identity ({@code ecr},
   * {@code gar}, {@code acr}). {@code roleArn} and {@code externalId} apply to {@code ecr} only.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Auth(String method, SecretRef secretRef, String roleArn, String externalId) {}

  /** Settings for repositories that createDestinationRepos creates; ECR only. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RepositorySettings(
      String imageTagMutability,
      Boolean scanOnPush,
      Encryption encryption,
      Map<String, String> tags) {}

  /** Encryption at rest of a created repository: {@code AES256} or {@code KMS}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Encryption(String type, String kmsKey) {}

  /** One source repository with explicit tags or a semver constraint. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Image(
      String name,
      List<String> tags,
      String semver,
      Integer maxTags,
      List<String> includeTags,
      List<String> excludeTags,
      List<String> platforms) {}

  /** Copying of referrers (signatures, SBOMs, attestations) with each image; off by default. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Referrers(Boolean enabled, List<String> artifactTypes) {}
}
