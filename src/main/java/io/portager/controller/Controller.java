package io.portager.controller;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portager.log.Log;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs reconciles: an informer feeds keys into a work queue and a fixed number of worker threads
 * take keys from it. A reconcile that throws is retried with the queue's per-key backoff. One that
 * returns a delay is queued again after it, which is how schedules are kept.
 */
public final class Controller {
  private static final Log LOG = Log.get("controller");

  /** Source of the reconcile ids in log lines, unique within one process. */
  private static final java.util.concurrent.atomic.AtomicLong RECONCILE_IDS =
      new java.util.concurrent.atomic.AtomicLong();

  private final Informer informer;
  private final WorkQueue queue;
  private final Reconciler reconciler;
  private final int workers;
  private final BooleanSupplier mayWork;
  private final ReconcileObserver observer;
  private final List<Thread> threads = new ArrayList<>();

  /**
   * Creates a controller whose workers take keys only while {@code mayWork} is true, which is how a
   * replica that is not the leader keeps its cache warm without reconciling.
   */
  public Controller(
      Informer informer,
      WorkQueue queue,
      Reconciler reconciler,
      int workers,
      BooleanSupplier mayWork) {
    this(informer, queue, reconciler, workers, mayWork, ReconcileObserver.NONE);
  }

  /** Creates a controller as above that reports every reconcile to {@code observer}. */
  public Controller(
      Informer informer,
      WorkQueue queue,
      Reconciler reconciler,
      int workers,
      BooleanSupplier mayWork,
      ReconcileObserver observer) {
    this.informer = informer;
    this.queue = queue;
    this.reconciler = reconciler;
    this.workers = workers;
    this.mayWork = mayWork;
    this.observer = observer;
  }

  /** Starts the informer thread and the workers, which wait for the first list. */
  public void start() {
    Thread informerThread = new Thread(informer, "informer");
    informerThread.setDaemon(true);
    informerThread.start();
    threads.add(informerThread);
    for (int i = 0; i < workers; i++) {
      Thread worker = new Thread(this::work, "worker-" + i);
      worker.setDaemon(true);
      worker.start();
      threads.add(worker);
    }
    LOG.info("controller_started", "workers", workers);
  }

  /** Stops taking new keys, closes the watch and waits up to {@code grace} for workers. */
  public void stop(Duration grace) throws InterruptedException {
    queue.shutDown();
    informer.stop();
    long deadline = System.nanoTime() + grace.toNanos();
    for (Thread thread : threads) {
      long remaining = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      thread.join(remaining);
    }
    LOG.info("controller_stopped");
  }

  private void work() {
    try {
      waitForSync();
      Optional<String> key;
      while (awaitPermission() && (key = queue.get()).isPresent()) {
        if (mayWork.getAsBoolean()) {
          process(key.get());
        } else {
          // Leadership was lost while this worker waited for a key: leave it for later.
          queue.done(key.get());
          queue.addAfter(key.get(), Duration.ofSeconds(1));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean awaitPermission() throws InterruptedException {
    while (!mayWork.getAsBoolean()) {
      if (queue.isShutDown()) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }

  private void waitForSync() throws InterruptedException {
    while (!informer.hasSynced() && !queue.isShutDown()) {
      Thread.sleep(50);
    }
  }

  private void process(String key) {
    // A monotonic clock, because a duration measured on the wall clock jumps with NTP steps.
    long started = System.nanoTime();
    String reconcileId = Long.toHexString(RECONCILE_IDS.incrementAndGet());
    try (Log.Scope context = Log.withContext("object", key, "reconcile", reconcileId)) {
      processInContext(key, started);
    }
  }

  private void processInContext(String key, long started) {
    try {
      Optional<ObjectNode> object = informer.get(key);
      Optional<Duration> requeue = reconciler.reconcile(key, object);
      observer.reconciled(key, Duration.ofNanos(System.nanoTime() - started), true);
      queue.forget(key);
      requeue.ifPresent(delay -> queue.addAfter(key, delay));
    } catch (RuntimeException e) {
      observer.reconciled(key, Duration.ofNanos(System.nanoTime() - started), false);
      int failures = queue.failures(key) + 1;
      LOG.warn("reconcile_failed", "key", key, "failures", failures, "error", e.toString());
      queue.addRateLimited(key);
    } finally {
      queue.done(key);
    }
  }
}
