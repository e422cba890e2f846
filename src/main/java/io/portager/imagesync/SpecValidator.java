package io.portager.imagesync;

import io.portager.cloud.RepositorySettings;
import io.portager.oci.Platform;
import io.portager.oci.Reference;
import io.portager.registry.RegistryEndpoint;
import io.portager.schedule.InvalidScheduleException;
import io.portager.schedule.Schedule;
import io.portager.sync.CopyOptions;
import io.portager.tags.Constraint;
import io.portager.tags.TagSelector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Turns an ImageSync spec into a {@link SyncPlan}, or throws {@link InvalidSpecException} with a
 * message that names the field, the value and the fix. Checks what the CRD schema cannot: schedule
 * syntax, registry form, repository and tag grammar, and, through {@link AuthValidator}, auth
 * method combinations.
 */
final class SpecValidator {
  /** The CRD default of spec.images[].maxTags, for objects stored without it. */
  private static final int DEFAULT_MAX_TAGS = 10;

  private SpecValidator() {}

  /** Validates {@code spec} for an operator that supports no cloud auth method. */
  static SyncPlan validate(ImageSyncSpec spec) {
    return validate(spec, method -> false);
  }

  /**
   * Validates {@code spec}. {@code registeredCloudMethod} returns true for each cloud auth method
   * ({@code ecr}, {@code gar}, {@code acr}) that this operator supports.
   */
  static SyncPlan validate(ImageSyncSpec spec, Predicate<String> registeredCloudMethod) {
    if (spec == null || spec.source() == null || spec.destination() == null) {
      throw new InvalidSpecException(
          "InvalidSpec", "invalid spec: spec.source and spec.destination are required");
    }
    Schedule schedule = parseSchedule(spec.schedule());
    RegistryLocation source =
        RegistryLocation.parse("spec.source.registry", spec.source().registry());
    RegistryLocation destination =
        RegistryLocation.parse("spec.destination.registry", spec.destination().registry());
    AuthPlan sourceAuth = AuthValidator.source(spec.source(), registeredCloudMethod);
    AuthPlan destinationAuth = AuthValidator.destination(spec.destination(), registeredCloudMethod);
    RepositorySettings repositorySettings = AuthValidator.repositorySettings(spec);
    checkValidation(spec);
    List<SyncPlan.TagJob> jobs = new ArrayList<>();
    List<SyncPlan.TagQuery> queries = new ArrayList<>();
    plan(spec, source, destination, jobs, queries);
    return new SyncPlan(
        schedule,
        source,
        endpoint(source, spec.source().plainHTTP(), spec.source().insecureSkipTLSVerify()),
        destination,
        endpoint(
            destination,
            spec.destination().plainHTTP(),
            spec.destination().insecureSkipTLSVerify()),
        jobs,
        queries,
        sourceAuth,
        destinationAuth,
        repositorySettings);
  }

