package io.portager.kube;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Builds a {@link KubeConfig} from what the kubelet gives every pod: the {@code
 * KUBERNETES_SERVICE_HOST} and {@code KUBERNETES_SERVICE_PORT} variables and the service account
 * directory with {@code token}, {@code ca.crt} and {@code namespace}.
 */
final class InClusterLoader {
  static final String HOST_VARIABLE = "KUBERNETES_SERVICE_HOST";
  static final String PORT_VARIABLE = "KUBERNETES_SERVICE_PORT";

  private InClusterLoader() {}

  static boolean isAvailable(Map<String, String> env, Path serviceAccountDir) {
    return !isBlank(env.get(HOST_VARIABLE))
        && !isBlank(env.get(PORT_VARIABLE))
        && Files.isRegularFile(serviceAccountDir.resolve("token"));
  }

  static KubeConfig load(Map<String, String> env, Path serviceAccountDir, Clock clock) {
    URI server = server(env.get(HOST_VARIABLE), env.get(PORT_VARIABLE));
    Path caFile = serviceAccountDir.resolve("ca.crt");
    String source = "in-cluster service account " + serviceAccountDir;
    var trusted = Pem.certificates(readFile(caFile), "in-cluster CA file " + caFile);
    var sslContext = TlsContexts.build(trusted, false, null, null, source);

    // Read the token once now, so a missing or empty token fails at startup, not per request.
    TokenFile token = new TokenFile(serviceAccountDir.resolve("token"), clock);
    token.token();

    return new KubeConfig(
        server,
        sslContext,
        new Credentials.TokenFromFile(token),
        namespace(serviceAccountDir),
        source);
  }

  static URI server(String host, String port) {
    if (isBlank(host) || isBlank(port)) {
      throw new KubeConfigException(
          "load in-cluster configuration: "
              + HOST_VARIABLE
              + " and "
              + PORT_VARIABLE
              + " must both be set; run inside a pod or use a kubeconfig");
    }
    // An IPv6 address needs brackets in a URL, as net.JoinHostPort adds them in Go.
    String authority = host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    try {
      return URI.create("https://" + authority);
    } catch (IllegalArgumentException e) {
      throw new KubeConfigException(
          "load in-cluster configuration: invalid API server address "
              + authority
              + " from "
              + HOST_VARIABLE
              + " and "
              + PORT_VARIABLE,
          e);
    }
  }

  private static String namespace(Path serviceAccountDir) {
    Path file = serviceAccountDir.resolve("namespace");
    if (!Files.isRegularFile(file)) {
      return null;
    }
    String namespace = new String(readFile(file), StandardCharsets.UTF_8).strip();
    return namespace.isEmpty() ? null : namespace;
  }

  private static byte[] readFile(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new KubeConfigException(
          "load in-cluster configuration: read " + file + ": " + e + "; check the pod's mounts", e);
    }
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
