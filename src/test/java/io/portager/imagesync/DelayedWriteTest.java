package io.portager.imagesync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DelayedWriteTest {
  @Test
  void cancelBeforeDelaySkipsWrite() throws Exception {
    AtomicInteger writes = new AtomicInteger();
    DelayedWrite delayed =
        DelayedWrite.schedule(Duration.ofMillis(200), "test", writes::incrementAndGet);

    assertTrue(delayed.cancelOrAwait());
    Thread.sleep(400);

    assertEquals(0, writes.get());
  }

  @Test
  void cancelAwaitsStartedWrite() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger writes = new AtomicInteger();
    DelayedWrite delayed =
        DelayedWrite.schedule(
            Duration.ZERO,
            "test",
            () -> {
              started.countDown();
              sleep(300);
              writes.incrementAndGet();
            });
    assertTrue(started.await(5, TimeUnit.SECONDS));

    assertFalse(delayed.cancelOrAwait());

    assertEquals(1, writes.get(), "the write finished before cancelOrAwait returned");
  }

  @Test
  void failedWriteDoesNotBlockCaller() throws Exception {
    DelayedWrite delayed =
        DelayedWrite.schedule(
            Duration.ZERO,
            "test",
            () -> {
              throw new IllegalStateException("api server down");
            });
    Thread.sleep(200);

    assertFalse(delayed.cancelOrAwait());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
