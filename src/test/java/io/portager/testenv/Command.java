package io.portager.testenv;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command line to run to completion, with its environment additions, standard input, timeout and
 * the secrets that must be masked wherever the command line or its output is reported.
 */
public record Command(
    List<String> arguments,
    Map<String, String> environment,
    byte[] stdin,
    Duration timeout,
    Set<String> secrets) {
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  public Command {
    if (arguments.isEmpty()) {
      throw new IllegalArgumentException("command: no arguments");
    }
    arguments = List.copyOf(arguments);
    environment = Map.copyOf(environment);
    stdin = stdin.clone();
    secrets = Set.copyOf(secrets);
  }

  /** Starts a command for the given binary with a two-minute timeout. */
  public static Command of(Path binary, String... arguments) {
    List<String> all = new ArrayList<>();
    all.add(binary.toString());
    all.addAll(List.of(arguments));
    return new Command(all, Map.of(), new byte[0], DEFAULT_TIMEOUT, Set.of());
  }

  public Command withArguments(String... more) {
    List<String> all = new ArrayList<>(arguments);
    all.addAll(List.of(more));
    return new Command(all, environment, stdin, timeout, secrets);
  }

  public Command withEnvironment(String name, String value) {
    Map<String, String> all = new LinkedHashMap<>(environment);
    all.put(name, value);
    return new Command(arguments, all, stdin, timeout, secrets);
  }

  public Command withStdin(String text) {
    return new Command(
        arguments, environment, text.getBytes(StandardCharsets.UTF_8), timeout, secrets);
  }

  public Command withTimeout(Duration value) {
    return new Command(arguments, environment, stdin, value, secrets);
  }

  /** Adds values to mask as {@code ***} in error messages; blank values are ignored. */
  public Command withSecrets(String... values) {
    Set<String> all = new LinkedHashSet<>(secrets);
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        all.add(value);
      }
    }
    return new Command(arguments, environment, stdin, timeout, all);
  }

  /** Replaces every secret in {@code text} with {@code ***}. */
  public String redact(String text) {
    String result = text;
    for (String secret : secrets) {
      result = result.replace(secret, "***");
    }
    return result;
  }

  /** Returns the command line with secrets masked, for messages. */
  public String display() {
    return redact(String.join(" ", arguments));
  }

  @Override
  public String toString() {
    return "Command[" + display() + "]";
  }
}
