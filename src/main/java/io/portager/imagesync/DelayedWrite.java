package io.portager.imagesync;

import io.portager.log.Log;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A write that runs after a delay unless the caller finishes first. A sync marks itself Syncing
 * this way: a run that ends within the delay goes straight to its result, which saves one status
 * write per run, while a longer run still shows Syncing=True.
 *
 * <p>Mutable state: {@code state}, moved once from WAITING to STARTED by the timer or to CANCELLED
 * by the caller. {@link #cancelOrAwait} returns only after a started write has finished, so what
 * the write changed is visible to the caller afterwards.
 */
final class DelayedWrite {
  private static final Log LOG = Log.get("imagesync");
  private static final int WAITING = 0;
  private static final int STARTED = 1;
  private static final int CANCELLED = 2;
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "delayed-status");
            thread.setDaemon(true);
            return thread;
          });

  private final AtomicInteger state = new AtomicInteger(WAITING);
  private final CountDownLatch finished = new CountDownLatch(1);

  private DelayedWrite() {}

  /**
   * Runs {@code write} after {@code delay} on a shared timer thread, unless {@link #cancelOrAwait}
   * comes first. A failure of {@code write} is logged with {@code description} and otherwise
   * ignored.
   */
  static DelayedWrite schedule(Duration delay, String description, Runnable write) {
    DelayedWrite delayed = new DelayedWrite();
    Callable<Void> task =
        Log.propagating(
            () -> {
              if (!delayed.state.compareAndSet(WAITING, STARTED)) {
                return null;
              }
              try {
                write.run();
              } catch (RuntimeException e) {
                LOG.warn("delayed_write_failed", "write", description, "error", e.getMessage());
              } finally {
                delayed.finished.countDown();
              }
              return null;
            });
    TIMER.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    return delayed;
  }

  /**
   * Cancels the write and returns true, or waits until a started write finishes and returns false.
   */
  boolean cancelOrAwait() throws InterruptedException {
    if (state.compareAndSet(WAITING, CANCELLED)) {
      return true;
    }
    finished.await();
    return false;
  }

  /**
   * Cancels or awaits like {@link #cancelOrAwait}, and keeps the interrupt flag set on interrupt.
   */
  void cancelOrAwaitQuietly() {
    try {
      cancelOrAwait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
