package io.portager.testenv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An OCI distribution registry on 127.0.0.1 over plain HTTP, with filesystem storage in {@code
 * <run>/<name>/storage} and deletes enabled.
 *
 * <p>The registry's output goes to {@code logs/<name>.log}; {@link #accessLog()} parses the request
 * lines from it. {@link #restart()} keeps the storage, the configuration and the port.
 */
public final class OciRegistry implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration LOG_SYNC_TIMEOUT = Duration.ofSeconds(10);

  /** Query parameter of the marker request that {@link #accessLogSince} waits for. */
  private static final String SYNC_PARAMETER = "testenv-log-sync";

  /** The registry program to run. */
  public enum Implementation {
    /** Debian's {@code docker-registry}, distribution 2.8.2. */
    DISTRIBUTION_2("docker-registry"),
    /** {@code registry} built from distribution v3.1.1. */
    DISTRIBUTION_3("registry");

    private final String binaryName;

    Implementation(String binaryName) {
      this.binaryName = binaryName;
    }

    public String binaryName() {
      return binaryName;
    }
  }

  /** Number of access log entries at a point in time; see {@link #markAccessLog()}. */
  public record AccessLogMark(int entryCount) {}

  private final String name;
  private final Implementation implementation;
  private final RegistryAuth auth;
  private final Path binary;
  private final Path configFile;
  private final Path logFile;
  private final int port;
  private ChildProcess process;
  private Duration lastStartDuration = Duration.ZERO;

  private OciRegistry(
      RunDirectory run, String name, Implementation implementation, RegistryAuth auth) {
    this.name = name;
    this.implementation = implementation;
    this.auth = auth;
    this.binary = Tools.find(implementation.binaryName());
    this.port = Ports.free();
    this.logFile = run.logFile(name);
    Path directory = run.directory(name);
    this.configFile = RegistryConfig.write(directory, name, port, auth);
  }

  /**
   * Starts a registry and waits until {@code GET /v2/} returns 200 or 401.
   *
   * @param name the directory and log file name, and the token {@code service} in token mode
   */
  public static OciRegistry start(
      RunDirectory run, String name, Implementation implementation, RegistryAuth auth) {
    OciRegistry registry = new OciRegistry(run, name, implementation, auth);
    registry.startProcess();
    return registry;
  }

  /** Returns {@code 127.0.0.1:<port>}, the registry part of image references. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /** Returns {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://" + host();
  }

  public String name() {
    return name;
  }

  public Implementation implementation() {
    return implementation;
  }

  public RegistryAuth auth() {
    return auth;
  }

  public Path configFile() {
    return configFile;
  }

  public Path logFile() {
    return logFile;
  }

  /** Returns how long the latest start took, until {@code /v2/} returned 200 or 401. */
  public Duration lastStartDuration() {
    return lastStartDuration;
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  public void stop() {
    if (process != null) {
      process.stop();
    }
  }

  /** Stops the registry if it runs and starts it again on the same port and storage. */
  public void restart() {
    stop();
    startProcess();
  }

  @Override
  public void close() {
    stop();
  }

  /** Returns every request logged so far, across restarts, oldest first. */
  public List<AccessLogEntry> accessLog() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return AccessLogEntry.parse(lines).stream().filter(entry -> !isSyncRequest(entry)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("read registry log " + logFile, e);
    }
  }

  /** Records the current end of the access log, after all earlier requests were logged. */
  public AccessLogMark markAccessLog() {
    syncAccessLog();
    return new AccessLogMark(accessLog().size());
  }

  /**
   * Returns the requests logged after {@code mark}. It first waits until a marker request sent now
   * shows up in the log, because the registry writes a line after it sends the response, so a
   * client can finish before its last request is logged.
   */
  public List<AccessLogEntry> accessLogSince(AccessLogMark mark) {
    syncAccessLog();
    List<AccessLogEntry> all = accessLog();
    return List.copyOf(all.subList(Math.min(mark.entryCount(), all.size()), all.size()));
  }

  private void syncAccessLog() {
    String marker = UUID.randomUUID().toString();
    URI uri = URI.create(url() + "/v2/?" + SYNC_PARAMETER + "=" + marker);
    int status = Http.status(uri);
    if (status < 0) {
      throw new IllegalStateException(name + ": marker request to " + uri + " failed");
    }
    Instant deadline = Instant.now().plus(LOG_SYNC_TIMEOUT);
    while (!logContainsMarker(marker)) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            name + ": marker request did not appear in " + logFile + " within " + LOG_SYNC_TIMEOUT);
      }
      ChildProcess.sleep(Duration.ofMillis(20));
    }
  }

  private boolean logContainsMarker(String marker) {
    try {
      return AccessLogEntry.parse(Files.readAllLines(logFile, StandardCharsets.UTF_8)).stream()
          .anyMatch(entry -> entry.query().equals(SYNC_PARAMETER + "=" + marker));
    } catch (IOException e) {
      throw new UncheckedIOException("read registry log " + logFile, e);
    }
  }

  private static boolean isSyncRequest(AccessLogEntry entry) {
    return entry.path().equals("/v2/") && entry.query().startsWith(SYNC_PARAMETER + "=");
  }

  private void startProcess() {
    long started = System.nanoTime();
    // Distribution v3 sets up OpenTelemetry tracing from the environment and would otherwise
    // export to the default OTLP endpoint on localhost; these variables turn that off.
    Map<String, String> environment =
        Map.of("OTEL_SDK_DISABLED", "true", "OTEL_TRACES_EXPORTER", "none");
    List<String> command = List.of(binary.toString(), "serve", configFile.toString());
    process = ChildProcess.start(name, command, environment, logFile);
    URI ping = URI.create(url() + "/v2/");
    process.awaitReady(
        "GET " + ping + " returned 200 or 401",
        START_TIMEOUT,
        () -> {
          int status = Http.status(ping);
          return status == 200 || status == 401;
        });
    lastStartDuration = Duration.ofNanos(System.nanoTime() - started);
  }
}
