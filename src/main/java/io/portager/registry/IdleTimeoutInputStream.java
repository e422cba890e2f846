package io.portager.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A response body that is closed when no byte arrives for {@code idleTimeout}, so a registry that
 * stalls in the middle of a blob fails the copy instead of holding a worker forever. The JDK's
 * HttpClient has a timeout only until the response headers arrive. Closing the body aborts the
 * exchange, and the blocked read then throws.
 *
 * <p>One daemon thread checks every open stream once per second; streams register on creation and
 * leave on close or end of data.
 */
final class IdleTimeoutInputStream extends FilterInputStream {
  /** Time without a byte after which a blob download is abandoned. */
  static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

  private static final Set<IdleTimeoutInputStream> OPEN = ConcurrentHashMap.newKeySet();
  private static final ScheduledExecutorService WATCHER =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "blob-idle-watch");
            thread.setDaemon(true);
            return thread;
          });

  static {
    WATCHER.scheduleWithFixedDelay(IdleTimeoutInputStream::closeIdle, 1, 1, TimeUnit.SECONDS);
  }

  private final long idleNanos;
  private final String action;
  private volatile long lastProgress = System.nanoTime();
  private volatile boolean timedOut;

  private IdleTimeoutInputStream(InputStream in, Duration idleTimeout, String action) {
    super(in);
    this.idleNanos = idleTimeout.toNanos();
    this.action = action;
  }

  /** Wraps {@code body}; {@code action} names the request in the timeout message. */
  static InputStream wrap(InputStream body, Duration idleTimeout, String action) {
    IdleTimeoutInputStream stream = new IdleTimeoutInputStream(body, idleTimeout, action);
    OPEN.add(stream);
    return stream;
  }

  private static void closeIdle() {
    long now = System.nanoTime();
    for (IdleTimeoutInputStream stream : OPEN) {
      if (now - stream.lastProgress > stream.idleNanos) {
        stream.timedOut = true;
        OPEN.remove(stream);
        try {
          stream.in.close();
        } catch (IOException | RuntimeException e) {
          // The stream is being abandoned; the reader sees the timeout either way.
        }
      }
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n;
    try {
      n = super.read(buffer, offset, length);
    } catch (IOException e) {
      throw timedOut ? timeout(e) : e;
    }
    if (timedOut) {
      throw timeout(null);
    }
    if (n == -1) {
      OPEN.remove(this);
    } else {
      lastProgress = System.nanoTime();
    }
    return n;
  }

  private IOException timeout(IOException cause) {
    return new IOException(
        action + ": no data for " + Duration.ofNanos(idleNanos).toSeconds() + " s, gave up", cause);
  }

  @Override
  public void close() throws IOException {
    OPEN.remove(this);
    super.close();
  }
}
