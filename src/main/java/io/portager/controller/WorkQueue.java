package io.portager.controller;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * A work queue of object keys ({@code namespace/name}) with the guarantees a controller needs: a
 * key waiting in the queue is never added twice, a key is never handed to two workers at once (a
 * key added while a worker has it runs again after {@link #done}), delayed adds wait until their
 * time, and failures back off per key.
 *
 * <p>All state is guarded by {@code this}. Invariants: {@code queue} holds each key at most once
 * and only keys in {@code dirty}, and a key in {@code processing} is not in {@code queue}.
 */
public final class WorkQueue {
  private final Clock clock;
  private final Duration baseDelay;
  private final Duration maxDelay;

  private final ArrayDeque<String> queue = new ArrayDeque<>();
  private final Set<String> dirty = new HashSet<>();
  private final Set<String> processing = new HashSet<>();
  private final PriorityQueue<Delayed> delayed = new PriorityQueue<>();
  private final Map<String, Instant> readyAtByKey = new HashMap<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private boolean shuttingDown;

  private record Delayed(Instant readyAt, String key) implements Comparable<Delayed> {
    @Override
    public int compareTo(Delayed other) {
      return readyAt.compareTo(other.readyAt);
    }
  }

  /**
   * Creates a queue whose per-key backoff runs from {@code baseDelay} doubling to {@code maxDelay}.
   */
  public WorkQueue(Clock clock, Duration baseDelay, Duration maxDelay) {
    this.clock = clock;
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
  }

  /**
   * Returns the number of keys waiting for a worker: those in the queue and those whose delay has
   * passed but which no {@link #get} has moved into the queue yet, as happens while every worker is
   * busy.
   */
  public synchronized int depth() {
    Instant now = clock.instant();
    int due = 0;
    for (Map.Entry<String, Instant> entry : readyAtByKey.entrySet()) {
      if (!entry.getValue().isAfter(now) && !dirty.contains(entry.getKey())) {
        due++;
      }
    }
    return queue.size() + due;
  }

  /** Adds a key now; a no-op when the key is already waiting. */
  public synchronized void add(String key) {
    if (shuttingDown || dirty.contains(key)) {
      return;
    }
    dirty.add(key);
    if (!processing.contains(key)) {
      queue.addLast(key);
      notifyAll();
    }
  }

  /** Adds a key once {@code delay} has passed; of several delayed adds the earliest wins. */
  public synchronized void addAfter(String key, Duration delay) {
    if (shuttingDown) {
      return;
    }
    if (delay.isZero() || delay.isNegative()) {
      add(key);
      return;
    }
    Instant readyAt = clock.instant().plus(delay);
    Instant pending = readyAtByKey.get(key);
    if (pending != null && !pending.isAfter(readyAt)) {
      return;
    }
    readyAtByKey.put(key, readyAt);
    delayed.add(new Delayed(readyAt, key));
    notifyAll();
  }

  /** Adds a key after its backoff delay, which doubles with each failure since {@link #forget}. */
  public synchronized void addRateLimited(String key) {
    int count = failures.merge(key, 1, Integer::sum);
    addAfter(key, backoff(count));
  }

  /** Returns the delay for the {@code count}-th consecutive failure. */
  Duration backoff(int count) {
    int shift = Math.min(count - 1, 30);
    Duration delay = baseDelay.multipliedBy(1L << shift);
    return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
  }

  /** Clears the failure count of a key after a success. */
  public synchronized void forget(String key) {
    failures.remove(key);
  }

  public synchronized int failures(String key) {
    return failures.getOrDefault(key, 0);
  }

  /**
   * Blocks until a key is ready and marks it processing, or returns empty once the queue shuts
   * down. The caller must call {@link #done} with the key.
   */
  public synchronized Optional<String> get() throws InterruptedException {
    while (true) {
      promoteDueKeys();
      if (shuttingDown) {
        return Optional.empty();
      }
      String key = queue.pollFirst();
      if (key != null) {
        dirty.remove(key);
        processing.add(key);
        return Optional.of(key);
      }
      waitForWork();
    }
  }

  private void waitForWork() throws InterruptedException {
    Delayed next = delayed.peek();
    if (next == null) {
      wait();
      return;
    }
    long millis = Duration.between(clock.instant(), next.readyAt()).toMillis();
    if (millis > 0) {
      wait(millis);
    }
  }

  private void promoteDueKeys() {
    Instant now = clock.instant();
    while (!delayed.isEmpty() && !delayed.peek().readyAt().isAfter(now)) {
      Delayed due = delayed.poll();
      // An entry replaced by an earlier addAfter for the same key is stale: skip it.
      if (due.readyAt().equals(readyAtByKey.get(due.key()))) {
        readyAtByKey.remove(due.key());
        add(due.key());
      }
    }
  }

  /** Marks a key finished; when it was added again meanwhile, it goes back in the queue. */
  public synchronized void done(String key) {
    processing.remove(key);
    if (dirty.contains(key)) {
      queue.addLast(key);
      notifyAll();
    }
  }

  /** Number of keys ready to run now. */
  public synchronized int length() {
    return queue.size();
  }

  public synchronized boolean isShutDown() {
    return shuttingDown;
  }

  /** Stops handing out keys; blocked {@link #get} calls return empty. */
  public synchronized void shutDown() {
    shuttingDown = true;
    notifyAll();
  }
}
