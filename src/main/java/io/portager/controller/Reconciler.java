package io.portager.controller;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Optional;

/**
 * The level-based reconcile seam: given the latest cached object for a key (empty when it was
 * deleted), bring the world in line and say when to look again. A thrown exception makes the
 * controller retry the key with backoff.
 */
public interface Reconciler {
  /** Returns the delay before the key should be reconciled again, or empty for "not needed". */
  Optional<Duration> reconcile(String key, Optional<ObjectNode> object);
}
