package io.portager.schedule;

import java.time.Instant;

/** A parsed cron expression, descriptor or {@code @every} interval, evaluated in UTC. */
public interface Schedule {
  /** Parses a schedule; throws {@link InvalidScheduleException} with a message for people. */
  static Schedule parse(String text) {
    return ScheduleParser.parse(text);
  }

  /** Returns the first run time strictly after {@code after}. */
  Instant next(Instant after);
}
