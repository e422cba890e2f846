package io.portager.imagesync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portager.cloud.CloudCredentialException;
import io.portager.cloud.RepositoryCreator;
import io.portager.controller.Informer;
import io.portager.controller.Reconciler;
import io.portager.imagesync.ImageSyncStatus.Condition;
import io.portager.kube.EventRecorder;
import io.portager.kube.KubeApiException;
import io.portager.kube.KubeClient;
import io.portager.log.Log;
import io.portager.metrics.OperatorMetrics;
import io.portager.metrics.SyncRun;
import io.portager.oci.Digest;
import io.portager.sync.TagResult;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
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

  /**
   * A run still going after this long shows Syncing=True; a shorter one reports its result only.
   */
  static final Duration SYNCING_REPORT_DELAY = Duration.ofSeconds(1);

  private static final Duration MAX_RETRY = Duration.ofMinutes(5);

  private final KubeClient kube;
  private final EventRecorder events;
  private final CredentialResolver credentials;
  private final SyncRunner runner;
  private final TagResolver resolver;
  private final SyncEvents syncEvents;
  private final DestinationRepositories repositories;
  private final Clock clock;
  private final OperatorMetrics metrics;
  private final ObjectMapper mapper = new ObjectMapper();
  private final Map<String, RetryState> retries = new ConcurrentHashMap<>();
  private final Map<String, Memory> memory = new ConcurrentHashMap<>();

  private enum Trigger {
    SPEC_CHANGED,
    SYNC_NOW,
    SCHEDULE,
    RETRY,
    NONE
  }

  private record RetryState(int attempts, Instant retryAt) {}

  /**
   * The knowledge of the last run of a key that the informer cache may not show yet: the object's
   * uid, the resourceVersions it read or wrote itself, and the next run time. A cached object at
   * one of those versions is older than this knowledge, so it must not trigger another sync.
   */
  private record Memory(String uid, Set<String> versions, ImageSyncStatus status) {}

  ImageSyncReconciler(
      KubeClient kube,
      EventRecorder events,
      CredentialResolver credentials,
      SyncRunner runner,
      TagResolver resolver,
      Clock clock) {
    this(
        kube,
        events,
        credentials,
        runner,
        resolver,
        clock,
        new OperatorMetrics(new PrometheusRegistry()));
  }

  ImageSyncReconciler(
      KubeClient kube,
      EventRecorder events,
      CredentialResolver credentials,
      SyncRunner runner,
      TagResolver resolver,
      Clock clock,
      OperatorMetrics metrics) {
    this.metrics = metrics;
    this.kube = kube;
    this.events = events;
    this.credentials = credentials;
    this.runner = runner;
    this.resolver = resolver;
    this.syncEvents = new SyncEvents(events);
    this.repositories = new DestinationRepositories(events);
    this.clock = clock;
  }

  @Override
  public Optional<Duration> reconcile(String key, Optional<ObjectNode> cached) {
    if (cached.isEmpty() || cached.get().path("metadata").has("deletionTimestamp")) {
      retries.remove(key);
      memory.remove(key);
      forgetMetrics(key);
      return Optional.empty();
    }
    ObjectNode object = cached.get();
    Memory known = memory.get(key);
    if (known != null && !known.uid().equals(object.path("metadata").path("uid").asText())) {
      // Deleted and created again under the same name: nothing carries over.
      retries.remove(key);
      memory.remove(key);
      known = null;
    }
    // A cached object at a version this operator read or wrote itself may predate its last
    // status write, so the status it last wrote is the better knowledge.
    boolean stale = known != null && known.versions().contains(resourceVersion(object));
    long generation = object.path("metadata").path("generation").asLong();
    ImageSyncStatus status = stale ? known.status() : readStatus(object);
    ImageSyncSpec spec;
    SyncPlan plan;
    try {
      spec = readSpec(object);
      plan = SpecValidator.validate(spec, credentials::supports);
    } catch (InvalidSpecException e) {
      reportInvalid(key, object, status, generation, e);
      return Optional.empty();
    }
    Instant now = clock.instant();
    Trigger trigger = trigger(key, stale ? null : object, status, generation, now, known != null);
    if (trigger == Trigger.NONE) {
      return Optional.of(untilNextRun(key, Instant.parse(status.nextSyncTime()), now));
    }
    LOG.info("sync_started", "imagesync", key, "trigger", trigger);
    return Optional.of(sync(key, object, spec, plan, trigger, status, generation));
  }

  /**
   * Runs the JSON and validation code of a reconcile once on a made-up ImageSync and writes
   * nothing, so Jackson has built its readers and writers and the classes are loaded when the first
   * real ImageSync arrives. The operator calls this on a background thread at start-up, while the
   * informer waits for its first list. A failure here only loses that head start.
   */
  void prewarm() {
    try {
      ObjectNode object = mapper.createObjectNode();
      ObjectNode spec = object.putObject("spec");
      spec.put("schedule", "@every 24h");
      spec.putObject("source").put("registry", "source.example:5000");
      spec.putObject("destination").put("registry", "destination.example").put("plainHTTP", true);
      spec.putArray("images").addObject().put("name", "app").putArray("tags").add("v1");
      SyncPlan plan = SpecValidator.validate(readSpec(object), credentials::supports);
      Digest digest = Digest.sha256(new byte[0]);
      List<TagOutcome> outcomes =
          plan.jobs().stream()
              .map(
                  job ->
                      TagOutcome.succeeded(
                          job,
                          new TagResult(digest, digest, false, 0, 0, 0, 0, List.of(), null, 0, 0)))
              .toList();
      Instant now = clock.instant();
      RunReport report = new RunReport(plan, plan.jobs(), outcomes, now, now, null);
      object.set("status", mapper.valueToTree(markSyncing(report.status(null, 1), 1)));
      readStatus(object);
    } catch (RuntimeException e) {
      LOG.debug("prewarm_failed", "error", e.toString());
    }
  }

  /**
   * Decides why to sync now, if at all. A null {@code object} means its annotations are stale, and
   * {@code ranHere} is true when this process has synced the object before.
   */
  private Trigger trigger(
      String key,
      ObjectNode object,
      ImageSyncStatus status,
      long generation,
      Instant now,
      boolean ranHere) {
    if (status == null || status.observedGeneration() == null) {
      return Trigger.SPEC_CHANGED;
    }
    if (status.observedGeneration() != generation) {
      return Trigger.SPEC_CHANGED;
    }
    if (object != null && hasSyncNow(object)) {
      return Trigger.SYNC_NOW;
    }
    if (status.nextSyncTime() == null || !Instant.parse(status.nextSyncTime()).isAfter(now)) {
      return Trigger.SCHEDULE;
    }
    RetryState retry = retries.get(key);
    if (!ranHere && retry == null && status.failedImages() != null && status.failedImages() > 0) {
      // The operator restarted since the last failed run: retry the failed tags now. A failure
      // of this process that no retry can fix (an IAM permission denied, a missing platform)
      // has no retry state either, and waits for the schedule or a spec change instead.
      return Trigger.RETRY;
    }
    if (retry != null && !retry.retryAt().isAfter(now)) {
      return Trigger.RETRY;
    }
    return Trigger.NONE;
  }

  private Duration untilNextRun(String key, Instant scheduled, Instant now) {
    Instant next = scheduled;
    RetryState retry = retries.get(key);
    if (retry != null && retry.retryAt().isBefore(next)) {
      next = retry.retryAt();
    }
    Duration delay = Duration.between(now, next);
    return delay.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : delay;
  }

  private Duration sync(
      String key,
      ObjectNode object,
      ImageSyncSpec spec,
      SyncPlan plan,
      Trigger trigger,
      ImageSyncStatus previous,
      long generation) {
    Instant started = clock.instant();
    String namespace = object.path("metadata").path("namespace").asText();
    String name = object.path("metadata").path("name").asText();
    if (trigger == Trigger.SPEC_CHANGED) {
      retries.remove(key);
    }
    Writes written = new Writes(object);
    DelayedWrite syncing =
        DelayedWrite.schedule(
            SYNCING_REPORT_DELAY,
            "Syncing condition of " + key,
            () -> writeStatus(object, written, before -> markSyncing(before, generation)));

    List<SyncPlan.TagJob> allJobs = plan.jobs();
    List<TagOutcome> outcomes;
    try {
      CredentialResolver.Lookup source =
          credentials.lookup(plan.sourceAuth(), namespace, plan.source().host());
      CredentialResolver.Lookup destination =
          credentials.lookup(plan.destinationAuth(), namespace, plan.destination().host());
      TagResolver.Resolution resolution = resolver.resolve(plan, source);
      allJobs = resolution.jobs();
      syncEvents.recordResolution(object, resolution, previous);
      List<SyncPlan.TagJob> jobs = new ArrayList<>(runnable(resolution, trigger, previous));
      outcomes = new ArrayList<>(resolution.failures());
      outcomes.addAll(ensureRepositories(object, plan, jobs));
      outcomes.addAll(runner.run(key, plan, jobs, source, destination));
    } catch (CredentialException e) {
      allJobs = everyJob(plan);
      outcomes = allJobs.stream().map(job -> TagOutcome.failed(job, e.getMessage(), true)).toList();
      events.record(object, EventRecorder.Type.Warning, "AuthFailed", e.getMessage());
      LOG.warn("credentials_failed", "imagesync", key, "error", e.getMessage());
    } catch (CloudCredentialException e) {
      allJobs = everyJob(plan);
      outcomes =
          allJobs.stream()
              .map(job -> TagOutcome.authFailed(job, e.getMessage(), e.retryable()))
              .toList();
      events.record(object, EventRecorder.Type.Warning, "AuthFailed", e.getMessage());
      LOG.warn(
          "cloud_credentials_failed",
          "imagesync",
          key,
          "retryable",
          e.retryable(),
          "error",
          e.getMessage());
    } catch (InterruptedException e) {
      syncing.cancelOrAwaitQuietly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("sync of " + key + " interrupted", e);
    } catch (RuntimeException e) {
      // The run ends here, so it must not be marked Syncing afterwards.
      syncing.cancelOrAwaitQuietly();
      throw e;
    }

    try {
      syncing.cancelOrAwait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("sync of " + key + " interrupted", e);
    }
    Instant finished = clock.instant();
    Instant next = nextRun(plan, trigger, previous, finished);
    long failed = outcomes.stream().filter(o -> !o.ok()).count();
    // Only failures that the registry, the network or a Secret can fix are retried before the
    // next scheduled run. The others wait for a spec change or the schedule.
    long retryable = outcomes.stream().filter(o -> !o.ok() && o.retryable()).count();
    RetryState retry = updateRetry(key, retryable, finished, next);
    RunReport report =
        new RunReport(
            plan, allJobs, outcomes, finished, next, retry == null ? null : retry.retryAt());
    ImageSyncStatus after =
        writeStatus(object, written, before -> report.status(before, generation));
    recordMetrics(
        object, report, after != null ? after : report.status(previous, generation), started);
    removeSyncNow(object, written);
    // Events come last because they repeat the status. The run counts as reported once the
    // status is written and the sync-now annotation is removed.
    syncEvents.recordRun(object, report);
    if (after != null) {
      memory.put(
          key, new Memory(object.path("metadata").path("uid").asText(), written.versions, after));
    }
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

  private void recordMetrics(
      ObjectNode object, RunReport report, ImageSyncStatus status, Instant started) {
    metrics.recordSync(
        new SyncRun(
            object.path("metadata").path("namespace").asText(),
            object.path("metadata").path("name").asText(),
            report.failed() == 0,
            Duration.between(started, report.finished()),
            report.copied(),
            report.upToDate(),
            report.failed(),
            report.bytesCopied(),
            report.blobsCopied(),
            report.blobsMounted(),
            report.blobsSkipped(),
            status.syncedImages() == null ? 0 : status.syncedImages(),
            status.failedImages() == null ? 0 : status.failedImages(),
            status.totalImages() == null ? 0 : status.totalImages(),
            report.finished()));
  }

  /** Removes the metric series of the object with {@code key} ({@code namespace/name}). */
  private void forgetMetrics(String key) {
    int slash = key.indexOf('/');
    if (slash >= 0) {
      metrics.forget(key.substring(0, slash), key.substring(slash + 1));
    }
  }

  /** Returns the scheduled time after a run; a retry keeps the time the schedule had set. */
  private static Instant nextRun(
      SyncPlan plan, Trigger trigger, ImageSyncStatus previous, Instant finished) {
    if (trigger == Trigger.RETRY && previous != null && previous.nextSyncTime() != null) {
      Instant scheduled = Instant.parse(previous.nextSyncTime());
      if (scheduled.isAfter(finished)) {
        return scheduled;
      }
    }
    return plan.schedule().next(finished);
  }

  /** Returns the jobs to run: all of them, or on a retry only those that failed last time. */
  private static List<SyncPlan.TagJob> runnable(
      TagResolver.Resolution resolution, Trigger trigger, ImageSyncStatus previous) {
    List<SyncPlan.TagJob> candidates = new ArrayList<>(resolution.jobs());
    Set<SyncPlan.TagJob> unresolved =
        resolution.failures().stream().map(TagOutcome::job).collect(Collectors.toSet());
    candidates.removeIf(unresolved::contains);
    if (trigger != Trigger.RETRY) {
      return candidates;
    }
    List<SyncPlan.TagJob> failed = failedJobs(candidates, previous);
    return failed.isEmpty() ? candidates : failed;
  }

  /** Returns the explicit jobs and one job per semver query, for failing a run as a whole. */
  private static List<SyncPlan.TagJob> everyJob(SyncPlan plan) {
    List<SyncPlan.TagJob> jobs = new ArrayList<>(plan.jobs());
    plan.queries().forEach(query -> jobs.add(query.job(query.constraint().toString())));
    return jobs;
  }

  /**
   * Creates missing destination repositories when spec.createDestinationRepos is on and the
   * destination's auth method can, and removes from {@code jobs} the jobs whose repository failed.
   * Registries without a repository creator create repositories on the first push, so nothing is
   * done for them.
   */
  private List<TagOutcome> ensureRepositories(
      ObjectNode object, SyncPlan plan, List<SyncPlan.TagJob> jobs) {
    if (plan.repositorySettings() == null) {
      return List.of();
    }
    Optional<RepositoryCreator> creator = credentials.repositoryCreator(plan.destinationAuth());
    if (creator.isEmpty()) {
      return List.of();
    }
    List<TagOutcome> failures = repositories.ensure(object, plan, creator.get(), jobs);
    failures.forEach(failure -> jobs.remove(failure.job()));
    return failures;
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

  private static List<SyncPlan.TagJob> failedJobs(
      List<SyncPlan.TagJob> jobs, ImageSyncStatus status) {
    if (status == null || status.images() == null) {
      return jobs;
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
    return jobs.stream().filter(job -> failed.contains(job.image() + ":" + job.tag())).toList();
  }

  private ImageSyncStatus markSyncing(ImageSyncStatus previous, long generation) {
    Condition syncing =
        new Condition(
            Conditions.SYNCING, "True", generation, now(), "SyncInProgress", "sync in progress");
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
    Writes written = new Writes(object);
    writeStatus(object, written, previous -> invalidStatus(previous, generation, e));
    removeSyncNow(object, written);
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

  /**
   * Writes the status of the object with {@code uid} and remembers the resourceVersion written.
   * Does nothing when the object was deleted, or deleted and created again under the same name.
   */
  private ImageSyncStatus writeStatus(
      ObjectNode object, Writes written, UnaryOperator<ImageSyncStatus> change) {
    String uid = object.path("metadata").path("uid").asText();
    AtomicReference<ImageSyncStatus> result = new AtomicReference<>();
    try {
      kube.updateStatusWithRetry(
              ImageSyncs.RESOURCE,
              object.path("metadata").path("namespace").asText(),
              object.path("metadata").path("name").asText(),
              written.latest,
              fresh -> {
                if (!uid.equals(fresh.path("metadata").path("uid").asText())) {
                  throw new ObjectReplacedException();
                }
                ImageSyncStatus next = change.apply(readStatus(fresh));
                result.set(next);
                fresh.set("status", mapper.valueToTree(next));
                return fresh;
              })
          .ifPresent(written::add);
    } catch (ObjectReplacedException e) {
      LOG.info("status_not_written", "imagesync", Informer.keyOf(object), "reason", "replaced");
    } catch (KubeApiException e) {
      if (e.isRetryable() && !e.getMessage().contains("too large")) {
        throw e;
      }
      // Retrying cannot help, and a rethrow would run the whole sync again: report it instead.
      LOG.error(
          "status_write_failed", "imagesync", Informer.keyOf(object), "error", e.getMessage());
      events.record(
          object,
          EventRecorder.Type.Warning,
          "StatusUpdateFailed",
          "writing the status failed: "
              + e.getMessage()
              + ". Fewer images or tags per"
              + " ImageSync keep the status small");
    }
    return result.get();
  }

  /**
   * The writes of one reconcile. The resourceVersions let a later reconcile tell a cached object
   * that predates them, and the newest object read or written lets the next status write skip its
   * read.
   */
  private static final class Writes {
    final Set<String> versions = new HashSet<>();
    ObjectNode latest;

    Writes(ObjectNode read) {
      add(read);
    }

    void add(ObjectNode object) {
      versions.add(resourceVersion(object));
      latest = object;
    }
  }

  /** Thrown inside a status mutation when the name now belongs to another object. */
  private static final class ObjectReplacedException extends RuntimeException {
    ObjectReplacedException() {
      super("object replaced", null, false, false);
    }
  }

  private static String resourceVersion(JsonNode object) {
    return object.path("metadata").path("resourceVersion").asText();
  }

  private void removeSyncNow(ObjectNode object, Writes written) {
    if (!hasSyncNow(object)) {
      return;
    }
    String path = "/metadata/annotations/" + ImageSyncs.SYNC_NOW_ANNOTATION.replace("/", "~1");
    String uid = object.path("metadata").path("uid").asText();
    String patch =
        "[{\"op\":\"test\",\"path\":\"/metadata/uid\",\"value\":\""
            + uid
            + "\"},{\"op\":\"test\",\"path\":\""
            + path
            + "\",\"value\":\""
            + object
                .path("metadata")
                .path("annotations")
                .path(ImageSyncs.SYNC_NOW_ANNOTATION)
                .asText()
            + "\"},{\"op\":\"remove\",\"path\":\""
            + path
            + "\"}]";
    String namespace = object.path("metadata").path("namespace").asText();
    String name = object.path("metadata").path("name").asText();
    try {
      ObjectNode patched =
          kube.patch(ImageSyncs.RESOURCE, namespace, name, KubeClient.PatchType.JSON, patch);
      written.add(patched);
    } catch (KubeApiException e) {
      // A failed test means someone changed or removed the annotation, or replaced the object.
      LOG.info(
          "sync_now_not_removed", "imagesync", namespace + "/" + name, "error", e.getMessage());
    }
  }

  private static boolean hasSyncNow(ObjectNode object) {
    JsonNode value =
        object.path("metadata").path("annotations").path(ImageSyncs.SYNC_NOW_ANNOTATION);
    return "true".equalsIgnoreCase(value.asText("").trim());
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
