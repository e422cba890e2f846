package io.portager.imagesync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portager.kube.EventRecorder;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Events of a sync run: per-tag ImageSynced and SyncFailed, capped per run, the SyncComplete
 * summary, and what the semver queries selected.
 */
final class SyncEvents {
  private static final int MAX_TAG_EVENTS = 10;

  private final EventRecorder events;

  SyncEvents(EventRecorder events) {
    this.events = events;
  }

  /**
   * Records one Event per copied and per failed tag, up to {@value #MAX_TAG_EVENTS} of each per
   * run, then one Event that counts the rest, and the run's SyncComplete summary.
   */
  void recordRun(ObjectNode object, RunReport report) {
    int copiedEvents = 0;
    int failedEvents = 0;
    for (TagOutcome outcome : report.outcomes()) {
      if (!outcome.ok() && failedEvents++ < MAX_TAG_EVENTS) {
        events.record(
            object, EventRecorder.Type.Warning, "SyncFailed", report.describeFailure(outcome));
      } else if (outcome.ok() && outcome.copied() && copiedEvents++ < MAX_TAG_EVENTS) {
        events.record(
            object, EventRecorder.Type.Normal, "ImageSynced", report.describeCopy(outcome));
      }
    }
    if (failedEvents > MAX_TAG_EVENTS) {
      events.record(
          object,
          EventRecorder.Type.Warning,
          "SyncFailed",
          (failedEvents - MAX_TAG_EVENTS) + " more tag(s) failed; status.images lists each error");
    }
    if (copiedEvents > MAX_TAG_EVENTS) {
      events.record(
          object,
          EventRecorder.Type.Normal,
          "ImageSynced",
          (copiedEvents - MAX_TAG_EVENTS) + " more tag(s) copied; status.images lists each digest");
    }
    EventRecorder.Type type =
        report.failed() == 0 ? EventRecorder.Type.Normal : EventRecorder.Type.Warning;
    events.record(object, type, "SyncComplete", report.summary());
  }

  /** Records TagsResolved when a query's selection changed, and TagResolutionFailed. */
  void recordResolution(
      ObjectNode object, TagResolver.Resolution resolution, ImageSyncStatus previous) {
    for (TagResolver.QueryResult result : resolution.queries()) {
      String image = result.query().image();
      String constraint = result.query().constraint().toString();
      if (result.error() != null) {
        events.record(
            object,
            EventRecorder.Type.Warning,
            "TagResolutionFailed",
            "resolving tags of "
                + image
                + " for semver \""
                + constraint
                + "\" failed: "
                + result.error());
      } else if (result.tags().isEmpty()) {
        events.record(
            object,
            EventRecorder.Type.Warning,
            "NoTagsSelected",
            "semver \""
                + constraint
                + "\" selects no tag of "
                + image
                + ": check the constraint and the include and exclude patterns against the"
                + " source's tags");
      } else if (!previousTags(previous, image).containsAll(result.tags())) {
        events.record(
            object,
            EventRecorder.Type.Normal,
            "TagsResolved",
            "semver \""
                + constraint
                + "\" selects "
                + result.tags().size()
                + " tag(s) of "
                + image
                + ": "
                + String.join(", ", result.tags()));
      }
    }
  }

  private static Set<String> previousTags(ImageSyncStatus previous, String image) {
    if (previous == null || previous.images() == null) {
      return Set.of();
    }
    return previous.images().stream()
        .filter(i -> i.name().equals(image) && i.tags() != null)
        .flatMap(i -> i.tags().stream().map(ImageSyncStatus.TagStatus::tag))
        .collect(Collectors.toSet());
  }
}
