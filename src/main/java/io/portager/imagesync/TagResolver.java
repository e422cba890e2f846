package io.portager.imagesync;

import io.portager.registry.Credential;
import io.portager.registry.Registries;
import io.portager.registry.RegistryException;
import io.portager.tags.TagSelector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a plan into the tag jobs of one run: the explicit tags, then for each semver query the
 * source tags it selects, newest first. A query whose tags cannot be listed becomes a failed
 * outcome named after its constraint, so the status shows it like a failed tag.
 */
final class TagResolver {
  private final Registries registries;

  TagResolver(Registries registries) {
    this.registries = registries;
  }

  /** The result of one semver query: the selected tags, or why they could not be listed. */
  record QueryResult(SyncPlan.TagQuery query, List<String> tags, String error, boolean retryable) {}

  /** All jobs of a run, the outcomes of failed queries, and each query's result. */
  record Resolution(
      List<SyncPlan.TagJob> jobs, List<TagOutcome> failures, List<QueryResult> queries) {}

  Resolution resolve(SyncPlan plan, CredentialResolver.Lookup sourceCredentials) {
    List<SyncPlan.TagJob> jobs = new ArrayList<>(plan.jobs());
    Set<String> seen = new HashSet<>();
    jobs.forEach(job -> seen.add(job.destinationRepository() + ":" + job.tag()));
    List<TagOutcome> failures = new ArrayList<>();
    List<QueryResult> results = new ArrayList<>();
    for (SyncPlan.TagQuery query : plan.queries()) {
      QueryResult result = run(plan, query, sourceCredentials);
      results.add(result);
      if (result.error() != null) {
        SyncPlan.TagJob placeholder = query.job(query.constraint().toString());
        jobs.add(placeholder);
        failures.add(
            result.retryable()
                ? TagOutcome.failed(placeholder, result.error(), false)
                : TagOutcome.failedForGood(placeholder, result.error()));
        continue;
      }
      for (String tag : result.tags()) {
        if (seen.add(query.destinationRepository() + ":" + tag)) {
          jobs.add(query.job(tag));
        }
      }
    }
    return new Resolution(jobs, failures, results);
  }

  private QueryResult run(
      SyncPlan plan, SyncPlan.TagQuery query, CredentialResolver.Lookup credentials) {
    try {
      Credential credential = credentials.forRepository(query.sourceRepository());
      List<String> available =
          registries
              .client(plan.sourceEndpoint())
              .repository(query.sourceRepository(), credential)
              .listTags();
      List<String> selected =
          TagSelector.select(
              available, query.constraint(), query.include(), query.exclude(), query.maxTags());
      return new QueryResult(query, selected, null, false);
    } catch (RegistryException e) {
      return new QueryResult(query, List.of(), "list tags: " + SyncRunner.explain(plan, e), true);
    } catch (CredentialException e) {
      return new QueryResult(query, List.of(), e.getMessage(), true);
    } catch (IllegalArgumentException e) {
      return new QueryResult(query, List.of(), "select tags: " + e.getMessage(), false);
    }
  }
}
