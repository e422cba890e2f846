package io.portager.kube;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.testenv.MutationFuzzer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fuzzes the kubeconfig loader with mutations of valid files. */
class KubeconfigFuzzTest {
  @TempDir Path dir;

  @Test
  void kubeconfigLoaderRejectsOnlyWithKubeConfigException() throws Exception {
    TestPki pki = new TestPki(dir);
    Path key = pki.pkcs8Key("client", "EC");
    String certificate = TestPki.base64(pki.selfSignedCertificate("client", key));
    String ca = certificate;
    List<String> samples =
        List.of(
            kubeconfig(
                "server: https://127.0.0.1:6443, certificate-authority-data: " + ca, "token: abc"),
            kubeconfig(
                "server: https://127.0.0.1:6443/, insecure-skip-tls-verify: true",
                "username: admin, password: s3cret"),
            kubeconfig(
                "server: \"https://[::1]:6443\", certificate-authority-data: " + ca,
                "client-certificate-data: "
                    + certificate
                    + ", client-key-data: "
                    + TestPki.base64(key)));
    Path file = dir.resolve("kubeconfig");

    MutationFuzzer.Result result =
        MutationFuzzer.fromSystemProperties()
            .run(
                "kubeconfig",
                samples,
                List.of(
                    ": ",
                    "{",
                    "}",
                    "[",
                    "]",
                    "- ",
                    "\n",
                    "&a",
                    "*a",
                    "!!binary ",
                    "~",
                    "current-context",
                    "https://",
                    "certificate-authority-data: "),
                input -> load(file, input),
                KubeConfigException.class);

    assertTrue(result.accepted() >= samples.size(), result.toString());
  }

  private static void load(Path file, String input) {
    try {
      Files.write(file, MutationFuzzer.utf8(input));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    KubeconfigLoader.load(file, Clock.systemUTC());
  }

  private static String kubeconfig(String cluster, String user) {
    return "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
        + "clusters: [{name: k, cluster: {"
        + cluster
        + "}}]\n"
        + "users: [{name: u, user: {"
        + user
        + "}}]\n"
        + "contexts: [{name: c, context: {cluster: k, user: u, namespace: ns}}]\n";
  }
}
