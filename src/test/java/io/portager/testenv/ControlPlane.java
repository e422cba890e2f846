package io.portager.testenv;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * etcd plus kube-apiserver, a kubeconfig for the admin user at {@code <run>/kubeconfig}, and
 * kubectl bound to that kubeconfig.
 */
public final class ControlPlane implements AutoCloseable {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Etcd etcd;
  private final KubeApiServer apiServer;
  private final Path kubeconfig;
  private final Path kubectl;

  private ControlPlane(Etcd etcd, KubeApiServer apiServer, Path kubeconfig, Path kubectl) {
    this.etcd = etcd;
    this.apiServer = apiServer;
    this.kubeconfig = kubeconfig;
    this.kubectl = kubectl;
  }

  /**
   * Starts etcd and kube-apiserver, writes the kubeconfig and checks that {@code kubectl get ns
   * default} works. Stops whatever it started if a step fails.
   */
  public static ControlPlane start(RunDirectory run) {
    return start(run, List.of());
  }

  /** Starts as above, passing {@code apiServerFlags} to kube-apiserver after its usual flags. */
  public static ControlPlane start(RunDirectory run, List<String> apiServerFlags) {
    Path kubectl = Tools.find("kubectl");
    Etcd etcd = Etcd.start(run);
    KubeApiServer apiServer = null;
    try {
      apiServer = KubeApiServer.start(run, etcd, apiServerFlags);
      Path kubeconfig = run.path().resolve("kubeconfig");
      writeKubeconfig(apiServer, kubeconfig);
      ControlPlane controlPlane = new ControlPlane(etcd, apiServer, kubeconfig, kubectl);
      controlPlane.kubectl("get", "namespace", "default");
      return controlPlane;
    } catch (RuntimeException e) {
      if (apiServer != null) {
        apiServer.close();
      }
      etcd.close();
      throw e;
    }
  }

  public Etcd etcd() {
    return etcd;
  }

  public KubeApiServer apiServer() {
    return apiServer;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  /**
   * Writes a copy of the kubeconfig whose server is {@code https://<host>} instead of the
   * apiserver, for a proxy in front of it, and returns its path. The apiserver's certificate is
   * valid for 127.0.0.1 on any port.
   */
  public Path kubeconfigThrough(String host, Path file) {
    try {
      String text = Files.readString(kubeconfig);
      Files.writeString(file, text.replace(apiServer.url(), "https://" + host));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("write kubeconfig " + file, e);
    }
  }

  /** Runs kubectl with this control plane's kubeconfig and returns stdout. */
  public String kubectl(String... arguments) {
    return Tools.run(kubectlCommand(arguments)).stdout();
  }

  /** Runs kubectl and returns the result whatever the exit code, for tests that expect errors. */
  public CommandResult kubectlResult(String... arguments) {
    return Tools.execute(kubectlCommand(arguments));
  }

  /**
   * Applies the ImageSync CRD from the {@code crd} folder of the working directory, the repository
   * root under Maven, and waits until the API server serves it.
   */
  public void installCrd() {
    kubectl("apply", "-f", Path.of("crd").toAbsolutePath().toString());
    kubectl(
        "wait",
        "--for",
        "condition=Established",
        "--timeout=60s",
        "crd/imagesyncs.portager.portager.io");
  }

  /** Runs {@code kubectl apply -f -} with {@code yaml} on stdin and returns stdout. */
  public String kubectlApply(String yaml) {
    return Tools.run(kubectlCommand("apply", "-f", "-").withStdin(yaml)).stdout();
  }

  @Override
  public void close() {
    apiServer.close();
    etcd.close();
  }

  private Command kubectlCommand(String... arguments) {
    return Command.of(kubectl, "--kubeconfig", kubeconfig.toString())
        .withArguments(arguments)
        .withTimeout(Duration.ofSeconds(60));
  }

  private static void writeKubeconfig(KubeApiServer apiServer, Path file) {
    Map<String, Object> cluster = new LinkedHashMap<>();
    cluster.put("server", apiServer.url());
    cluster.put("certificate-authority-data", base64(apiServer.servingCertificate()));
    Map<String, Object> user = new LinkedHashMap<>();
    user.put("client-certificate-data", base64(apiServer.adminCertificate()));
    user.put("client-key-data", base64(apiServer.adminKey()));
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("cluster", "testenv");
    context.put("user", "admin");
    context.put("namespace", "default");

    Map<String, Object> config = new LinkedHashMap<>();
    config.put("apiVersion", "v1");
    config.put("kind", "Config");
    config.put("clusters", List.of(Map.of("name", "testenv", "cluster", cluster)));
    config.put("users", List.of(Map.of("name", "admin", "user", user)));
    config.put("contexts", List.of(Map.of("name", "testenv", "context", context)));
    config.put("current-context", "testenv");
    try {
      YAML.writeValue(file.toFile(), config);
    } catch (IOException e) {
      throw new UncheckedIOException("write kubeconfig " + file, e);
    }
  }

  private static String base64(Path file) {
    try {
      return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("read " + file, e);
    }
  }
}
