package io.portager.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KubeconfigLoaderTest {
  private static final String SERVER = "https://127.0.0.1:6443";

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "token | {token: abc123} | Bearer abc123",
        "token wins over tokenFile | {token: abc123, tokenFile: missing-file} | Bearer abc123",
        "relative tokenFile | {tokenFile: secrets/token} | Bearer from-file",
        "username and password | {username: admin, password: s3cret} | Basic YWRtaW46czNjcmV0",
        "no credentials | {} | none",
      })
  void readsUserCredentials(String name, String user, String expected) throws Exception {
    Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(dir.resolve("secrets/token"), "from-file\n");
    Path file = write(kubeconfig("cluster: {server: " + SERVER + "}", "user: " + user));

    KubeConfig config = KubeconfigLoader.load(file, Clock.systemUTC());

    assertEquals(expected, config.authorization().orElse("none"));
    assertEquals(SERVER, config.server().toString());
  }

  @Test
  void readsNamespaceFromContext() throws Exception {
    Path file = write(kubeconfig("cluster: {server: " + SERVER + "/}", "user: {token: t}"));

    KubeConfig config = KubeconfigLoader.load(file, Clock.systemUTC());

    assertEquals(Optional.of("team-a"), config.namespace());
    assertEquals(SERVER, config.server().toString(), "trailing slash removed");
  }

  @Test
  void toStringOmitsSecrets() throws Exception {
    Path file = write(kubeconfig("cluster: {server: " + SERVER + "}", "user: {token: abc123}"));

    String text = KubeconfigLoader.load(file, Clock.systemUTC()).toString();

    assertFalse(text.contains("abc123"), text);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "missing current-context | current-context: '' | current-context is not set",
        "unknown context | current-context: nowhere | context \"nowhere\" (named by current-context) not found in contexts",
        "unknown cluster | cluster: other | cluster \"other\" (named by context dev) not found in clusters",
        "unknown user | user: other | user \"other\" (named by context dev) not found in users",
        "exec plugin | exec: {command: aws} | uses exec credentials, which portager does not support; use a token, tokenFile or client certificate instead",
        "auth provider | auth-provider: {name: gcp} | uses an auth-provider plugin",
        "missing server | server: '' | cluster \"dev\" has no server",
        "server not a URL | server: 'ftp://example' | must be an http(s)://host URL",
        "certificate without key | client-certificate-data: QUJD | needs both client-certificate and client-key",
        "password without username | password: abc123 | needs both username and password",
        "invalid base64 | certificate-authority-data: '!!!' | certificate-authority-data is not valid base64",
        "insecure with CA | insecure-skip-tls-verify: true | sets both insecure-skip-tls-verify and a certificate authority",
        "missing CA file | certificate-authority: nope.crt | read ",
        "proxy-url | proxy-url: 'http://127.0.0.1:3128' | sets proxy-url, which portager does not support",
        "tls-server-name | tls-server-name: kubernetes | sets tls-server-name, which portager does not support",
        "missing tokenFile | tokenFile: nope | read token file ",
      })
  void rejectsInvalidKubeconfig(String name, String change, String expected) throws Exception {
    Path file = write(broken(change));

    KubeConfigException error =
        assertThrows(
            KubeConfigException.class, () -> KubeconfigLoader.load(file, Clock.systemUTC()));

    assertTrue(error.getMessage().contains(expected), error.getMessage());
    assertTrue(
        error.getMessage().contains(file.toString()) || name.equals("missing tokenFile"),
        error.getMessage());
    assertFalse(
        error.getMessage().contains("abc123"), "message leaks a secret: " + error.getMessage());
  }

  @Test
  void rejectsInvalidYamlWithoutEchoingIt() throws Exception {
    Path file = write("users: [token: abc123\n  : : :\n");

    KubeConfigException error =
        assertThrows(
            KubeConfigException.class, () -> KubeconfigLoader.load(file, Clock.systemUTC()));

    assertTrue(error.getMessage().contains("invalid YAML"), error.getMessage());
    assertFalse(error.getMessage().contains("abc123"), error.getMessage());
  }

  @ParameterizedTest(name = "{0} key, {1}")
  @CsvSource({
    "pkcs1, data",
    "sec1, data",
    "pkcs8, data",
    "pkcs1, relative files",
    "sec1, relative files",
  })
  void authenticatesWithClientCertificate(String keyKind, String form) throws Exception {
    TestPki pki = new TestPki(dir);
    Path serverKey = pki.rsaPkcs1Key("server");
    Path serverCert = pki.selfSignedCertificate("server", serverKey);
    Path otherCa = pki.selfSignedCertificate("other-ca", pki.ecSec1Key("other-ca"));
    Path clientKey = clientKey(pki, keyKind);
    Path clientCert = pki.selfSignedCertificate("client", clientKey);

    // The server's own certificate is the second one in the bundle, so both must be trusted.
    String caBundle = Files.readString(otherCa) + Files.readString(serverCert);
    String caData =
        Base64.getEncoder().encodeToString(caBundle.getBytes(StandardCharsets.US_ASCII));
    String user =
        form.equals("data")
            ? "user: {client-certificate-data: "
                + TestPki.base64(clientCert)
                + ", client-key-data: "
                + TestPki.base64(clientKey)
                + "}"
            : "user: {client-certificate: "
                + clientCert.getFileName()
                + ", client-key: "
                + clientKey.getFileName()
                + "}";

    try (MutualTlsServer server = new MutualTlsServer(serverKey, serverCert, clientCert)) {
      String cluster =
          "cluster: {server: 'https://127.0.0.1:"
              + server.port()
              + "', certificate-authority-data: "
              + caData
              + "}";
      KubeConfig config =
          KubeconfigLoader.load(write(kubeconfig(cluster, user)), Clock.systemUTC());

      Optional<?> namespace =
          new HttpKubeClient(config).get(ApiResource.NAMESPACES, null, "default");

      assertTrue(namespace.isPresent());
      assertEquals("CN=client", server.clientSubjects().get(0));
    }
  }

  @Test
  void insecureSkipsServerVerification() throws Exception {
    TestPki pki = new TestPki(dir);
    Path serverKey = pki.rsaPkcs1Key("server");
    Path serverCert = pki.selfSignedCertificate("server", serverKey);

    try (MutualTlsServer server = new MutualTlsServer(serverKey, serverCert, null)) {
      String cluster =
          "cluster: {server: 'https://127.0.0.1:"
              + server.port()
              + "', insecure-skip-tls-verify: true}";
      KubeConfig config =
          KubeconfigLoader.load(write(kubeconfig(cluster, "user: {token: t}")), Clock.systemUTC());

      assertTrue(
          new HttpKubeClient(config).get(ApiResource.NAMESPACES, null, "default").isPresent());
    }
  }

  @Test
  void untrustedServerFails() throws Exception {
    TestPki pki = new TestPki(dir);
    Path serverKey = pki.rsaPkcs1Key("server");
    Path serverCert = pki.selfSignedCertificate("server", serverKey);
    Path otherCa = pki.selfSignedCertificate("other-ca", pki.rsaPkcs1Key("other-ca"));

    try (MutualTlsServer server = new MutualTlsServer(serverKey, serverCert, null)) {
      String cluster =
          "cluster: {server: 'https://127.0.0.1:"
              + server.port()
              + "', certificate-authority: other-ca.crt}";
      KubeConfig config =
          KubeconfigLoader.load(write(kubeconfig(cluster, "user: {token: t}")), Clock.systemUTC());
      HttpKubeClient client = new HttpKubeClient(config);

      KubeApiException error =
          assertThrows(
              KubeApiException.class, () -> client.get(ApiResource.NAMESPACES, null, "default"));

      assertEquals(0, error.code());
      assertTrue(Files.exists(otherCa));
    }
  }

  @Test
  void candidatesFollowKubeconfigVariable() {
    Path home = Path.of("/home/someone");

    assertEquals(
        List.of(Path.of("/a/config"), Path.of("/b/config")),
        KubeconfigLoader.candidates(java.util.Map.of("KUBECONFIG", "/a/config::/b/config"), home));
    assertEquals(
        List.of(home.resolve(".kube/config")),
        KubeconfigLoader.candidates(java.util.Map.of(), home));
  }

  private static Path clientKey(TestPki pki, String kind) throws Exception {
    return switch (kind) {
      case "pkcs1" -> pki.rsaPkcs1Key("client");
      case "sec1" -> pki.ecSec1Key("client");
      default -> pki.pkcs8Key("client", "EC");
    };
  }

  /** Returns a valid kubeconfig with {@code change} applied: one field replaced or added. */
  private static String broken(String change) {
    String key = change.substring(0, change.indexOf(':'));
    String cluster = "cluster: {server: " + SERVER + "}";
    String user = "user: {token: abc123}";
    switch (key) {
      case "current-context":
        return kubeconfig(cluster, user).replace("current-context: dev", change);
      case "cluster", "user":
        return kubeconfig(cluster, user).replace("    " + key + ": dev\n", "    " + change + "\n");
      case "server":
        return kubeconfig("cluster: {" + change + "}", user);
      case "certificate-authority-data", "certificate-authority", "proxy-url", "tls-server-name":
        return kubeconfig("cluster: {server: " + SERVER + ", " + change + "}", user);
      case "insecure-skip-tls-verify":
        return kubeconfig(
            "cluster: {server: " + SERVER + ", certificate-authority-data: QUJD, " + change + "}",
            user);
      default:
        return kubeconfig(cluster, "user: {" + change + "}");
    }
  }

  private static String kubeconfig(String cluster, String user) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "current-context: dev",
        "contexts:",
        "- name: dev",
        "  context:",
        "    cluster: dev",
        "    user: dev",
        "    namespace: team-a",
        "clusters:",
        "- name: dev",
        "  " + cluster,
        "users:",
        "- name: dev",
        "  " + user,
        "");
  }

  private Path write(String content) throws Exception {
    Path file = dir.resolve("kubeconfig");
    Files.writeString(file, content);
    return file;
  }

  /** An HTTPS server on 127.0.0.1 that requires a client certificate when one is given. */
  private static final class MutualTlsServer implements AutoCloseable {
    private final HttpsServer server;
    private final List<String> clientSubjects = new ArrayList<>();

    MutualTlsServer(Path key, Path certificate, Path trustedClient) throws Exception {
      PrivateKey serverKey = Pem.privateKey(Files.readAllBytes(key), "server key");
      List<X509Certificate> chain = Pem.certificates(Files.readAllBytes(certificate), "server");
      List<X509Certificate> trusted =
          trustedClient == null
              ? List.of(chain.get(0))
              : Pem.certificates(Files.readAllBytes(trustedClient), "client");
      SSLContext context = TlsContexts.build(trusted, false, serverKey, chain, "test server");
      server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setHttpsConfigurator(
          new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
              SSLParameters parameters = context.getDefaultSSLParameters();
              parameters.setNeedClientAuth(trustedClient != null);
              params.setSSLParameters(parameters);
            }
          });
      server.createContext(
          "/",
          exchange -> {
            try (exchange) {
              if (trustedClient != null) {
                X509Certificate peer =
                    (X509Certificate)
                        ((com.sun.net.httpserver.HttpsExchange) exchange)
                            .getSSLSession()
                            .getPeerCertificates()[0];
                synchronized (clientSubjects) {
                  clientSubjects.add(peer.getSubjectX500Principal().getName());
                }
              }
              byte[] body =
                  "{\"kind\":\"Namespace\",\"metadata\":{\"name\":\"default\"}}"
                      .getBytes(StandardCharsets.UTF_8);
              exchange.sendResponseHeaders(200, body.length);
              exchange.getResponseBody().write(body);
            }
          });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    List<String> clientSubjects() {
      synchronized (clientSubjects) {
        return List.copyOf(clientSubjects);
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
