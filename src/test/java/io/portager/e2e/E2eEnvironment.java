package io.portager.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portager.CloudMethods;
import io.portager.cloud.LoopbackHttpClient;
import io.portager.cloud.aws.Ecr;
import io.portager.cloud.aws.FakeAws;
import io.portager.cloud.azure.FakeAzure;
import io.portager.cloud.gcp.FakeGoogle;
import io.portager.imagesync.ImageSyncOperator;
import io.portager.kube.HttpKubeClient;
import io.portager.kube.KubeConfig;
import io.portager.kube.KubeEventRecorder;
import io.portager.log.Log;
import io.portager.metrics.MetricsServer;
import io.portager.metrics.OperatorMetrics;
import io.portager.registry.Registries;
import io.portager.registry.RegistrySettings;
import io.portager.testenv.ControlPlane;
import io.portager.testenv.Crane;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.RegistryAuth;
import io.portager.testenv.RegistryCredentials;
import io.portager.testenv.RunDirectory;
import io.portager.testenv.Skopeo;
import io.portager.testenv.TokenServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The real components of the end-to-end suite, started once per test JVM: etcd and kube-apiserver
 * with the ImageSync CRD, a distribution 2.8 registry behind Bearer token auth, a distribution v3
 * registry behind basic auth, fake STS and ECR APIs, and the operator running in this JVM against
 * them with auth method ecr registered. Everything listens on 127.0.0.1 and stops when the JVM
 * exits.
 */
final class E2eEnvironment {
  static final String TOKEN_USER = "token-user";
  static final String BASIC_USER = "basic-user";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static E2eEnvironment instance;

  final RunDirectory run;
  final ControlPlane controlPlane;
  final TokenServer tokenServer;
  final OciRegistry tokenRegistry;
  final OciRegistry basicRegistry;
  final RegistryCredentials tokenCredentials;
  final RegistryCredentials basicCredentials;
  final Skopeo skopeo;
  final Crane crane;
  final Path operatorLog;
  final PrometheusRegistry metricsRegistry = new PrometheusRegistry();
  MetricsServer metricsServer;

  /** STS and ECR on loopback; the operator's {@code ecr} method talks to nothing else. */
  final FakeAws aws;

  /** The metadata server of the operator's {@code gar} method. */
  final FakeGoogle google;

  /** Entra ID and the ACR token exchange of the operator's {@code acr} method. */
  final FakeAzure azure;

  private final Ecr ecr;
  private final ImageSyncOperator operator;

  private E2eEnvironment() {
    try {
      aws = new FakeAws();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ecr =
        new Ecr(
            new Ecr.Settings(
                aws.endpoint(),
                aws.endpoint(),
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create("AKIDE2E", "e2e-secret-key")),
                Clock.systemUTC(),
                Duration.ofMinutes(15)));
    google = new FakeGoogle(Clock.systemUTC());
    azure = new FakeAzure(Clock.systemUTC());
    run = RunDirectory.create("e2e");
    tokenCredentials = RegistryCredentials.of(TOKEN_USER, "tk-" + UUID.randomUUID());
    basicCredentials = RegistryCredentials.of(BASIC_USER, "bs-" + UUID.randomUUID());
    controlPlane = ControlPlane.start(run);
    tokenServer =
        TokenServer.start(
            run,
            "token-server",
            Map.of(TOKEN_USER, tokenCredentials.password()),
            Duration.ofMinutes(5));
    tokenRegistry =
        OciRegistry.start(
            run,
            "token-registry",
            OciRegistry.Implementation.DISTRIBUTION_2,
            RegistryAuth.token(tokenServer));
    basicRegistry =
        OciRegistry.start(
            run,
            "basic-registry",
            OciRegistry.Implementation.DISTRIBUTION_3,
            RegistryAuth.htpasswd(Map.of(BASIC_USER, basicCredentials.password())));
    skopeo = Skopeo.create(run);
    crane = Crane.create(run);
    installCrd();
    operatorLog = run.logFile("operator");
    operator = startOperator();
  }

