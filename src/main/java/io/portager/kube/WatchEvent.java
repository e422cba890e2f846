package io.portager.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One event of a watch stream. */
public sealed interface WatchEvent {
  record Added(ObjectNode object) implements WatchEvent {}

  record Modified(ObjectNode object) implements WatchEvent {}

  /** Carries the last state of the deleted object. */
  record Deleted(ObjectNode object) implements WatchEvent {}

  /** Only the resourceVersion is meaningful. */
  record Bookmark(String resourceVersion) implements WatchEvent {}

  /** A Status object, for example code 410 reason Expired when the resourceVersion is too old. */
  record Error(int code, String reason, String message) implements WatchEvent {}
}
