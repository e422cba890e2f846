package io.portager.testenv;

import java.nio.charset.StandardCharsets;

/** Exit code and captured output of a finished {@link Command}. */
public record CommandResult(int exitCode, byte[] stdoutBytes, String stderr) {
  public CommandResult {
    stdoutBytes = stdoutBytes.clone();
  }

  public String stdout() {
    return new String(stdoutBytes, StandardCharsets.UTF_8);
  }

  public boolean succeeded() {
    return exitCode == 0;
  }

  /** Returns the last {@code maxChars} characters of stdout followed by stderr. */
  public String outputTail(int maxChars) {
    String all = (stdout() + "\n" + stderr).strip();
    return all.length() <= maxChars ? all : "..." + all.substring(all.length() - maxChars);
  }
}
