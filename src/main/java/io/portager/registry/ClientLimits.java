package io.portager.registry;

import java.time.Duration;

/**
 * Per-endpoint limits of a {@link RegistryClient}.
 *
 * @param maxRequestsInFlight requests one client may have waiting for response headers at once
 * @param requestsPerSecond steady request rate allowed per client, with bursts of up to one
 *     second's worth; 0 turns the rate limit off
 * @param uploadChunkSize bytes per PATCH when a blob is uploaded in chunks; raised to the
 *     registry's {@code OCI-Chunk-Min-Length} when that is larger. Each chunked upload buffers one
 *     chunk in memory.
 * @param idleTimeout time without a byte after which a blob download is abandoned and retried
 */
public record ClientLimits(
    int maxRequestsInFlight, double requestsPerSecond, long uploadChunkSize, Duration idleTimeout) {
  /** 16 requests in flight, no rate limit, 16 MiB chunks and a 60 s idle timeout. */
  public static final ClientLimits DEFAULT = new ClientLimits(16, 0, 16L * 1024 * 1024);

  /** Limits with the default idle timeout of blob downloads. */
  public ClientLimits(int maxRequestsInFlight, double requestsPerSecond, long uploadChunkSize) {
    this(
        maxRequestsInFlight,
        requestsPerSecond,
        uploadChunkSize,
        IdleTimeoutInputStream.DEFAULT_IDLE_TIMEOUT);
  }

  /** Rejects values that would block every request or loop forever. */
  public ClientLimits {
    if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException(
          "client limits: idleTimeout is " + idleTimeout + ", want a positive duration");
    }
    if (maxRequestsInFlight < 1) {
      throw new IllegalArgumentException(
          "client limits: maxRequestsInFlight is " + maxRequestsInFlight + ", want 1 or more");
    }
    if (!(requestsPerSecond >= 0) || Double.isInfinite(requestsPerSecond)) {
      throw new IllegalArgumentException(
          "client limits: requestsPerSecond is "
              + requestsPerSecond
              + ", want 0 (off) or a positive number");
    }
    if (uploadChunkSize < 1 || uploadChunkSize > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "client limits: uploadChunkSize is "
              + uploadChunkSize
              + ", want 1 to "
              + (Integer.MAX_VALUE - 8)
              + " bytes");
    }
  }
}
