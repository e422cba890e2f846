package io.portager.testenv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code crane} command (go-containerregistry v0.22.1) as a second independent registry client.
 * References have no transport prefix, and {@code --insecure} allows plain HTTP.
 *
 * <p>crane v0.22.1 has no credential flags on its image commands, so each call gets a fresh {@code
 * DOCKER_CONFIG} directory under {@code <run>/crane/} filled by {@code crane auth login
 * --password-stdin}. That keeps passwords off command lines and keeps the user's own {@code
 * ~/.docker/config.json} out of the test.
 *
 * <p>NOTE: crane v0.22.1 rejects a bearer token realm whose host is a loopback or private IP
 * literal unless it equals the registry's host:port, so it cannot read the token-auth registries of
 * this package, whose {@link TokenServer} listens on its own port. Use skopeo for those.
 */
public final class Crane {
  private final Path binary;
  private final Path directory;
  private final AtomicInteger callCount = new AtomicInteger();

  private Crane(Path binary, Path directory) {
    this.binary = binary;
    this.directory = directory;
  }

  public static Crane create(RunDirectory run) {
    return new Crane(Tools.find("crane"), run.directory("crane"));
  }

  /** Returns the digest the registry reports for {@code reference} ({@code crane digest}). */
  public String digest(String reference, RegistryCredentials credentials) {
    return run(Map.of(registryOf(reference), credentials), "digest", reference).stdout().strip();
  }

  /** Returns the manifest or index bytes as served ({@code crane manifest}). */
  public byte[] rawManifest(String reference, RegistryCredentials credentials) {
    return run(Map.of(registryOf(reference), credentials), "manifest", reference).stdoutBytes();
  }

  /** Returns the tags of {@code repository} ({@code host:port/name}). */
  public List<String> listTags(String repository, RegistryCredentials credentials) {
    String output = run(Map.of(registryOf(repository), credentials), "ls", repository).stdout();
    return Arrays.stream(output.split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** Copies an image or index with all platforms ({@code crane copy}). */
  public void copy(
      String source,
      RegistryCredentials sourceCredentials,
      String destination,
      RegistryCredentials destinationCredentials) {
    String sourceRegistry = registryOf(source);
    String destinationRegistry = registryOf(destination);
    Map<String, RegistryCredentials> logins =
        sourceRegistry.equals(destinationRegistry)
            ? Map.of(sourceRegistry, destinationCredentials)
            : Map.of(
                sourceRegistry, sourceCredentials, destinationRegistry, destinationCredentials);
    run(logins, "copy", source, destination);
  }

  private CommandResult run(Map<String, RegistryCredentials> logins, String... arguments) {
    Path config = directory.resolve("config-" + callCount.incrementAndGet());
    try {
      Files.createDirectories(config);
      Files.writeString(config.resolve("config.json"), "{}\n");
      String[] secrets = new String[logins.size()];
      int index = 0;
      for (Map.Entry<String, RegistryCredentials> login : logins.entrySet()) {
        secrets[index++] = login.getValue().password();
        if (!login.getValue().isAnonymous()) {
          login(config, login.getKey(), login.getValue());
        }
      }
      Command command =
          Command.of(binary, arguments)
              .withArguments("--insecure")
              .withEnvironment("DOCKER_CONFIG", config.toString())
              .withSecrets(secrets)
              .withTimeout(Duration.ofMinutes(5));
      return Tools.run(command);
    } catch (IOException e) {
      throw new UncheckedIOException("prepare crane config " + config, e);
    } finally {
      deleteConfig(config);
    }
  }

  private void login(Path config, String registry, RegistryCredentials credentials) {
    Command command =
        Command.of(
                binary,
                "auth",
                "login",
                registry,
                "--username",
                credentials.username(),
                "--password-stdin")
            .withEnvironment("DOCKER_CONFIG", config.toString())
            .withStdin(credentials.password())
            .withSecrets(credentials.password());
    Tools.run(command);
  }

  /** Removes the config directory, because its {@code config.json} contains a password. */
  private static void deleteConfig(Path config) {
    try (var files = Files.list(config)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(config);
    } catch (IOException e) {
      // Leftovers stay under target/, which holds only test credentials.
    }
  }

  /** Returns the registry part ({@code host:port}) of a reference without a transport. */
  static String registryOf(String reference) {
    int slash = reference.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(
          "reference " + reference + ": missing registry, expected host:port/repository");
    }
    return reference.substring(0, slash);
  }
}
