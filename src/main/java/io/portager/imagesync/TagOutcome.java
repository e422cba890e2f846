package io.portager.imagesync;

import io.portager.sync.TagResult;

/** The outcome of one tag in a run: a result, or an error message for people. */
record TagOutcome(
    SyncPlan.TagJob job, TagResult result, String error, boolean authFailure, boolean retryable) {
  static TagOutcome succeeded(SyncPlan.TagJob job, TagResult result) {
    return new TagOutcome(job, result, null, false, false);
  }

  /**
   * Returns a failure that a retry may fix, because the registry, network or a Secret may change.
   */
  static TagOutcome failed(SyncPlan.TagJob job, String error, boolean authFailure) {
    return new TagOutcome(job, null, error, authFailure, true);
  }

  /** Returns a failure to get credentials, retried only when {@code retryable} is true. */
  static TagOutcome authFailed(SyncPlan.TagJob job, String error, boolean retryable) {
    return new TagOutcome(job, null, error, true, retryable);
  }

  /** Returns a failure that only a change to the spec or the source image can fix. */
  static TagOutcome failedForGood(SyncPlan.TagJob job, String error) {
    return new TagOutcome(job, null, error, false, false);
  }

  boolean ok() {
    return error == null;
  }

  boolean copied() {
    return result != null && result.copied();
  }
}
