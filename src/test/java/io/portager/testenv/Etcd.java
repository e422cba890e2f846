package io.portager.testenv;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A single-member etcd on 127.0.0.1 with its data in {@code <run>/etcd}.
 *
 * <p>{@code --unsafe-no-fsync} trades crash safety for speed, which is fine for throwaway test
 * data. {@link #restart()} keeps the data directory and both ports.
 */
public final class Etcd implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path binary;
  private final Path dataDirectory;
  private final Path logFile;
  private final int clientPort;
  private final int peerPort;
  private ChildProcess process;
  private Duration lastStartDuration = Duration.ZERO;

  private Etcd(RunDirectory run) {
    this.binary = Tools.find("etcd");
    this.dataDirectory = run.directory("etcd");
    this.logFile = run.logFile("etcd");
    this.clientPort = Ports.free();
    this.peerPort = Ports.free();
  }

  /** Starts etcd and waits until {@code /health} reports healthy. */
  public static Etcd start(RunDirectory run) {
    Etcd etcd = new Etcd(run);
    etcd.startProcess();
    return etcd;
  }

  /** Returns {@code http://127.0.0.1:<client port>}. */
  public String clientUrl() {
    return "http://127.0.0.1:" + clientPort;
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  /** Returns how long the latest start took, until healthy. */
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

  /** Stops etcd if it runs and starts it again with the same data directory and ports. */
  public void restart() {
    stop();
    startProcess();
  }

  @Override
  public void close() {
    stop();
  }

  private void startProcess() {
    long started = System.nanoTime();
    String peerUrl = "http://127.0.0.1:" + peerPort;
    // The advertise and initial-cluster URLs are set explicitly because their defaults name
    // localhost:2380, a port this member does not listen on.
    List<String> command =
        List.of(
            binary.toString(),
            "--name=default",
            "--data-dir=" + dataDirectory,
            "--listen-client-urls=" + clientUrl(),
            "--advertise-client-urls=" + clientUrl(),
            "--listen-peer-urls=" + peerUrl,
            "--initial-advertise-peer-urls=" + peerUrl,
            "--initial-cluster=default=" + peerUrl,
            "--unsafe-no-fsync=true");
    process = ChildProcess.start("etcd", command, Map.of(), logFile);
    URI health = URI.create(clientUrl() + "/health");
    process.awaitReady(
        "healthy at " + health,
        START_TIMEOUT,
        () -> Http.body(health).contains("\"health\":\"true\""));
    lastStartDuration = Duration.ofNanos(System.nanoTime() - started);
  }
}
