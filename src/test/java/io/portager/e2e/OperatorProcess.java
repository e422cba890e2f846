package io.portager.e2e;

import io.portager.testenv.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The operator jar from {@code target/} running as its own process with a kubeconfig, health and
 * metrics on free 127.0.0.1 ports, and its output appended to one log file across restarts.
 */
final class OperatorProcess implements AutoCloseable {
  private final List<String> command;
  private final Path log;
  private final int metricsPort;
  private Process process;

  private OperatorProcess(List<String> command, Path log, int metricsPort) {
    this.command = command;
    this.log = log;
    this.metricsPort = metricsPort;
  }

  /**
   * Starts {@code java [jvmOptions] -jar portager.jar --kubeconfig FILE [flags]} with debug logs.
   */
  static OperatorProcess start(
      Path kubeconfig, Path log, List<String> jvmOptions, String... flags) {
    int metricsPort = Ports.free();
    List<String> command = new ArrayList<>(List.of("java"));
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-jar",
            jar().toString(),
            "--kubeconfig",
            kubeconfig.toString(),
            "--log-level",
            "debug",
            "--health-address",
            "127.0.0.1:" + Ports.free(),
            "--metrics-address",
            "127.0.0.1:" + metricsPort));
    command.addAll(List.of(flags));
    OperatorProcess operator = new OperatorProcess(List.copyOf(command), log, metricsPort);
    operator.launch();
    return operator;
  }

  static Path jar() {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files
          .filter(p -> p.getFileName().toString().matches("portager-.*\\.jar"))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no operator jar in target/: run mvn package"))
          .toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the process again with the same command after it ended. */
  void launch() {
    try {
      Files.writeString(
          log, "--- operator started\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("start the operator jar", e);
    }
  }

  /** Sends SIGKILL and waits for the process to end. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the operator did not end within 30 s of SIGKILL");
    }
  }

  long pid() {
    return process.pid();
  }

  /** Returns the resident memory of the process in bytes, from /proc. */
  long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      return 0;
    } catch (IOException e) {
      return 0;
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int metricsPort() {
    return metricsPort;
  }

  String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path log() {
    return log;
  }

  /** Waits until the log contains {@code text}, failing with the log's path otherwise. */
  void awaitLog(String text, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (logText().contains(text)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the operator log " + log + " has no " + text + " after " + timeout);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
