package io.portager.schedule;

import java.time.Duration;
import java.time.Instant;

/**
 * A fixed interval from {@code @every <duration>}: each run comes one interval after the instant
 * the caller passes, so the runs drift with the caller rather than aligning to the clock.
 *
 * @param text the schedule as written, returned by {@link #toString()}
 * @param interval at least {@link ScheduleParser#MIN_INTERVAL}
 */
record EverySchedule(String text, Duration interval) implements Schedule {
  /**
   * Returns {@code after} plus the interval. Throws {@link java.time.DateTimeException} when the
   * sum is past {@link Instant#MAX}.
   */
  @Override
  public Instant next(Instant after) {
    return after.plus(interval);
  }

  @Override
  public String toString() {
    return text;
  }
}
