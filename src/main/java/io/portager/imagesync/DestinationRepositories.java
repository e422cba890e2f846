package io.portager.imagesync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portager.cloud.CloudCredentialException;
import io.portager.cloud.RepositoryCreator;
import io.portager.kube.EventRecorder;
import io.portager.log.Log;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates missing destination repositories before the first push, for spec.createDestinationRepos
 * on registries whose auth method has a {@link RepositoryCreator} (ECR). Records a RepoEnsured
 * Event per repository the first time this process ensures it, and fails the tags of a repository
 * that could not be ensured.
 */
final class DestinationRepositories {
  private static final Log LOG = Log.get("imagesync");

  private final EventRecorder events;

  DestinationRepositories(EventRecorder events) {
    this.events = events;
  }

  /**
   * Ensures the repository of each job and returns the failed outcomes of the jobs whose repository
   * could not be ensured. The caller runs only the other jobs.
   */
  List<TagOutcome> ensure(
      ObjectNode object, SyncPlan plan, RepositoryCreator creator, List<SyncPlan.TagJob> jobs) {
    Map<String, List<SyncPlan.TagJob>> byRepository = new LinkedHashMap<>();
    for (SyncPlan.TagJob job : jobs) {
      byRepository.computeIfAbsent(job.destinationRepository(), r -> new ArrayList<>()).add(job);
    }
    List<TagOutcome> failures = new ArrayList<>();
    String host = plan.destination().host();
    for (Map.Entry<String, List<SyncPlan.TagJob>> entry : byRepository.entrySet()) {
      String repository = entry.getKey();
      try {
        RepositoryCreator.Result result =
            creator.ensureRepository(host, repository, plan.repositorySettings());
        recordEnsured(object, host + "/" + repository, result);
      } catch (CloudCredentialException e) {
        String message =
            "creating destination repository "
                + host
                + "/"
                + repository
                + " failed: "
                + e.getMessage();
        LOG.warn(
            "repository_ensure_failed",
            "repository",
            host + "/" + repository,
            "error",
            e.getMessage());
        events.record(object, EventRecorder.Type.Warning, "RepoEnsureFailed", message);
        entry
            .getValue()
            .forEach(job -> failures.add(TagOutcome.authFailed(job, message, e.retryable())));
      }
    }
    return failures;
  }

  private void recordEnsured(
      ObjectNode object, String repository, RepositoryCreator.Result result) {
    switch (result) {
      case CREATED -> {
        LOG.info("repository_created", "repository", repository);
        events.record(
            object,
            EventRecorder.Type.Normal,
            "RepoEnsured",
            "created destination repository "
                + repository
                + " with spec.destination.repositorySettings");
      }
      case EXISTED ->
          events.record(
              object,
              EventRecorder.Type.Normal,
              "RepoEnsured",
              "destination repository "
                  + repository
                  + " already existed; its settings were left as they are");
      case ENSURED_BEFORE -> {}
    }
  }
}
