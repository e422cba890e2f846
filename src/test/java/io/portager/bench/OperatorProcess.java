package io.portager.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator jar in its own JVM, with its CPU time and resident memory read from {@code /proc}.
 */
final class OperatorProcess implements AutoCloseable {
  /** Clock ticks per second of {@code /proc/PID/stat}; 100 on every Linux build in use. */
  private static final double TICKS_PER_SECOND = 100.0;

  private static final Pattern LOG_LINE = Pattern.compile("^time=(\\S+) .* event=(\\S+)");

  private final Process process;
  private final Path log;
  private final long startedNanos;

  private OperatorProcess(Process process, Path log, long startedNanos) {
    this.process = process;
    this.log = log;
    this.startedNanos = startedNanos;
  }

  static OperatorProcess start(
      Path jar, Path kubeconfig, List<String> jvmOptions, List<String> flags, Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    command.add("--kubeconfig");
    command.add(kubeconfig.toString());
    command.add("--health-address");
    command.add("127.0.0.1:0");
    command.add("--metrics-address");
    command.add("127.0.0.1:0");
    command.addAll(flags);
    try {
      long started = System.nanoTime();
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      return new OperatorProcess(process, log, started);
    } catch (IOException e) {
      throw new UncheckedIOException("start operator: " + command, e);
    }
  }

  long startedNanos() {
    return startedNanos;
  }

  long pid() {
    return process.pid();
  }

  /** Waits until the operator logged {@code event}, failing if it exits first. */
  void awaitLog(String event, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!logContains("event=" + event)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "operator exited with " + process.exitValue() + "; see " + log);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("operator did not log " + event + " in " + timeout);
      }
      Thread.sleep(20);
    }
  }

  /**
   * Returns, for each event, the seconds from {@code since} to the first log line of that event
   * stamped at or after {@code since}; the log's millisecond stamps bound the precision.
   */
  Map<String, Double> secondsToEvents(Instant since, List<String> events) {
    Map<String, Double> result = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        Matcher matcher = LOG_LINE.matcher(line);
        if (!matcher.find()) {
          continue;
        }
        Instant at = Instant.parse(matcher.group(1));
        String event = matcher.group(2);
        if (!at.isBefore(since.truncatedTo(ChronoUnit.MILLIS)) && events.contains(event)) {
          result.putIfAbsent(event, Duration.between(since, at).toMillis() / 1000.0);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("read " + log, e);
    }
    return result;
  }

  /** Returns user plus system CPU seconds so far. */
  double cpuSeconds() {
    String stat = read("stat");
    // Fields after the command name, which is in parentheses and may contain spaces.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long utime = Long.parseLong(fields[11]);
    long stime = Long.parseLong(fields[12]);
    return (utime + stime) / TICKS_PER_SECOND;
  }

  /** Returns the current resident set size in bytes ({@code VmRSS}). */
  long residentBytes() {
    return statusKilobytes("VmRSS:") * 1024;
  }

  /** Returns the peak resident set size in bytes since start or the last reset ({@code VmHWM}). */
  long peakResidentBytes() {
    return statusKilobytes("VmHWM:") * 1024;
  }

  /** Resets {@code VmHWM} to the current RSS; returns false where the kernel does not allow it. */
  boolean resetPeak() {
    try {
      Files.writeString(Path.of("/proc", Long.toString(pid()), "clear_refs"), "5");
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private boolean logContains(String text) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  private long statusKilobytes(String field) {
    for (String line : read("status").split("\n")) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
      }
    }
    throw new IllegalStateException("no " + field + " in /proc/" + pid() + "/status");
  }

  private String read(String file) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid()), file));
    } catch (IOException e) {
      throw new UncheckedIOException("read /proc/" + pid() + "/" + file, e);
    }
  }
}
