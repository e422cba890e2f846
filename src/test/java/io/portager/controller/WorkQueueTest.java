package io.portager.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
  private final WorkQueue queue =
      new WorkQueue(Clock.systemUTC(), Duration.ofMillis(5), Duration.ofSeconds(1));

  @Test
  void addDeduplicatesWaitingKeys() throws InterruptedException {
    queue.add("ns/a");
    queue.add("ns/a");
    queue.add("ns/b");

    assertEquals(2, queue.length());
    assertEquals(Optional.of("ns/a"), queue.get());
    assertEquals(Optional.of("ns/b"), queue.get());
  }

  @Test
  void keyAddedWhileProcessingWaitsForDone() throws Exception {
    queue.add("ns/a");
    String key = queue.get().orElseThrow();

    queue.add("ns/a");

    assertEquals(0, queue.length(), "a key being processed must not be handed out again");
    CompletableFuture<Optional<String>> second = CompletableFuture.supplyAsync(this::getQuietly);
    Thread.sleep(50);
    assertTrue(!second.isDone(), "second get returned while the key was still processing");
    queue.done(key);
    assertEquals(Optional.of("ns/a"), second.get(2, TimeUnit.SECONDS));
  }

  @Test
  void addAfterDelaysKey() throws InterruptedException {
    long start = System.nanoTime();
    queue.addAfter("ns/a", Duration.ofMillis(100));

    Optional<String> key = queue.get();

    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(Optional.of("ns/a"), key);
    assertTrue(elapsedMillis >= 90, "returned after " + elapsedMillis + " ms");
  }

  @Test
  void earlierDelayedAddWins() throws InterruptedException {
    queue.addAfter("ns/a", Duration.ofSeconds(30));
    queue.addAfter("ns/a", Duration.ofMillis(20));
    long start = System.nanoTime();

    Optional<String> key = queue.get();

    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(Optional.of("ns/a"), key);
    assertTrue(elapsedMillis < 5_000, "returned after " + elapsedMillis + " ms");
  }

  @Test
  void backoffDoublesUpToMaximum() {
    assertEquals(Duration.ofMillis(5), queue.backoff(1));
    assertEquals(Duration.ofMillis(10), queue.backoff(2));
    assertEquals(Duration.ofMillis(640), queue.backoff(8));
    assertEquals(Duration.ofSeconds(1), queue.backoff(9));
    assertEquals(Duration.ofSeconds(1), queue.backoff(100));
  }

  @Test
  void forgetResetsFailures() {
    queue.addRateLimited("ns/a");
    queue.addRateLimited("ns/a");
    assertEquals(2, queue.failures("ns/a"));

    queue.forget("ns/a");

    assertEquals(0, queue.failures("ns/a"));
  }

  @Test
  void shutDownReleasesWaitingWorkers() throws Exception {
    CompletableFuture<Optional<String>> waiting = CompletableFuture.supplyAsync(this::getQuietly);
    Thread.sleep(20);

    queue.shutDown();

    assertEquals(Optional.empty(), waiting.get(2, TimeUnit.SECONDS));
  }

  private Optional<String> getQuietly() {
    try {
      return queue.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
