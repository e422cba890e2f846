package io.portager.kube;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A bearer token kept in a file that another process rotates, such as a projected service account
 * token, which the kubelet replaces before it expires. The file is re-read when the cached copy is
 * older than {@link #MAX_AGE} and after {@link #invalidate}, which the client calls on a 401.
 */
final class TokenFile {
  /** The refresh period client-go uses for token files. */
  static final Duration MAX_AGE = Duration.ofMinutes(1);

  private final Path path;
  private final Clock clock;

  // Guarded by this. Invariant: token is null exactly when the next call must read the file.
  private String token;
  private Instant readAt = Instant.MIN;

  TokenFile(Path path, Clock clock) {
    this.path = path;
    this.clock = clock;
  }

  Path path() {
    return path;
  }

  /**
   * Returns the token, reading the file when the cached copy is stale.
   *
   * @throws KubeConfigException when the file cannot be read or is empty
   */
  synchronized String token() {
    Instant now = clock.instant();
    if (token == null || !now.isBefore(readAt.plus(MAX_AGE))) {
      token = read();
      readAt = now;
    }
    return token;
  }

  /** Forces the next {@link #token} call to read the file again. */
  synchronized void invalidate() {
    token = null;
  }

  private String read() {
    String value;
    try {
      value = Files.readString(path, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new KubeConfigException(
          "read token file " + path + ": " + e + "; check that the file exists and is readable", e);
    }
    if (value.isEmpty()) {
      throw new KubeConfigException("read token file " + path + ": file is empty");
    }
    return value;
  }
}
