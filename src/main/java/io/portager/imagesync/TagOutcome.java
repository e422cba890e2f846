package io.portager.imagesync;

import io.portager.sync.TagResult;

/** What happened to one tag in a run: a result, or an error message for people. */
record TagOutcome(SyncPlan.TagJob job, TagResult result, String error, boolean authFailure) {
  static TagOutcome succeeded(SyncPlan.TagJob job, TagResult result) {
    return new TagOutcome(job, result, null, false);
  }

  static TagOutcome failed(SyncPlan.TagJob job, String error, boolean authFailure) {
    return new TagOutcome(job, null, error, authFailure);
  }

  boolean ok() {
    return error == null;
  }

  boolean copied() {
    return result != null && result.copied();
  }
}
