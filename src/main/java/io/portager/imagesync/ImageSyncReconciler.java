package io.portager.imagesync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portager.controller.Reconciler;
import io.portager.imagesync.ImageSyncStatus.Condition;
import io.portager.kube.EventRecorder;
import io.portager.kube.KubeApiException;
import io.portager.kube.KubeClient;
import io.portager.log.Log;
import io.portager.registry.Credential;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Reconciles one ImageSync: decides whether a sync is due (spec changed, sync-now annotation,
 * schedule reached, or a retry of failed tags), runs it, and reports the result in status,
 * conditions and Events. A failed tag is retried with backoff from 10 s doubling to 5 min, never
 * past the next scheduled run, and a retry runs only the tags that failed.
 *
 * <p>The only mutable state is {@code retries}, a concurrent map from key to retry state. The work
 * queue guarantees that one key is never reconciled by two workers at once.
 */
public final class ImageSyncReconciler implements Reconciler {
  private static final Log LOG = Log.get("imagesync");
  private static final Duration FIRST_RETRY = Duration.ofSeconds(10);
  private static final Duration MAX_RETRY = Duration.ofMinutes(5);

  private final KubeClient kube;
  private final EventRecorder events;
  private final CredentialResolver credentials;
  private final SyncRunner runner;
  private final Clock clock;
  private final ObjectMapper mapper = new ObjectMapper();
  private final Map<String, RetryState> retries = new ConcurrentHashMap<>();

  private enum Trigger {
    SPEC_CHANGED,
    SYNC_NOW,
    SCHEDULE,
    RETRY,
    NONE
  }

  private record RetryState(int attempts, Instant retryAt) {}

  ImageSyncReconciler(
      KubeClient kube,
      EventRecorder events,
      CredentialResolver credentials,
      SyncRunner runner,
      Clock clock) {
    this.kube = kube;
    this.events = events;
    this.credentials = credentials;
    this.runner = runner;
    this.clock = clock;
  }

  @Override
  public Optional<Duration> reconcile(String key, Optional<ObjectNode> cached) {
    if (cached.isEmpty() || cached.get().path("metadata").has("deletionTimestamp")) {
      retries.remove(key);
      return Optional.empty();
    }
    ObjectNode object = cached.get();
    long generation = object.path("metadata").path("generation").asLong();
    ImageSyncStatus status = readStatus(object);
    SyncPlan plan;
    try {
      plan = SpecValidator.validate(readSpec(object));
    } catch (InvalidSpecException e) {
      reportInvalid(key, object, status, generation, e);
      return Optional.empty();
    }
    Instant now = clock.instant();
    Trigger trigger = trigger(key, object, status, generation, now);
    if (trigger == Trigger.NONE) {
      return Optional.of(untilNextRun(key, status, now));
    }
    List<SyncPlan.TagJob> jobs = trigger == Trigger.RETRY ? failedJobs(plan, status) : plan.jobs();
    LOG.info("sync_started", "imagesync", key, "trigger", trigger, "tags", jobs.size());
    return Optional.of(sync(key, object, plan, jobs.isEmpty() ? plan.jobs() : jobs, generation));
  }

  private Trigger trigger(
      String key, ObjectNode object, ImageSyncStatus status, long generation, Instant now) {
    if (status == null || status.observedGeneration() == null) {
      return Trigger.SPEC_CHANGED;
    }
    if (status.observedGeneration() != generation) {
      return Trigger.SPEC_CHANGED;
    }
    if (hasSyncNow(object)) {
      return Trigger.SYNC_NOW;
    }
    if (status.nextSyncTime() == null || !Instant.parse(status.nextSyncTime()).isAfter(now)) {
      return Trigger.SCHEDULE;
    }
    RetryState retry = retries.get(key);
    if (retry == null && status.failedImages() != null && status.failedImages() > 0) {
      // The operator restarted since the last failed run: retry the failed tags now.
      return Trigger.RETRY;
    }
    if (retry != null && !retry.retryAt().isAfter(now)) {
      return Trigger.RETRY;
    }
    return Trigger.NONE;
  }

  private Duration untilNextRun(String key, ImageSyncStatus status, Instant now) {
    Instant next = Instant.parse(status.nextSyncTime());
    RetryState retry = retries.get(key);
    if (retry != null && retry.retryAt().isBefore(next)) {
      next = retry.retryAt();
    }
    Duration delay = Duration.between(now, next);
    return delay.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : delay;
  }

