package io.portager.imagesync;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The status the operator writes, field-compatible with the Go Portager's. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImageSyncStatus(
    String lastSyncTime,
    String nextSyncTime,
    List<Condition> conditions,
    List<ImageStatus> images,
    Integer totalImages,
    Integer syncedImages,
    Integer failedImages,
    Long observedGeneration) {

  /** A metav1.Condition; times are RFC 3339 UTC with whole seconds. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Condition(
      String type,
      String status,
      Long observedGeneration,
      String lastTransitionTime,
      String reason,
      String message) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ImageStatus(String name, List<TagStatus> tags) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TagStatus(
      String tag,
      boolean synced,
      String sourceDigest,
      String destinationDigest,
      List<String> platforms,
      String warning,
      String lastSyncTime,
      String error,
      Boolean verified,
      String validationError) {}
}
