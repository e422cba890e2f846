package io.portager.imagesync;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

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

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Source(
      String registry, SecretRef authSecretRef, Boolean plainHTTP, Boolean insecureSkipTLSVerify) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Destination(
      String registry,
      Auth auth,
      String repositoryPrefix,
      Boolean plainHTTP,
      Boolean insecureSkipTLSVerify) {}

  /** Destination authentication: {@code secret}, {@code ecr}, {@code gar} or {@code anonymous}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Auth(String method, SecretRef secretRef) {}

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
