package io.portager.schedule;

/** A schedule string that cannot be parsed; the message says what is wrong and what is valid. */
public final class InvalidScheduleException extends IllegalArgumentException {
  public InvalidScheduleException(String message) {
    super(message);
  }
}
