package io.portager.testenv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Directory of one test environment run: {@code target/testenv/<run>/} for data and {@code
 * target/testenv/<run>/logs/} for the output of every process the run starts.
 */
public final class RunDirectory {
  private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private final Path path;

  private RunDirectory(Path path) {
    this.path = path.toAbsolutePath().normalize();
    createDirectories(this.path.resolve("logs"));
  }

  /**
   * Creates {@code target/testenv/<prefix>-<time>-<random>} below the working directory, which is
   * the Maven project directory when tests run under Maven.
   */
  public static RunDirectory create(String prefix) {
    String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    String name = prefix + "-" + LocalDateTime.now().format(RUN_TIME) + "-" + suffix;
    return new RunDirectory(Path.of("target", "testenv", name));
  }

  /** Uses an existing or new directory as the run directory. */
  public static RunDirectory at(Path path) {
    return new RunDirectory(path);
  }

  public Path path() {
    return path;
  }

  public Path logs() {
    return path.resolve("logs");
  }

  /** Returns {@code logs/<component>.log}. */
  public Path logFile(String component) {
    return logs().resolve(component + ".log");
  }

  /** Creates (if needed) and returns the subdirectory {@code name}. */
  public Path directory(String name) {
    Path directory = path.resolve(name);
    createDirectories(directory);
    return directory;
  }

  @Override
  public String toString() {
    return path.toString();
  }

  static void createDirectories(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("create directory " + directory, e);
    }
  }
}
