package io.portager.bench;

import io.portager.testenv.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The peer tools: {@code skopeo sync} of every repository in one call, and a loop that does what
 * the Go Portager does per tag ({@code crane digest} of source and destination, {@code crane copy}
 * when they differ, one tag at a time).
 */
final class Peers {
  /** What one peer run used; peak RSS is the largest of its processes. */
  record Run(double wallSeconds, double cpuSeconds, long peakResidentBytes) {}

  private final Path skopeo = Tools.find("skopeo");
  private final Path crane = Tools.find("crane");
  private final Path workDirectory;
  private final Path craneConfig;

  Peers(Path workDirectory) {
    this.workDirectory = workDirectory;
    this.craneConfig = workDirectory.resolve("crane-config");
    try {
      Files.createDirectories(craneConfig);
      Files.writeString(craneConfig.resolve("config.json"), "{}\n");
    } catch (IOException e) {
      throw new UncheckedIOException("prepare " + workDirectory, e);
    }
  }

  String skopeoVersion() {
    return PeerCommand.run(List.of(skopeo.toString(), "--version"), workDirectory, 30)
        .output()
        .strip();
  }

  String craneVersion() {
    return PeerCommand.run(List.of(crane.toString(), "version"), workDirectory, 30)
        .output()
        .strip();
  }

  /**
   * Runs {@code skopeo sync --all} from a YAML list of {@code repository -> tags} at {@code
   * sourceHost} to {@code destinationHost/prefix}.
   */
  Run skopeoSync(
      String sourceHost, Map<String, List<String>> images, String destinationHost, String prefix) {
    Path yaml = workDirectory.resolve("skopeo-sync.yaml");
    StringBuilder text = new StringBuilder(sourceHost + ":\n  tls-verify: false\n  images:\n");
    images.forEach(
        (repository, tags) ->
            text.append("    ")
                .append(repository)
                .append(": [")
                .append(String.join(", ", tags))
                .append("]\n"));
    try {
      Files.writeString(yaml, text.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("write " + yaml, e);
    }
    List<String> command =
        List.of(
            skopeo.toString(),
            "--insecure-policy",
            "sync",
            "--all",
            "--src",
            "yaml",
            "--dest",
            "docker",
            "--dest-tls-verify=false",
            yaml.toString(),
            destinationHost + "/" + prefix + "/" + parentOf(images));
    long started = System.nanoTime();
    PeerCommand.Usage usage = PeerCommand.run(command, workDirectory, 1800);
    double wall = (System.nanoTime() - started) / 1e9;
    check(usage, command);
    return new Run(wall, usage.cpuSeconds(), usage.peakResidentBytes());
  }

  /** Runs the per-tag crane loop over {@code images}, one process at a time. */
  Run craneLoop(
      String sourceHost, Map<String, List<String>> images, String destinationHost, String prefix) {
    long started = System.nanoTime();
    double cpu = 0;
    long peak = 0;
    for (Map.Entry<String, List<String>> image : images.entrySet()) {
      for (String tag : image.getValue()) {
        String source = sourceHost + "/" + image.getKey() + ":" + tag;
        String destination = destinationHost + "/" + prefix + "/" + image.getKey() + ":" + tag;
        PeerCommand.Usage sourceDigest = crane("digest", source);
        check(sourceDigest, List.of("crane digest", source));
        PeerCommand.Usage destinationDigest = crane("digest", destination);
        cpu += sourceDigest.cpuSeconds() + destinationDigest.cpuSeconds();
        peak =
            Math.max(
                peak,
                Math.max(sourceDigest.peakResidentBytes(), destinationDigest.peakResidentBytes()));
        boolean same =
            destinationDigest.exitCode() == 0
                && destinationDigest.output().strip().equals(sourceDigest.output().strip());
        if (!same) {
          PeerCommand.Usage copy = crane("copy", source, destination);
          check(copy, List.of("crane copy", source, destination));
          cpu += copy.cpuSeconds();
          peak = Math.max(peak, copy.peakResidentBytes());
        }
      }
    }
    return new Run((System.nanoTime() - started) / 1e9, cpu, peak);
  }

  /**
   * Returns the path that all repositories share before their last component, because {@code skopeo
   * sync} keeps only that last component under the destination.
   */
  private static String parentOf(Map<String, List<String>> images) {
    String parent = null;
    for (String repository : images.keySet()) {
      String candidate = repository.substring(0, Math.max(0, repository.lastIndexOf('/')));
      if (parent != null && !parent.equals(candidate)) {
        throw new IllegalArgumentException(
            "skopeo sync needs one parent path; got " + images.keySet());
      }
      parent = candidate;
    }
    return parent;
  }

  private PeerCommand.Usage crane(String... arguments) {
    List<String> command = new ArrayList<>();
    command.add("env");
    command.add("DOCKER_CONFIG=" + craneConfig);
    command.add(crane.toString());
    command.addAll(List.of(arguments));
    command.add("--insecure");
    return PeerCommand.run(command, workDirectory, 1800);
  }

  private static void check(PeerCommand.Usage usage, List<String> command) {
    if (usage.exitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", command)
              + " exited with "
              + usage.exitCode()
              + ": "
              + tail(usage.output()));
    }
  }

  private static String tail(String output) {
    return output.length() <= 2000 ? output : output.substring(output.length() - 2000);
  }

  /** Returns {@code repository -> tags} for the first {@code repositories} x {@code tags}. */
  static Map<String, List<String>> images(int repositories, int tags) {
    Map<String, List<String>> images = new LinkedHashMap<>();
    for (int r = 0; r < repositories; r++) {
      List<String> list = new ArrayList<>();
      for (int t = 0; t < tags; t++) {
        list.add(Fixture.tag(t));
      }
      images.put(Fixture.repository(r), list);
    }
    return images;
  }
}
