package io.portager.e2e;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the operator's logfmt log and finds syncs of one ImageSync that overlapped: a {@code
 * sync_started} of an object while an earlier reconcile of the same object had started a sync and
 * not yet logged {@code sync_finished} or {@code reconcile_failed}. A line {@code --- operator
 * started}, written by {@link OperatorProcess}, clears the runs of the previous process.
 */
final class SyncRunLog {
  private static final Pattern EVENT = Pattern.compile("\\bevent=(\\S+)");
  private static final Pattern OBJECT = Pattern.compile("\\bobject=(\\S+)");
  private static final Pattern RECONCILE = Pattern.compile("\\breconcile=(\\S+)");

  private SyncRunLog() {}

  /** Returns a description of each overlap; empty when syncs of each object ran one at a time. */
  static List<String> overlaps(String log) {
    Map<String, String> running = new HashMap<>();
    List<String> overlaps = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (line.startsWith("--- operator started")) {
        running.clear();
        continue;
      }
      String event = group(EVENT, line);
      String object = group(OBJECT, line);
      String reconcile = group(RECONCILE, line);
      if (event == null || object == null || reconcile == null) {
        continue;
      }
      if (event.equals("sync_started")) {
        String earlier = running.put(object, reconcile);
        if (earlier != null) {
          overlaps.add(object + ": reconcile " + reconcile + " started during " + earlier);
        }
      } else if (event.equals("sync_finished") || event.equals("reconcile_failed")) {
        running.remove(object, reconcile);
      }
    }
    return overlaps;
  }

  /** Counts lines with {@code event=<event>}. */
  static int count(String log, String event) {
    int count = 0;
    for (String line : log.split("\n")) {
      if (event.equals(group(EVENT, line))) {
        count++;
      }
    }
    return count;
  }

  private static String group(Pattern pattern, String line) {
    Matcher matcher = pattern.matcher(line);
    return matcher.find() ? matcher.group(1) : null;
  }
}
