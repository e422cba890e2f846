package io.portager.imagesync;

import io.portager.cloud.CloudIdentities;
import io.portager.controller.Controller;
import io.portager.controller.Informer;
import io.portager.controller.LeaderElector;
import io.portager.controller.WorkQueue;
import io.portager.kube.EventRecorder;
import io.portager.kube.KubeClient;
import io.portager.metrics.OperatorMetrics;
import io.portager.registry.Registries;
import io.portager.sync.ImageCopier;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The ImageSync controller assembled: an informer over ImageSyncs, a work queue, workers running
 * {@link ImageSyncReconciler}, and a shared pool that copies tags concurrently.
 */
public final class ImageSyncOperator implements AutoCloseable {
  private final Controller controller;
  private final Informer informer;
  private final ExecutorService tagPool;
  private final LeaderElector elector;
  private final ImageSyncReconciler reconciler;

  /**
   * Settings of one operator process. A null {@code namespace} watches all namespaces, and a null
   * {@code leaderElection} runs without election, reconciling at once.
   */
  /** Operator settings; {@code namespaces} empty watches every namespace. */
  public record Settings(
      List<String> namespaces,
      int workers,
      int tagConcurrency,
      boolean allowCrossNamespaceSecrets,
      LeaderElector.Settings leaderElection) {
    public Settings {
      namespaces = List.copyOf(namespaces);
    }
  }

  public ImageSyncOperator(
      KubeClient kube,
      EventRecorder events,
      Registries registries,
      Settings settings,
      Clock clock) {
    this(kube, events, registries, settings, clock, new OperatorMetrics(new PrometheusRegistry()));
  }

  /** Creates the operator as above, recording its metrics in {@code metrics}. */
  public ImageSyncOperator(
      KubeClient kube,
      EventRecorder events,
      Registries registries,
      Settings settings,
      Clock clock,
      OperatorMetrics metrics) {
    this(kube, events, registries, settings, clock, metrics, new CloudIdentities());
  }

  /**
   * Creates the operator as above, with the cloud auth methods registered in {@code cloud}; an
   * ImageSync that names another cloud method is reported as unsupported.
   */
  public ImageSyncOperator(
      KubeClient kube,
      EventRecorder events,
      Registries registries,
      Settings settings,
      Clock clock,
      OperatorMetrics metrics,
      CloudIdentities cloud) {
    // Every worker may check CHECKS_PER_COPY * tagConcurrency tags at once, so a stalled
    // ImageSync holds only the threads of its own worker.
    this.tagPool =
        Executors.newFixedThreadPool(
            settings.workers() * SyncRunner.CHECKS_PER_COPY * settings.tagConcurrency(),
            daemonThreads());
    WorkQueue queue = new WorkQueue(clock, Duration.ofSeconds(1), Duration.ofMinutes(5));
    this.informer = new Informer(kube, ImageSyncs.RESOURCE, settings.namespaces(), queue::add);
    CredentialResolver credentials =
        new CredentialResolver(kube, settings.allowCrossNamespaceSecrets(), cloud);
    SyncRunner runner =
        new SyncRunner(registries, new ImageCopier(), tagPool, settings.tagConcurrency());
    this.reconciler =
        new ImageSyncReconciler(
            kube, events, credentials, runner, new TagResolver(registries), clock, metrics);
    metrics.watchQueue(queue::depth);
    this.elector =
        settings.leaderElection() == null
            ? null
            : new LeaderElector(
                kube,
                settings.leaderElection(),
                clock,
                new LeaderElector.Listener() {
                  @Override
                  public void startedLeading() {}

                  @Override
                  public void stoppedLeading() {}
                });
    this.controller =
        new Controller(
            informer,
            queue,
            reconciler,
            settings.workers(),
            elector == null ? () -> true : elector::isLeader,
            metrics);
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    return runnable -> {
      Thread thread = new Thread(runnable, "tag-copy");
      thread.setDaemon(true);
      return thread;
    };
  }

  public void start() {
    // The first list waits on the network; the reconcile code can load meanwhile.
    Thread prewarm = new Thread(reconciler::prewarm, "prewarm");
    prewarm.setDaemon(true);
    prewarm.start();
    if (elector != null) {
      Thread election = new Thread(elector, "leader-election");
      election.setDaemon(true);
      election.start();
    }
    controller.start();
  }

  /** True when this replica may reconcile: it leads, or election is off. */
  public boolean isLeader() {
    return elector == null || elector.isLeader();
  }

  /** True once the informer has listed every ImageSync. */
  public boolean hasSynced() {
    return informer.hasSynced();
  }

  /**
   * Stops at once without waiting for reconciles or releasing the Lease, as a killed process would;
   * other replicas take over when the Lease expires. For tests of failover.
   */
  public void abandon() throws InterruptedException {
    if (elector != null) {
      elector.stop();
    }
    controller.stop(Duration.ZERO);
    tagPool.shutdownNow();
  }

  /** Stops new work and waits up to 30 s for reconciles in flight. */
  @Override
  public void close() throws InterruptedException {
    if (elector != null) {
      elector.stop();
    }
    controller.stop(Duration.ofSeconds(30));
    tagPool.shutdown();
    tagPool.awaitTermination(30, TimeUnit.SECONDS);
    if (elector != null) {
      elector.release();
    }
  }
}
