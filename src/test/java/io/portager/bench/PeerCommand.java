package io.portager.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one peer tool under GNU {@code /usr/bin/time}, which reports the child's CPU seconds and
 * peak RSS after it exits.
 */
final class PeerCommand {
  /** What one command used: exit code, CPU seconds (user plus system) and peak RSS in bytes. */
  record Usage(int exitCode, double cpuSeconds, long peakResidentBytes, String output) {}

  private PeerCommand() {}

  static Usage run(List<String> command, Path workDirectory, long timeoutSeconds) {
    Path usageFile = workDirectory.resolve("time-" + System.nanoTime() + ".txt");
    Path outputFile = workDirectory.resolve("output-" + System.nanoTime() + ".txt");
    List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "%U %S %M", "-o"));
    timed.add(usageFile.toString());
    timed.addAll(command);
    try {
      Process process =
          new ProcessBuilder(timed)
              .redirectErrorStream(true)
              .redirectOutput(outputFile.toFile())
              .start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
      }
      String output = Files.readString(outputFile, StandardCharsets.UTF_8);
      List<String> lines = Files.readAllLines(usageFile, StandardCharsets.UTF_8);
      // GNU time writes "Command exited with non-zero status N" before the format line.
      String[] fields = lines.get(lines.size() - 1).trim().split(" ");
      Files.deleteIfExists(usageFile);
      Files.deleteIfExists(outputFile);
      return new Usage(
          process.exitValue(),
          Double.parseDouble(fields[0]) + Double.parseDouble(fields[1]),
          Long.parseLong(fields[2]) * 1024,
          output);
    } catch (IOException e) {
      throw new UncheckedIOException("run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + command, e);
    }
  }
}
