package io.portager.imagesync;

import io.portager.imagesync.ImageSyncStatus.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * Merges new conditions into old ones, keeping lastTransitionTime while the status is unchanged.
 */
final class Conditions {
  static final String READY = "Ready";
  static final String SYNCING = "Syncing";

  private Conditions() {}

  /** Returns {@code existing} with each of {@code updates} set by type. */
  static List<Condition> merge(List<Condition> existing, List<Condition> updates) {
    List<Condition> merged = new ArrayList<>(existing == null ? List.of() : existing);
    for (Condition update : updates) {
      int index = indexOf(merged, update.type());
      if (index < 0) {
        merged.add(update);
        continue;
      }
      Condition old = merged.get(index);
      String since =
          old.status().equals(update.status())
              ? old.lastTransitionTime()
              : update.lastTransitionTime();
      merged.set(
          index,
          new Condition(
              update.type(),
              update.status(),
              update.observedGeneration(),
              since,
              update.reason(),
              update.message()));
    }
    return merged;
  }

  static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    int index = indexOf(conditions, type);
    return index < 0 ? null : conditions.get(index);
  }

  private static int indexOf(List<Condition> conditions, String type) {
    for (int i = 0; i < conditions.size(); i++) {
      if (type.equals(conditions.get(i).type())) {
        return i;
      }
    }
    return -1;
  }
}
