package io.portager.testenv;

/** Thrown when a command exits with a non-zero code or runs past its timeout. */
public final class CommandFailedException extends RuntimeException {
  private final int exitCode;

  CommandFailedException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  /** Returns the exit code, or -1 when the command timed out or could not start. */
  public int exitCode() {
    return exitCode;
  }
}
