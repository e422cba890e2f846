package io.portager.testenv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A long-running server process whose stdout and stderr are appended to one log file.
 *
 * <p>Every started process is also registered with a JVM shutdown hook, so a test that dies without
 * closing its environment leaves no server behind (except on SIGKILL of the JVM).
 */
final class ChildProcess implements AutoCloseable {
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final int LOG_TAIL_CHARS = 3000;

  /** Processes started and not yet stopped; the shutdown hook stops whatever is left. */
  private static final Set<ChildProcess> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (ChildProcess child : RUNNING) {
                    child.stop();
                  }
                },
                "testenv-child-reaper"));
  }

  private final String name;
  private final Process process;
  private final Path logFile;

  private ChildProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /** Starts {@code command}, appending its output to {@code logFile}. */
  static ChildProcess start(
      String name, List<String> command, Map<String, String> environment, Path logFile) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    try {
      appendMarker(logFile, "start " + String.join(" ", command));
      ChildProcess child = new ChildProcess(name, builder.start(), logFile);
      RUNNING.add(child);
      return child;
    } catch (IOException e) {
      throw new UncheckedIOException("start " + name + " (" + command.get(0) + ")", e);
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path logFile() {
    return logFile;
  }

  /**
   * Polls {@code ready} until it returns true.
   *
   * @throws IllegalStateException if the process exits first or {@code timeout} passes, with the
   *     tail of the log file
   */
  void awaitReady(String what, Duration timeout, BooleanSupplier ready) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      if (!process.isAlive()) {
        RUNNING.remove(this);
        throw new IllegalStateException(
            name
                + " exited with code "
                + process.exitValue()
                + " before "
                + what
                + "; log "
                + logFile
                + ":\n"
                + logTail());
      }
      if (ready.getAsBoolean()) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            name + ": timed out after " + timeout + " waiting for " + what + ":\n" + logTail());
      }
      sleep(POLL_INTERVAL);
    }
  }

  /** Sends SIGTERM, waits up to ten seconds, then sends SIGKILL. */
  void stop() {
    RUNNING.remove(this);
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** Returns the last characters of the log file. */
  String logTail() {
    try {
      String text = Files.readString(logFile, StandardCharsets.UTF_8);
      return text.length() <= LOG_TAIL_CHARS
          ? text
          : "..." + text.substring(text.length() - LOG_TAIL_CHARS);
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting", e);
    }
  }

  private static void appendMarker(Path logFile, String line) throws IOException {
    Files.writeString(
        logFile,
        "### testenv " + Instant.now() + " " + line + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }
}
