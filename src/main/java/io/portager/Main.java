package io.portager;

import io.portager.cloud.CloudIdentities;
import io.portager.cloud.aws.Ecr;
import io.portager.config.OperatorConfig;
import io.portager.controller.LeaderElector;
import io.portager.health.HealthServer;
import io.portager.imagesync.ImageSyncOperator;
import io.portager.kube.HttpKubeClient;
import io.portager.kube.KubeConfig;
import io.portager.kube.KubeEventRecorder;
import io.portager.log.Log;
import io.portager.metrics.MetricsServer;
import io.portager.metrics.OperatorMetrics;
import io.portager.registry.ClientLimits;
import io.portager.registry.Registries;
import io.portager.registry.RegistrySettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/** Wires the operator from flags and runs it until SIGTERM or SIGINT. */
public final class Main {
  private static final Log LOG = Log.get("main");

  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.print(OperatorConfig.usage());
      return;
    }
    OperatorConfig config;
    try {
      config = OperatorConfig.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("portager: " + e.getMessage());
      System.exit(2);
      return;
    }
    Clock clock = Clock.systemUTC();
    Log.configure(
        Log.Format.valueOf(config.logFormat().toUpperCase(Locale.ROOT)),
        Log.Level.valueOf(config.logLevel().toUpperCase(Locale.ROOT)),
        System.err,
        clock);
    run(config, clock);
  }

  private static void run(OperatorConfig config, Clock clock) throws InterruptedException {
    KubeConfig kubeConfig;
    try {
      kubeConfig = KubeConfig.load(config.kubeconfig().isBlank() ? null : config.kubeconfig());
    } catch (RuntimeException e) {
      LOG.error("kubeconfig_failed", "error", e.getMessage());
      System.exit(1);
      return;
    }
    HttpKubeClient kube = new HttpKubeClient(kubeConfig);
    KubeEventRecorder events =
        new KubeEventRecorder(kube, clock, KubeEventRecorder.localHostname());
    LeaderElector.Settings election;
    Registries registries;
    PrometheusRegistry metricsRegistry = new PrometheusRegistry();
    OperatorMetrics metrics =
        config.metricsAddress() == null
            ? new OperatorMetrics(metricsRegistry)
            : OperatorMetrics.withJvmMetrics(metricsRegistry);
    try {
      election = leaderElection(config, kubeConfig);
      registries = new Registries(clock, registrySettings(config), metrics);
    } catch (IllegalArgumentException e) {
      System.err.println("portager: " + e.getMessage());
      System.exit(2);
      return;
    }
    ImageSyncOperator operator =
        new ImageSyncOperator(
            kube,
            events,
            registries,
            new ImageSyncOperator.Settings(
                config.namespaces(),
                config.workers(),
                config.tagConcurrency(),
                config.allowCrossNamespaceSecrets(),
                election),
            clock,
            metrics,
            cloudIdentities(clock));
    metrics.watchRegistries(registries);
    MetricsServer metricsServer = startMetrics(config, metricsRegistry);
    CountDownLatch stopped = new CountDownLatch(1);
    HealthServer health =
        new HealthServer(config.healthAddress(), () -> stopped.getCount() > 0, operator::hasSynced);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> shutDown(operator, health, metricsServer, stopped), "shutdown"));
    LOG.info(
        "operator_starting",
        "server",
        kubeConfig.server(),
        "namespaces",
        config.namespaces().isEmpty() ? "all" : String.join(",", config.namespaces()),
        "workers",
        config.workers());
    operator.start();
    stopped.await();
  }

  /** Registers ecr, gar and acr with the process environment and a shared HTTP client. */
  private static CloudIdentities cloudIdentities(Clock clock) {
    // NOTE: this client uses no proxy, so the Google and Azure token requests ignore HTTPS_PROXY,
    // which the registry client honours. A cluster that needs a proxy to reach Google or Entra ID
    // cannot use gar or acr yet.
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    return CloudMethods.identities(
        () -> new Ecr(Ecr.Settings.defaults(clock)), System.getenv(), http, clock, null);
  }

  /** Starts the /metrics server, or returns null when metrics are off. */
  private static MetricsServer startMetrics(OperatorConfig config, PrometheusRegistry registry) {
    if (config.metricsAddress() == null) {
      return null;
    }
    MetricsServer server = MetricsServer.start(config.metricsAddress(), registry);
    LOG.info("metrics_server_started", "address", config.metricsAddress(), "port", server.port());
    return server;
  }

  /** Reads the CA bundle and the proxy variables; a bad one is a startup error. */
  private static RegistrySettings registrySettings(OperatorConfig config) {
    Path caBundle = config.caBundle().isEmpty() ? null : Path.of(config.caBundle());
    ClientLimits limits =
        new ClientLimits(
            config.registryMaxInFlight(),
            config.registryQps(),
            ClientLimits.DEFAULT.uploadChunkSize(),
            ClientLimits.DEFAULT.idleTimeout());
    if (config.caBundleReplacesSystem() && caBundle == null) {
      throw new IllegalArgumentException(
          "--ca-bundle-mode replace needs --ca-bundle: name the PEM file or directory to trust");
    }
    return new RegistrySettings(
        caBundle,
        RegistrySettings.DEFAULT_CA_BUNDLE_CHECK_INTERVAL,
        System.getenv(),
        limits,
        !config.caBundleReplacesSystem());
  }

  private static LeaderElector.Settings leaderElection(
      OperatorConfig config, KubeConfig kubeConfig) {
    if (!config.leaderElect()) {
      return null;
    }
    String namespace =
        config.leaderElectionNamespace().isBlank()
            ? kubeConfig.namespace().orElse("default")
            : config.leaderElectionNamespace();
    String identity = KubeEventRecorder.localHostname() + "_" + UUID.randomUUID();
    return new LeaderElector.Settings(
        namespace,
        config.leaderElectionId(),
        identity,
        config.leaseDuration(),
        config.renewDeadline(),
        config.retryPeriod());
  }

  private static void shutDown(
      ImageSyncOperator operator,
      HealthServer health,
      MetricsServer metricsServer,
      CountDownLatch stopped) {
    LOG.info("operator_stopping");
    health.close();
    if (metricsServer != null) {
      metricsServer.close();
    }
    try {
      operator.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stopped.countDown();
    LOG.info("operator_stopped");
  }
}
