package io.portager.testenv;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Locates the test binaries and runs commands to completion.
 *
 * <p>Binaries are looked up in {@code $PORTAGER_TOOLS/bin} (default {@code
 * ~/.cache/portager-tools/bin}, filled by {@code scripts/install-test-tools}) and then on {@code
 * PATH}, where the Debian packages put skopeo, docker-registry, htpasswd and openssl.
 */
public final class Tools {
  /** Characters of output kept in failure messages. */
  private static final int OUTPUT_TAIL_CHARS = 2000;

  /**
   * Threads that drain stdout and stderr. The common fork-join pool is not used because on a
   * two-core machine it has one thread, and a command that fills its stderr pipe while that thread
   * waits on stdout would block until its timeout.
   */
  private static final ExecutorService OUTPUT_READERS =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "testenv-output-reader");
            thread.setDaemon(true);
            return thread;
          });

  private Tools() {}

  /** Returns {@code $PORTAGER_TOOLS/bin}, or {@code ~/.cache/portager-tools/bin} if unset. */
  public static Path toolsDirectory() {
    String root = System.getenv("PORTAGER_TOOLS");
    if (root == null || root.isBlank()) {
      return Path.of(System.getProperty("user.home"), ".cache", "portager-tools", "bin");
    }
    return Path.of(root, "bin");
  }

  /**
   * Returns the executable {@code name} from the tools directory or {@code PATH}.
   *
   * @throws IllegalStateException if neither has it; tests fail on this instead of skipping
   */
  public static Path find(String name) {
    return findOptional(name)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    name
                        + " not found in "
                        + toolsDirectory()
                        + " or PATH: run scripts/install-test-tools"));
  }

  /** Returns the executable {@code name} from the tools directory or {@code PATH}, if any. */
  public static Optional<Path> findOptional(String name) {
    Path candidate = toolsDirectory().resolve(name);
    if (Files.isExecutable(candidate)) {
      return Optional.of(candidate);
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String directory : path.split(File.pathSeparator)) {
      if (directory.isEmpty()) {
        continue;
      }
      candidate = Path.of(directory, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * Runs the command and returns its output.
   *
   * @throws CommandFailedException on a non-zero exit code or timeout, with the command line and
   *     the output tail, secrets masked
   */
  public static CommandResult run(Command command) {
    CommandResult result = execute(command);
    if (!result.succeeded()) {
      throw new CommandFailedException(
          "run "
              + command.display()
              + ": exit code "
              + result.exitCode()
              + ", output:\n"
              + command.redact(result.outputTail(OUTPUT_TAIL_CHARS)),
          result.exitCode());
    }
    return result;
  }

  /**
   * Runs the command and returns its exit code and output, whatever the exit code.
   *
   * @throws CommandFailedException if the command cannot start or times out
   */
  public static CommandResult execute(Command command) {
    ProcessBuilder builder = new ProcessBuilder(command.arguments());
    builder.environment().putAll(command.environment());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new CommandFailedException("start " + command.display() + ": " + e.getMessage(), -1);
    }

    CompletableFuture<byte[]> stdout = readAsync(process.getInputStream());
    CompletableFuture<byte[]> stderr = readAsync(process.getErrorStream());
    writeStdin(process, command.stdin());

    try {
      if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new CommandFailedException(
            "run " + command.display() + ": timed out after " + command.timeout(), -1);
      }
      return new CommandResult(
          process.exitValue(), stdout.get(), new String(stderr.get(), StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new CommandFailedException("run " + command.display() + ": interrupted", -1);
    } catch (ExecutionException e) {
      throw new CommandFailedException(
          "read output of " + command.display() + ": " + e.getCause(), -1);
    }
  }

  private static CompletableFuture<byte[]> readAsync(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        OUTPUT_READERS);
  }

  private static void writeStdin(Process process, byte[] stdin) {
    try (OutputStream input = process.getOutputStream()) {
      input.write(stdin);
    } catch (IOException e) {
      // The command exited without reading its input; its exit code reports the problem.
    }
  }
}
