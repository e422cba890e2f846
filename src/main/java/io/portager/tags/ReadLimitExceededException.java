package io.portager.tags;

/** Thrown by {@link ReadLimitedText} to stop a match that read too many characters. */
final class ReadLimitExceededException extends RuntimeException {
  ReadLimitExceededException() {
    // No stack trace: the exception is caught at once and only its type matters.
    super(null, null, false, false);
  }
}