  private Duration sync(
      String key, ObjectNode object, SyncPlan plan, List<SyncPlan.TagJob> jobs, long generation) {
    String namespace = object.path("metadata").path("namespace").asText();
    String name = object.path("metadata").path("name").asText();
    ImageSyncSpec spec = readSpec(object);
    writeStatus(namespace, name, previous -> markSyncing(previous, generation, jobs.size()));

    List<TagOutcome> outcomes;
    try {
      Credential source =
          credentials.resolve(
              "spec.source.authSecretRef",
              spec.source().authSecretRef(),
              namespace,
              plan.source().host());
      Credential destination = destinationCredential(spec, namespace, plan);
      outcomes = runner.run(key, plan, jobs, source, destination);
    } catch (CredentialException e) {
      outcomes = jobs.stream().map(job -> TagOutcome.failed(job, e.getMessage(), true)).toList();
      events.record(object, EventRecorder.Type.Warning, "AuthFailed", e.getMessage());
      LOG.warn("credentials_failed", "imagesync", key, "error", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("sync of " + key + " interrupted", e);
    }

    Instant finished = clock.instant();
    Instant next = plan.schedule().next(finished);
    long failed = outcomes.stream().filter(o -> !o.ok()).count();
    RetryState retry = updateRetry(key, failed, finished, next);
    RunReport report =
        new RunReport(plan, outcomes, finished, next, retry == null ? null : retry.retryAt());
    writeStatus(namespace, name, previous -> report.status(previous, generation));
    recordEvents(object, report);
    removeSyncNow(object, namespace, name);
    LOG.info(
        "sync_finished",
        "imagesync",
        key,
        "copied",
        report.copied(),
        "up_to_date",
        report.upToDate(),
        "failed",
        failed,
        "next",
        RunReport.format(next));
    Instant wakeAt = retry != null && retry.retryAt().isBefore(next) ? retry.retryAt() : next;
    Duration delay = Duration.between(clock.instant(), wakeAt);
    return delay.isNegative() ? Duration.ZERO : delay;
  }

  private Credential destinationCredential(ImageSyncSpec spec, String namespace, SyncPlan plan) {
    ImageSyncSpec.Auth auth = spec.destination().auth();
    if ("anonymous".equals(auth.method())) {
      return new Credential.Anonymous();
    }
    return credentials.resolve(
        "spec.destination.auth.secretRef", auth.secretRef(), namespace, plan.destination().host());
  }

  private RetryState updateRetry(String key, long failed, Instant now, Instant next) {
    if (failed == 0) {
      retries.remove(key);
      return null;
    }
    RetryState previous = retries.get(key);
    int attempts = previous == null ? 1 : previous.attempts() + 1;
    Duration delay = FIRST_RETRY.multipliedBy(1L << Math.min(attempts - 1, 20));
    if (delay.compareTo(MAX_RETRY) > 0) {
      delay = MAX_RETRY;
    }
    Instant retryAt = now.plus(delay);
    RetryState state = new RetryState(attempts, retryAt.isAfter(next) ? next : retryAt);
    retries.put(key, state);
    return state;
  }

  private static List<SyncPlan.TagJob> failedJobs(SyncPlan plan, ImageSyncStatus status) {
    if (status == null || status.images() == null) {
      return plan.jobs();
    }
    Set<String> failed =
        status.images().stream()
            .filter(image -> image.tags() != null)
            .flatMap(
                image ->
                    image.tags().stream()
                        .filter(t -> !t.synced())
                        .map(t -> image.name() + ":" + t.tag()))
            .collect(Collectors.toSet());
    return plan.jobs().stream()
        .filter(job -> failed.contains(job.image() + ":" + job.tag()))
        .toList();
  }

  private ImageSyncStatus markSyncing(ImageSyncStatus previous, long generation, int tags) {
    Condition syncing =
        new Condition(
            Conditions.SYNCING,
            "True",
            generation,
            now(),
            "SyncInProgress",
            "syncing " + tags + " tag(s)");
    ImageSyncStatus base = previous == null ? RunReport.empty() : previous;
    return new ImageSyncStatus(
        base.lastSyncTime(),
        base.nextSyncTime(),
        Conditions.merge(base.conditions(), List.of(syncing)),
        base.images(),
        base.totalImages(),
        base.syncedImages(),
        base.failedImages(),
        base.observedGeneration());
  }

  private void reportInvalid(
      String key,
      ObjectNode object,
      ImageSyncStatus status,
      long generation,
      InvalidSpecException e) {
    Condition ready =
        status == null ? null : Conditions.find(status.conditions(), Conditions.READY);
    boolean reported =
        status != null
            && status.observedGeneration() != null
            && status.observedGeneration() == generation
            && ready != null
            && e.reason().equals(ready.reason())
            && e.getMessage().equals(ready.message());
    if (reported) {
      return;
    }
    LOG.warn("spec_invalid", "imagesync", key, "reason", e.reason(), "error", e.getMessage());
    String namespace = object.path("metadata").path("namespace").asText();
    String name = object.path("metadata").path("name").asText();
    writeStatus(namespace, name, previous -> invalidStatus(previous, generation, e));
    events.record(object, EventRecorder.Type.Warning, e.reason(), e.getMessage());
  }

  private ImageSyncStatus invalidStatus(
      ImageSyncStatus previous, long generation, InvalidSpecException e) {
    String now = now();
    List<Condition> updates =
        List.of(
            new Condition(Conditions.READY, "False", generation, now, e.reason(), e.getMessage()),
            new Condition(
                Conditions.SYNCING,
                "False",
                generation,
                now,
                e.reason(),
                "not syncing until the spec is fixed"));
    ImageSyncStatus base = previous == null ? RunReport.empty() : previous;
    return new ImageSyncStatus(
        base.lastSyncTime(),
        null,
        Conditions.merge(base.conditions(), updates),
        base.images(),
        base.totalImages(),
        base.syncedImages(),
        base.failedImages(),
        generation);
  }

  private void recordEvents(ObjectNode object, RunReport report) {
    for (TagOutcome outcome : report.outcomes()) {
      if (!outcome.ok()) {
        events.record(
            object, EventRecorder.Type.Warning, "SyncFailed", report.describeFailure(outcome));
      } else if (outcome.copied()) {
        events.record(
            object, EventRecorder.Type.Normal, "ImageSynced", report.describeCopy(outcome));
      }
    }
    EventRecorder.Type type =
        report.failed() == 0 ? EventRecorder.Type.Normal : EventRecorder.Type.Warning;
    events.record(object, type, "SyncComplete", report.summary());
  }

  private void writeStatus(
      String namespace, String name, java.util.function.UnaryOperator<ImageSyncStatus> change) {
    kube.updateStatusWithRetry(
        ImageSyncs.RESOURCE,
        namespace,
        name,
        fresh -> {
          ImageSyncStatus next = change.apply(readStatus(fresh));
          fresh.set("status", mapper.valueToTree(next));
          return fresh;
        });
  }

  private void removeSyncNow(ObjectNode object, String namespace, String name) {
    if (!hasSyncNow(object)) {
      return;
    }
    String path = "/metadata/annotations/" + ImageSyncs.SYNC_NOW_ANNOTATION.replace("/", "~1");
    String patch =
        "[{\"op\":\"test\",\"path\":\""
            + path
            + "\",\"value\":\"true\"},"
            + "{\"op\":\"remove\",\"path\":\""
            + path
            + "\"}]";
    try {
      kube.patch(ImageSyncs.RESOURCE, namespace, name, KubeClient.PatchType.JSON, patch);
    } catch (KubeApiException e) {
      // A failed test means someone changed or removed the annotation meanwhile.
      LOG.info(
          "sync_now_not_removed", "imagesync", namespace + "/" + name, "error", e.getMessage());
    }
  }

  private static boolean hasSyncNow(ObjectNode object) {
    JsonNode value =
        object.path("metadata").path("annotations").path(ImageSyncs.SYNC_NOW_ANNOTATION);
    return "true".equalsIgnoreCase(value.asText(""));
  }

  private ImageSyncSpec readSpec(ObjectNode object) {
    try {
      return mapper.treeToValue(object.path("spec"), ImageSyncSpec.class);
    } catch (JsonProcessingException e) {
      throw new InvalidSpecException(
          "InvalidSpec", "spec cannot be read: " + e.getOriginalMessage());
    }
  }

  private ImageSyncStatus readStatus(ObjectNode object) {
    JsonNode status = object.get("status");
    if (status == null || status.isNull() || status.isEmpty()) {
      return null;
    }
    try {
      return mapper.treeToValue(status, ImageSyncStatus.class);
    } catch (JsonProcessingException e) {
      LOG.warn("status_unreadable", "error", e.getOriginalMessage());
      return null;
    }
  }

  private String now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
