package io.portager.kube;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Connection settings for one API server: the server URL, the SSLContext (trusted CAs and an
 * optional client certificate) and the credentials behind the Authorization header. Built from a
 * kubeconfig file or from the in-cluster service account. {@code toString} shows no secrets.
 */
public final class KubeConfig {
  /** The service account directory that the kubelet mounts into every pod by default. */
  static final Path SERVICE_ACCOUNT_DIR = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

  private final URI server;
  private final SSLContext sslContext;
  private final Credentials credentials;
  private final String namespace;
  private final String source;

  KubeConfig(
      URI server, SSLContext sslContext, Credentials credentials, String namespace, String source) {
    this.server = server;
    this.sslContext = sslContext;
    this.credentials = credentials;
    this.namespace = namespace;
    this.source = source;
  }

  /**
   * Loads the configuration the way the operator starts: the kubeconfig at {@code explicitPath}
   * when it is given, else the in-cluster service account when {@code KUBERNETES_SERVICE_HOST},
   * {@code KUBERNETES_SERVICE_PORT} and the token file exist, else the first existing file in
   * {@code $KUBECONFIG} (a ':'-separated list), else {@code ~/.kube/config}.
   *
   * @throws KubeConfigException when no configuration is found or the one found is invalid
   */
  public static KubeConfig load(String explicitPath) {
    return load(
        explicitPath,
        System.getenv(),
        Path.of(System.getProperty("user.home")),
        SERVICE_ACCOUNT_DIR,
        Clock.systemUTC());
  }

  static KubeConfig load(
      String explicitPath,
      Map<String, String> env,
      Path home,
      Path serviceAccountDir,
      Clock clock) {
    if (explicitPath != null && !explicitPath.isBlank()) {
      return KubeconfigLoader.load(Path.of(explicitPath), clock);
    }
    if (InClusterLoader.isAvailable(env, serviceAccountDir)) {
      return InClusterLoader.load(env, serviceAccountDir, clock);
    }
    List<Path> candidates = KubeconfigLoader.candidates(env, home);
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate)) {
        return KubeconfigLoader.load(candidate, clock);
      }
    }
    throw new KubeConfigException(
        "find Kubernetes configuration: not running in a cluster and no kubeconfig among "
            + candidates
            + "; set KUBECONFIG or pass the kubeconfig path explicitly");
  }

  /** Reads the kubeconfig at {@code file} and uses its current context. */
  public static KubeConfig fromKubeconfig(Path file) {
    return KubeconfigLoader.load(file, Clock.systemUTC());
  }

  /** Reads the service account that the kubelet mounts into the pod. */
  public static KubeConfig inCluster() {
    return InClusterLoader.load(System.getenv(), SERVICE_ACCOUNT_DIR, Clock.systemUTC());
  }

  /**
   * Builds a configuration from parts, for tools and tests that start their own API server. A null
   * {@code sslContext} uses the JDK's default trust store, and a null {@code bearerToken} sends no
   * Authorization header.
   */
  public static KubeConfig of(URI server, SSLContext sslContext, String bearerToken) {
    Credentials credentials =
        bearerToken == null ? new Credentials.None() : new Credentials.StaticToken(bearerToken);
    return new KubeConfig(server, sslContext, credentials, null, "explicit configuration");
  }

  /** The API server base URL, such as {@code https://10.0.0.1:443}, without a trailing slash. */
  public URI server() {
    return server;
  }

  public SSLContext sslContext() {
    return sslContext;
  }

  /** Returns the namespace from the kubeconfig context or the pod's service account, if any. */
  public Optional<String> namespace() {
    return Optional.ofNullable(namespace);
  }

  /**
   * Returns the current Authorization header value, reading a rotated token file if needed, or
   * empty when requests authenticate by client certificate or not at all.
   */
  public Optional<String> authorization() {
    return credentials.authorization();
  }

  /** Makes the next {@link #authorization} call re-read a token file; call it after a 401. */
  public void invalidateCredentials() {
    credentials.invalidate();
  }

  @Override
  public String toString() {
    return "KubeConfig[server="
        + server
        + ", source="
        + source
        + ", credentials="
        + credentials
        + "]";
  }
}
