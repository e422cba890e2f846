package io.portager.imagesync;

import io.portager.imagesync.ImageSyncStatus.Condition;
import io.portager.imagesync.ImageSyncStatus.ImageStatus;
import io.portager.imagesync.ImageSyncStatus.TagStatus;
import io.portager.oci.Platform;
import io.portager.sync.TagResult;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of one sync run and what it means for people: the status to write (per-tag results
 * merged with the previous status for tags this run did not touch), the Ready condition, and Event
 * messages.
 */
record RunReport(
    SyncPlan plan,
    List<SyncPlan.TagJob> jobs,
    List<TagOutcome> outcomes,
    Instant finished,
    Instant next,
    Instant retryAt) {
  private static final int MAX_ERROR_IN_CONDITION = 2048;

  /**
   * How many failed tags keep their whole error in the status; later ones keep 200 characters, so
   * thousands of failures still fit the API server's request size limit (1.5 MiB by default).
   */
  private static final int FULL_ERRORS = 50;

  RunReport {
    jobs = List.copyOf(jobs);
    outcomes = List.copyOf(outcomes);
  }

  static ImageSyncStatus empty() {
    return new ImageSyncStatus(null, null, List.of(), null, null, null, null, null);
  }

  long copied() {
    return outcomes.stream().filter(TagOutcome::copied).count();
  }

  long upToDate() {
    return outcomes.stream().filter(o -> o.ok() && !o.copied()).count();
  }

  long failed() {
    return outcomes.stream().filter(o -> !o.ok()).count();
  }

  long bytesCopied() {
    return outcomes.stream().filter(TagOutcome::ok).mapToLong(o -> o.result().bytesCopied()).sum();
  }

  long blobsCopied() {
    return outcomes.stream().filter(TagOutcome::ok).mapToLong(o -> o.result().blobsCopied()).sum();
  }

  long blobsSkipped() {
    return outcomes.stream().filter(TagOutcome::ok).mapToLong(o -> o.result().blobsSkipped()).sum();
  }

  long blobsMounted() {
    return outcomes.stream().filter(TagOutcome::ok).mapToLong(o -> o.result().blobsMounted()).sum();
  }

  /** Builds the status after this run from the status before it. */
  ImageSyncStatus status(ImageSyncStatus previous, long generation) {
    ImageSyncStatus base = previous == null ? empty() : previous;
    List<ImageStatus> images = images(base.images());
    int total = 0;
    int synced = 0;
    int failedTags = 0;
    for (ImageStatus image : images) {
      for (TagStatus tag : image.tags()) {
        total++;
        if (tag.synced()) {
          synced++;
        } else {
          failedTags++;
        }
      }
    }
    String time = format(finished);
    List<Condition> updates =
        List.of(
            ready(generation, time, total, failedTags),
            new Condition(
                Conditions.SYNCING,
                "False",
                generation,
                time,
                "Idle",
                "next sync at " + format(next)));
    return new ImageSyncStatus(
        time,
        format(next),
        Conditions.merge(base.conditions(), updates),
        images,
        total,
        synced,
        failedTags,
        generation);
  }

  private Condition ready(long generation, String time, int total, int failedTags) {
    if (failedTags == 0) {
      String message =
          "all "
              + total
              + " tag(s) are in sync ("
              + copied()
              + " copied, "
              + upToDate()
              + " already up to date in the last run); next sync at "
              + format(next);
      return new Condition(Conditions.READY, "True", generation, time, "SyncSucceeded", message);
    }
    boolean allAuth = outcomes.stream().filter(o -> !o.ok()).allMatch(TagOutcome::authFailure);
    String reason = allAuth && failed() > 0 ? "AuthFailed" : "SyncFailed";
    TagOutcome first = outcomes.stream().filter(o -> !o.ok()).findFirst().orElse(null);
    String detail = first == null ? "" : "; " + label(first) + ": " + first.error();
    String message =
        failedTags
            + " of "
            + total
            + " tag(s) failed"
            + truncate(detail)
            + ". Failed tags are retried"
            + (retryAt == null ? " at the next scheduled run" : " at " + format(retryAt))
            + "; status.images lists the error of each tag";
    return new Condition(Conditions.READY, "False", generation, time, reason, message);
  }

  private List<ImageStatus> images(List<ImageStatus> previousImages) {
    Map<String, TagStatus> previousTags = new HashMap<>();
    if (previousImages != null) {
      for (ImageStatus image : previousImages) {
        for (TagStatus tag : image.tags() == null ? List.<TagStatus>of() : image.tags()) {
          previousTags.put(image.name() + ":" + tag.tag(), tag);
        }
      }
    }
    Map<String, TagOutcome> ran = new HashMap<>();
    for (TagOutcome outcome : outcomes) {
      ran.put(outcome.job().image() + ":" + outcome.job().tag(), outcome);
    }
    Map<String, List<TagStatus>> byImage = new LinkedHashMap<>();
    int failedSoFar = 0;
    for (SyncPlan.TagJob job : jobs) {
      String key = job.image() + ":" + job.tag();
      TagOutcome outcome = ran.get(key);
      TagStatus tag =
          outcome != null
              ? tagStatus(outcome, previousTags.get(key), failedSoFar)
              : previousTags.get(key);
      if (outcome != null && !outcome.ok()) {
        failedSoFar++;
      }
      if (tag != null) {
        byImage.computeIfAbsent(job.image(), name -> new ArrayList<>()).add(tag);
      }
    }
    List<ImageStatus> images = new ArrayList<>();
    byImage.forEach((name, tags) -> images.add(new ImageStatus(name, List.copyOf(tags))));
    return images;
  }

  private TagStatus tagStatus(TagOutcome outcome, TagStatus previous, int failedSoFar) {
    if (outcome.ok()) {
      return new TagStatus(
          outcome.job().tag(),
          true,
          outcome.result().sourceDigest().toString(),
          destinationDigest(outcome.result()),
          platforms(outcome.result()),
          outcome.result().warning(),
          format(finished),
          null,
          null,
          null);
    }
    // A failed tag keeps the time and digest of its last success.
    return new TagStatus(
        outcome.job().tag(),
        false,
        previous == null ? null : previous.sourceDigest(),
        previous == null ? null : previous.destinationDigest(),
        previous == null ? null : previous.platforms(),
        null,
        previous == null ? null : previous.lastSyncTime(),
        failedSoFar < FULL_ERRORS ? truncate(outcome.error()) : shorten(outcome.error()),
        null,
        null);
  }

  private static String destinationDigest(TagResult result) {
    boolean differs =
        result.destinationDigest() != null
            && !result.destinationDigest().equals(result.sourceDigest());
    return differs ? result.destinationDigest().toString() : null;
  }

  private static List<String> platforms(TagResult result) {
    return result.platforms().isEmpty()
        ? null
        : result.platforms().stream().map(Platform::toString).toList();
  }

  long warnings() {
    return outcomes.stream().filter(o -> o.ok() && o.result().warning() != null).count();
  }

  String describeCopy(TagOutcome outcome) {
    TagResult result = outcome.result();
    String written = destinationDigest(result);
    return "copied "
        + source(outcome)
        + " to "
        + destination(outcome)
        + " ("
        + (written == null
            ? result.sourceDigest()
            : written + " filtered from " + result.sourceDigest())
        + ", "
        + result.blobsCopied()
        + " blob(s) copied, "
        + result.blobsMounted()
        + " mounted, "
        + result.bytesCopied()
        + " bytes"
        + (result.referrersCopied() == 0 ? "" : ", " + result.referrersCopied() + " referrer(s)")
        + ")";
  }

  String describeFailure(TagOutcome outcome) {
    return "sync of " + source(outcome) + " failed: " + outcome.error();
  }

  String summary() {
    return "synced "
        + outcomes.size()
        + " tag(s): "
        + copied()
        + " copied, "
        + upToDate()
        + " already up to date, "
        + failed()
        + " failed"
        + (warnings() == 0 ? "" : ", " + warnings() + " with warnings in status.images");
  }

  private String source(TagOutcome outcome) {
    return plan.source().host()
        + "/"
        + outcome.job().sourceRepository()
        + ":"
        + outcome.job().tag();
  }

  private String destination(TagOutcome outcome) {
    return plan.destination().host()
        + "/"
        + outcome.job().destinationRepository()
        + ":"
        + outcome.job().tag();
  }

  private static String label(TagOutcome outcome) {
    return outcome.job().image() + ":" + outcome.job().tag();
  }

  private static String truncate(String text) {
    if (text == null || text.length() <= MAX_ERROR_IN_CONDITION) {
      return text;
    }
    return text.substring(0, MAX_ERROR_IN_CONDITION) + "…";
  }

  private static String shorten(String text) {
    return text == null || text.length() <= 200 ? text : text.substring(0, 200) + "…";
  }

  static String format(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
