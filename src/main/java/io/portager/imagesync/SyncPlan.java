package io.portager.imagesync;

import io.portager.cloud.RepositorySettings;
import io.portager.registry.RegistryEndpoint;
import io.portager.schedule.Schedule;
import io.portager.sync.CopyOptions;
import io.portager.tags.Constraint;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A validated spec: the schedule, both endpoints, one job per explicit image and tag in spec order,
 * one query per image whose tags a semver constraint selects at sync time, the auth of both sides,
 * and the settings of destination repositories to create (null when createDestinationRepos is off).
 */
record SyncPlan(
    Schedule schedule,
    RegistryLocation source,
    RegistryEndpoint sourceEndpoint,
    RegistryLocation destination,
    RegistryEndpoint destinationEndpoint,
    List<TagJob> jobs,
    List<TagQuery> queries,
    AuthPlan sourceAuth,
    AuthPlan destinationAuth,
    RepositorySettings repositorySettings) {

  SyncPlan {
    jobs = List.copyOf(jobs);
    queries = List.copyOf(queries);
  }

  /** The tags of one image that match a semver constraint and the include and exclude patterns. */
  record TagQuery(
      String image,
      String sourceRepository,
      String destinationRepository,
      Constraint constraint,
      List<Pattern> include,
      List<Pattern> exclude,
      int maxTags,
      CopyOptions options) {
    TagQuery {
      include = List.copyOf(include);
      exclude = List.copyOf(exclude);
    }

    TagJob job(String tag) {
      return new TagJob(image, tag, sourceRepository, destinationRepository, options);
    }
  }

  /** One tag of one image: where it comes from and where it goes. */
  record TagJob(
      String image,
      String tag,
      String sourceRepository,
      String destinationRepository,
      CopyOptions options) {
    TagJob(String image, String tag, String sourceRepository, String destinationRepository) {
      this(image, tag, sourceRepository, destinationRepository, CopyOptions.DEFAULT);
    }
  }
}