  static Schedule parseSchedule(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidSpecException(
          "InvalidSchedule",
          "spec.schedule is empty: set a cron expression such as \"0 */6 * * *\" or \"@every 1h\"");
    }
    try {
      return Schedule.parse(text);
    } catch (InvalidScheduleException e) {
      throw new InvalidSpecException("InvalidSchedule", e.getMessage());
    }
  }

  private static RegistryEndpoint endpoint(
      RegistryLocation location, Boolean plainHttp, Boolean insecureSkipTlsVerify) {
    return new RegistryEndpoint(
        location.apiHost(),
        Boolean.TRUE.equals(plainHttp),
        Boolean.TRUE.equals(insecureSkipTlsVerify));
  }

  private static void checkValidation(ImageSyncSpec spec) {
    if (spec.validation() == null) {
      return;
    }
    for (String gate : List.of("cosign", "vulnerabilityGate", "sbomGate")) {
      if (spec.validation().path(gate).path("enabled").asBoolean(false)) {
        // TODO: the validation gates are not implemented yet, so an enabled gate stops the sync.
        throw new InvalidSpecException(
            "UnsupportedValidation",
            "spec.validation."
                + gate
                + " is enabled, but this version of Portager cannot run validation gates: "
                + "set enabled: false to sync without it");
      }
    }
  }

  private static void plan(
      ImageSyncSpec spec,
      RegistryLocation source,
      RegistryLocation destination,
      List<SyncPlan.TagJob> jobs,
      List<SyncPlan.TagQuery> queries) {
    if (spec.images() == null || spec.images().isEmpty()) {
      throw new InvalidSpecException(
          "InvalidSpec", "spec.images is empty: list at least one image with its tags");
    }
    String prefix = spec.destination().repositoryPrefix();
    if (!isBlank(prefix) && !Reference.isValidRepository(prefix.replaceAll("^/+|/+$", ""))) {
      throw new InvalidSpecException(
          "InvalidSpec",
          "invalid spec.destination.repositoryPrefix \""
              + prefix
              + "\": use lower-case path"
              + " components of letters, digits, '.', '_' and '-' separated by '/'");
    }
    RegistryLocation target =
        isBlank(prefix)
            ? destination
            : new RegistryLocation(destination.host(), join(destination.pathPrefix(), prefix));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < spec.images().size(); i++) {
      ImageSyncSpec.Image image = spec.images().get(i);
      String field = "spec.images[" + i + "]";
      if (image == null || isBlank(image.name())) {
        throw new InvalidSpecException("InvalidSpec", field + ".name is empty: name a repository");
      }
      List<String> tags = image.tags() == null ? List.of() : image.tags();
      if (tags.isEmpty() && isBlank(image.semver())) {
        throw new InvalidSpecException(
            "InvalidSpec",
            field
                + ".tags is empty and no semver is set: list tags such as [\"latest\"] or set a"
                + " semver constraint such as \"^1.2\"");
      }
      String sourceRepository = source.repository(image.name());
      String destinationRepository = target.repository(image.name());
      if (source.host().equals(target.host()) && sourceRepository.equals(destinationRepository)) {
        throw new InvalidSpecException(
            "InvalidSpec",
            field
                + " copies "
                + source.host()
                + "/"
                + sourceRepository
                + " onto itself: set spec.destination.repositoryPrefix or another destination"
                + " registry");
      }
      checkFilters(field, image);
      CopyOptions options = copyOptions(spec, image, field);
      checkReference(field, source.host(), sourceRepository, "latest");
      checkReference(field, target.host(), destinationRepository, "latest");
      for (String tag : tags) {
        if (tag == null || !Reference.isValidTag(tag)) {
          throw new InvalidSpecException(
              "InvalidSpec",
              "invalid tag \""
                  + tag
                  + "\" in "
                  + field
                  + ".tags: a tag is 1 to 128 letters,"
                  + " digits, '_', '.' and '-', not starting with '.' or '-'");
        }
        if (seen.add(destinationRepository + ":" + tag)) {
          jobs.add(
              new SyncPlan.TagJob(
                  image.name(), tag, sourceRepository, destinationRepository, options));
        }
      }
      if (!isBlank(image.semver())) {
        queries.add(query(field, image, sourceRepository, destinationRepository, options));
      }
    }
  }

  private static SyncPlan.TagQuery query(
      String field,
      ImageSyncSpec.Image image,
      String sourceRepository,
      String destinationRepository,
      CopyOptions options) {
    try {
      Constraint constraint = Constraint.parse(image.semver());
      List<Pattern> include =
          TagSelector.compile(field + ".includeTags", orEmpty(image.includeTags()));
      List<Pattern> exclude =
          TagSelector.compile(field + ".excludeTags", orEmpty(image.excludeTags()));
      int maxTags = image.maxTags() == null ? DEFAULT_MAX_TAGS : image.maxTags();
      if (maxTags < 0) {
        throw new IllegalArgumentException(field + ".maxTags is negative: use 0 for no limit");
      }
      return new SyncPlan.TagQuery(
          image.name(),
          sourceRepository,
          destinationRepository,
          constraint,
          include,
          exclude,
          maxTags,
          options);
    } catch (IllegalArgumentException e) {
      String message =
          e.getMessage().contains(field) ? e.getMessage() : field + ".semver: " + e.getMessage();
      throw new InvalidSpecException("InvalidSpec", message);
    }
  }

  private static CopyOptions copyOptions(
      ImageSyncSpec spec, ImageSyncSpec.Image image, String field) {
    List<Platform> platforms = new ArrayList<>();
    List<String> requested = orEmpty(image.platforms());
    for (int i = 0; i < requested.size(); i++) {
      try {
        platforms.add(Platform.parse(requested.get(i)));
      } catch (IllegalArgumentException e) {
        throw new InvalidSpecException(
            "InvalidSpec", "invalid " + field + ".platforms[" + i + "]: " + e.getMessage());
      }
    }
    ImageSyncSpec.Referrers referrers = spec.referrers();
    boolean copyReferrers = referrers != null && Boolean.TRUE.equals(referrers.enabled());
    List<String> artifactTypes = referrers == null ? List.of() : orEmpty(referrers.artifactTypes());
    return new CopyOptions(platforms, copyReferrers, artifactTypes);
  }

  /** Rejects tag filters that would do nothing: they apply to semver selections only. */
  private static void checkFilters(String field, ImageSyncSpec.Image image) {
    if (!isBlank(image.semver())) {
      return;
    }
    if (!orEmpty(image.includeTags()).isEmpty() || !orEmpty(image.excludeTags()).isEmpty()) {
      throw new InvalidSpecException(
          "InvalidSpec",
          field
              + ".includeTags and .excludeTags filter the tags a semver constraint selects, and "
              + field
              + " has no semver: set semver, or list only the tags you want in tags");
    }
  }

  private static List<String> orEmpty(List<String> list) {
    return list == null ? List.of() : list;
  }

  private static void checkReference(String field, String host, String repository, String tag) {
    try {
      Reference.parse(host + "/" + repository + ":" + tag);
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException(
          "InvalidSpec",
          "invalid "
              + field
              + ": "
              + e.getMessage()
              + " (repository names are lower-case; tags are letters, digits, '.', '_', '-')");
    }
  }

  private static String join(String first, String second) {
    String trimmed = second.replaceAll("^/+|/+$", "");
    return first.isEmpty() ? trimmed : first + "/" + trimmed;
  }

  private static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }
}
