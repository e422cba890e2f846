package io.portager.testenv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A kube-apiserver on 127.0.0.1 backed by an {@link Etcd}, with RBAC authorization and client
 * certificate authentication. It runs no controllers: nothing schedules pods or garbage-collects
 * objects.
 *
 * <p>The apiserver writes a self-signed serving certificate to {@code <run>/apiserver/certs}
 * ({@code apiserver.crt}, which may hold the certificate and its signing CA) on first start, and
 * reuses it on {@link #restart()}, which also keeps the port.
 */
public final class KubeApiServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

  private final Path binary;
  private final Etcd etcd;
  private final Path directory;
  private final Path certDirectory;
  private final Path logFile;
  private final int port;
  private ChildProcess process;
  private volatile HttpClient httpClient;
  private Duration lastStartDuration = Duration.ZERO;

  private final List<String> extraFlags;

  private KubeApiServer(RunDirectory run, Etcd etcd, List<String> extraFlags) {
    this.extraFlags = List.copyOf(extraFlags);
    this.binary = Tools.find("kube-apiserver");
    this.etcd = etcd;
    this.directory = run.directory("apiserver");
    this.certDirectory = run.directory("apiserver/certs");
    this.logFile = run.logFile("kube-apiserver");
    this.port = Ports.free();
    generateCredentials();
  }

  /** Generates the client CA, admin certificate and service account key, then starts. */
  public static KubeApiServer start(RunDirectory run, Etcd etcd) {
    return start(run, etcd, List.of());
  }

  /** Starts as above with {@code extraFlags} after the usual flags. */
  public static KubeApiServer start(RunDirectory run, Etcd etcd, List<String> extraFlags) {
    KubeApiServer apiServer = new KubeApiServer(run, etcd, extraFlags);
    apiServer.startProcess();
    return apiServer;
  }

  /** Returns {@code https://127.0.0.1:<port>}. */
  public String url() {
    return "https://127.0.0.1:" + port;
  }

  /** Returns the PEM file with the serving certificate chain that clients must trust. */
  public Path servingCertificate() {
    return certDirectory.resolve("apiserver.crt");
  }

  /** Returns the admin client certificate (CN=admin, O=system:masters). */
  public Path adminCertificate() {
    return directory.resolve("admin.crt");
  }

  public Path adminKey() {
    return directory.resolve("admin.key");
  }

  public Path clientCaCertificate() {
    return directory.resolve("client-ca.crt");
  }

  /** Returns how long the latest start took, until {@code /readyz} returned 200. */
  public Duration lastStartDuration() {
    return lastStartDuration;
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Returns an HTTP client that trusts the serving certificate and presents the admin client
   * certificate.
   */
  public HttpClient httpClient() {
    if (httpClient == null) {
      httpClient =
          HttpClient.newBuilder()
              .sslContext(sslContext())
              .connectTimeout(Duration.ofSeconds(2))
              .build();
    }
    return httpClient;
  }

  public void stop() {
    if (process != null) {
      process.stop();
    }
  }

  /** Stops the apiserver if it runs and starts it again with the same port and certificates. */
  public void restart() {
    stop();
    startProcess();
  }

  @Override
  public void close() {
    stop();
  }

  private void generateCredentials() {
    Path caKey = directory.resolve("client-ca.key");
    Certificates.generateRsaKey(caKey);
    Certificates.selfSign(caKey, clientCaCertificate(), "portager-test-client-ca");
    Certificates.issueClientCertificate(
        clientCaCertificate(), caKey, "/O=system:masters/CN=admin", adminKey(), adminCertificate());
    Certificates.generateRsaKey(directory.resolve("service-account.key"));
    Certificates.writePublicKey(
        directory.resolve("service-account.key"), directory.resolve("service-account.pub"));
  }

  private void startProcess() {
    long started = System.nanoTime();
    // --advertise-address is required: with a loopback bind address and no default route the
    // apiserver otherwise fails to pick an address to advertise. The ServiceAccount admission
    // plugin is disabled because no controller creates the default service accounts.
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--advertise-address=127.0.0.1",
                "--bind-address=127.0.0.1",
                "--secure-port=" + port,
                "--etcd-servers=" + etcd.clientUrl(),
                "--cert-dir=" + certDirectory,
                "--service-cluster-ip-range=10.0.0.0/24",
                "--allow-privileged=true",
                "--authorization-mode=RBAC",
                "--disable-admission-plugins=ServiceAccount",
                "--client-ca-file=" + clientCaCertificate(),
                "--service-account-issuer=" + url() + "/",
                "--service-account-key-file=" + directory.resolve("service-account.pub"),
                "--service-account-signing-key-file=" + directory.resolve("service-account.key")));
    command.addAll(extraFlags);
    process = ChildProcess.start("kube-apiserver", command, Map.of(), logFile);
    URI readyz = URI.create(url() + "/readyz");
    process.awaitReady("GET " + readyz + " returned 200", START_TIMEOUT, () -> isReady(readyz));
    lastStartDuration = Duration.ofNanos(System.nanoTime() - started);
  }

  /**
   * Returns whether {@code /readyz} returns 200. A serving certificate that the apiserver is still
   * writing fails to parse, which counts as not ready yet.
   */
  private boolean isReady(URI readyz) {
    if (!Files.exists(servingCertificate())) {
      return false;
    }
    try {
      return Http.status(httpClient(), readyz) == 200;
    } catch (IllegalStateException | UncheckedIOException e) {
      httpClient = null;
      return false;
    }
  }

  private SSLContext sslContext() {
    try {
      KeyStore trustStore = KeyStore.getInstance("PKCS12");
      trustStore.load(null, null);
      List<X509Certificate> serving = Certificates.readCertificates(servingCertificate());
      for (int i = 0; i < serving.size(); i++) {
        trustStore.setCertificateEntry("serving-" + i, serving.get(i));
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trustStore);

      char[] password = new char[0];
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(null, null);
      X509Certificate[] chain =
          Certificates.readCertificates(adminCertificate()).toArray(X509Certificate[]::new);
      keyStore.setKeyEntry("admin", Certificates.readRsaPrivateKey(adminKey()), password, chain);
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(keyStore, password);

      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException("load apiserver certificates", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("build TLS context for " + url() + ": " + e.getMessage(), e);
    }
  }
}
