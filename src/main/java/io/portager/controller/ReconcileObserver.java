package io.portager.controller;

import java.time.Duration;

/**
 * Receives the duration and outcome of every reconcile, on the worker thread that ran it, so an
 * implementation must be quick and thread-safe.
 */
@FunctionalInterface
public interface ReconcileObserver {
  /** An observer that ignores every reconcile. */
  ReconcileObserver NONE = (key, duration, succeeded) -> {};

  /**
   * Reports a reconcile of {@code key}; {@code succeeded} is false when it threw and was queued
   * again with backoff.
   */
  void reconciled(String key, Duration duration, boolean succeeded);
}
