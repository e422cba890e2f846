package io.portager.schedule;

/**
 * A problem found in one part of a schedule, such as a field or a duration. {@link ScheduleParser}
 * adds the whole schedule text and a hint, and rethrows it as {@link InvalidScheduleException}.
 */
final class ScheduleSyntaxException extends RuntimeException {
  ScheduleSyntaxException(String problem) {
    super(problem);
  }
}