  /** Returns the shared environment, starting it on first use. */
  static synchronized E2eEnvironment get() {
    if (instance == null) {
      instance = new E2eEnvironment();
      Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "e2e-stop"));
    }
    return instance;
  }

  private void installCrd() {
    controlPlane.installCrd();
  }

  private ImageSyncOperator startOperator() {
    try {
      PrintStream log = new PrintStream(new FileOutputStream(operatorLog.toFile(), true), true);
      Log.configure(Log.Format.LOGFMT, Log.Level.DEBUG, log, Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HttpKubeClient kube = new HttpKubeClient(KubeConfig.load(controlPlane.kubeconfig().toString()));
    OperatorMetrics metrics = OperatorMetrics.withJvmMetrics(metricsRegistry);
    Registries registries = new Registries(Clock.systemUTC(), RegistrySettings.defaults(), metrics);
    ImageSyncOperator started =
        new ImageSyncOperator(
            kube,
            new KubeEventRecorder(kube, Clock.systemUTC(), "e2e"),
            registries,
            new ImageSyncOperator.Settings(java.util.List.of(), 2, 4, false, null),
            Clock.systemUTC(),
            metrics,
            CloudMethods.identities(
                ecr,
                cloudEnvironment(),
                LoopbackHttpClient.create(),
                Clock.systemUTC(),
                azure::exchangeUri));
    metrics.watchRegistries(registries);
    metricsServer =
        MetricsServer.start(new java.net.InetSocketAddress("127.0.0.1", 0), metricsRegistry);
    started.start();
    return started;
  }

  /**
   * Returns the environment of the operator's Google and Azure identities: the loopback fakes only,
   * never the test JVM's own variables, so no request can reach a real metadata server or Entra ID.
   */
  private Map<String, String> cloudEnvironment() {
    Path tokenFile = run.directory("azure-identity").resolve("azure-identity-token");
    try {
      Files.writeString(tokenFile, "federated-token-1");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of(
        "GCE_METADATA_HOST",
        google.host(),
        "AZURE_FEDERATED_TOKEN_FILE",
        tokenFile.toString(),
        "AZURE_CLIENT_ID",
        FakeAzure.CLIENT_ID,
        "AZURE_TENANT_ID",
        FakeAzure.TENANT,
        "AZURE_AUTHORITY_HOST",
        azure.authorityHost());
  }

  private void close() {
    metricsServer.close();
    try {
      operator.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ecr.close();
    aws.close();
    google.close();
    azure.close();
    for (AutoCloseable component :
        new AutoCloseable[] {basicRegistry, tokenRegistry, tokenServer, controlPlane}) {
      try {
        component.close();
      } catch (Exception e) {
        System.err.println("e2e: stopping " + component + " failed: " + e);
      }
    }
  }

  /** Creates a namespace, once. */
  void createNamespace(String namespace) {
    controlPlane.kubectlApply(
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
            + namespace
            + "\"}}");
  }

  /**
   * Creates a kubernetes.io/dockerconfigjson Secret for one registry through kubectl's stdin, so
   * the password never appears on a command line.
   */
  void createDockerConfigSecret(
      String namespace, String name, String registryHost, RegistryCredentials credentials) {
    String auth =
        Base64.getEncoder()
            .encodeToString(credentials.colonForm().getBytes(StandardCharsets.UTF_8));
    ObjectNode entry = JSON.createObjectNode().put("auth", auth);
    ObjectNode config = JSON.createObjectNode();
    config.putObject("auths").set(registryHost, entry);
    ObjectNode secret = JSON.createObjectNode();
    secret
        .put("apiVersion", "v1")
        .put("kind", "Secret")
        .put("type", "kubernetes.io/dockerconfigjson");
    secret.putObject("metadata").put("name", name).put("namespace", namespace);
    secret
        .putObject("data")
        .put(
            ".dockerconfigjson",
            Base64.getEncoder().encodeToString(config.toString().getBytes(StandardCharsets.UTF_8)));
    controlPlane.kubectlApply(secret.toString());
  }

  /** Reads an object with kubectl as JSON. */
  JsonNode getJson(String namespace, String resource, String name) {
    String output = controlPlane.kubectl("get", resource, name, "-n", namespace, "-o", "json");
    try {
      return JSON.readTree(output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Polls the ImageSync until {@code condition} holds, failing with its last state otherwise. */
  JsonNode awaitImageSync(
      String namespace, String name, Duration timeout, String what, Predicate<JsonNode> condition)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      last = getJson(namespace, "imagesync", name);
      if (condition.test(last)) {
        return last;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "imagesync "
            + namespace
            + "/"
            + name
            + " did not reach \""
            + what
            + "\" within "
            + timeout
            + "; last state: "
            + (last == null ? "none" : last.path("status").toPrettyString())
            + "\noperator log: "
            + operatorLog);
  }

  /** Returns the Ready condition, or a missing node. */
  static JsonNode condition(JsonNode imageSync, String type) {
    for (JsonNode condition : imageSync.path("status").path("conditions")) {
      if (type.equals(condition.path("type").asText())) {
        return condition;
      }
    }
    return JSON.missingNode();
  }

  /** True when Ready has this status and the status describes the current generation. */
  static boolean readyIs(JsonNode imageSync, String status) {
    long generation = imageSync.path("metadata").path("generation").asLong();
    return condition(imageSync, "Ready").path("status").asText().equals(status)
        && imageSync.path("status").path("observedGeneration").asLong() == generation
        && condition(imageSync, "Syncing").path("status").asText().equals("False");
  }

  /** Returns the Events about one object, as kubectl describe finds them. */
  JsonNode events(String namespace, String name) {
    String output =
        controlPlane.kubectl(
            "get",
            "events",
            "-n",
            namespace,
            "--field-selector",
            "involvedObject.kind=ImageSync,involvedObject.name=" + name,
            "-o",
            "json");
    try {
      return JSON.readTree(output).path("items");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String operatorLogText() {
    try {
      return Files.readString(operatorLog);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
