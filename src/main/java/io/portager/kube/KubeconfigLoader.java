package io.portager.kube;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * Reads a kubeconfig file (clientcmd v1) and resolves its current context into a {@link
 * KubeConfig}. Supported: cluster {@code server}, {@code certificate-authority(-data)}, {@code
 * insecure-skip-tls-verify}; user {@code token}, {@code tokenFile}, {@code
 * client-certificate(-data)}, {@code client-key(-data)}, {@code username}/{@code password}.
 * Relative file paths resolve against the kubeconfig's directory, and {@code -data} fields win over
 * files.
 */
final class KubeconfigLoader {
  private static final YAMLMapper YAML = new YAMLMapper();

  private final Path file;
  private final Clock clock;

  private KubeconfigLoader(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  /** Returns the files to try in order: each entry of {@code $KUBECONFIG}, else the home one. */
  static List<Path> candidates(Map<String, String> env, Path home) {
    List<Path> paths = new ArrayList<>();
    String list = env.get("KUBECONFIG");
    if (list != null) {
      for (String entry : list.split(":")) {
        if (!entry.isBlank()) {
          paths.add(Path.of(entry));
        }
      }
    }
    if (paths.isEmpty()) {
      paths.add(home.resolve(".kube").resolve("config"));
    }
    return paths;
  }

  static KubeConfig load(Path file, Clock clock) {
    return new KubeconfigLoader(file, clock).load();
  }

  private KubeConfig load() {
    JsonNode root = parse();
    String contextName = text(root, "current-context");
    if (contextName == null) {
      throw invalid("current-context is not set; run 'kubectl config use-context NAME'");
    }
    JsonNode context = named(root, "contexts", "context", contextName, "current-context");
    String clusterName = text(context, "cluster");
    if (clusterName == null) {
      throw invalid("context \"" + contextName + "\" names no cluster");
    }
    JsonNode cluster = named(root, "clusters", "cluster", clusterName, "context " + contextName);
    String userName = text(context, "user");
    JsonNode user =
        userName == null
            ? YAML.createObjectNode()
            : named(root, "users", "user", userName, "context " + contextName);

    UserAuth auth = userAuth(userName, user);
    URI server = server(clusterName, cluster);
    SSLContext sslContext = sslContext(clusterName, cluster, auth);
    String source = "kubeconfig " + file + " context " + contextName;
    return new KubeConfig(
        server, sslContext, auth.credentials(), text(context, "namespace"), source);
  }

  /** Request credentials and an optional client certificate from a kubeconfig user. */
  private record UserAuth(
      Credentials credentials, PrivateKey clientKey, List<X509Certificate> clientChain) {}

  private JsonNode parse() {
    try {
      JsonNode root = YAML.readTree(Files.readAllBytes(file));
      if (root == null || !root.isObject()) {
        throw invalid("file is empty or not a YAML mapping");
      }
      return root;
    } catch (JacksonException e) {
      // Only the location is kept: the parser's message may quote file content, such as a token.
      throw invalid("invalid YAML near line " + e.getLocation().getLineNr() + "; fix the syntax");
    } catch (IOException e) {
      throw new KubeConfigException(
          "read kubeconfig " + file + ": " + e + "; check the path and its permissions", e);
    }
  }

  private URI server(String clusterName, JsonNode cluster) {
    for (String field : List.of("proxy-url", "tls-server-name")) {
      if (text(cluster, field) != null) {
        throw invalid(
            "cluster \""
                + clusterName
                + "\" sets "
                + field
                + ", which portager does not support; remove it and reach the server directly");
      }
    }
    String server = text(cluster, "server");
    if (server == null) {
      throw invalid("cluster \"" + clusterName + "\" has no server");
    }
    String trimmed = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    URI uri;
    try {
      uri = URI.create(trimmed);
    } catch (IllegalArgumentException e) {
      throw invalid("cluster \"" + clusterName + "\" server " + server + " is not a URL", e);
    }
    boolean httpScheme = "https".equals(uri.getScheme()) || "http".equals(uri.getScheme());
    if (!httpScheme || uri.getHost() == null) {
      throw invalid(
          "cluster \"" + clusterName + "\" server " + server + " must be an http(s)://host URL");
    }
    return uri;
  }

  private SSLContext sslContext(String clusterName, JsonNode cluster, UserAuth auth) {
    String field = "cluster \"" + clusterName + "\" certificate-authority";
    byte[] caPem = material(cluster, "certificate-authority-data", "certificate-authority", field);
    boolean insecure = cluster.path("insecure-skip-tls-verify").asBoolean(false);
    if (insecure && caPem != null) {
      throw invalid(
          "cluster \""
              + clusterName
              + "\" sets both insecure-skip-tls-verify and a certificate authority;"
              + " remove one of them");
    }
    List<X509Certificate> trusted = caPem == null ? null : Pem.certificates(caPem, where(field));
    return TlsContexts.build(
        trusted, insecure, auth.clientKey(), auth.clientChain(), "kubeconfig " + file);
  }

  private UserAuth userAuth(String userName, JsonNode user) {
    String label = "user \"" + userName + "\"";
    if (user.has("exec")) {
      throw invalid(
          label
              + " uses exec credentials, which portager does not support;"
              + " use a token, tokenFile or client certificate instead");
    }
    if (user.has("auth-provider")) {
      throw invalid(
          label
              + " uses an auth-provider plugin, which portager does not support;"
              + " use a token, tokenFile or client certificate instead");
    }
    PrivateKey key = null;
    List<X509Certificate> chain = null;
    byte[] certPem =
        material(
            user, "client-certificate-data", "client-certificate", label + " client-certificate");
    byte[] keyPem = material(user, "client-key-data", "client-key", label + " client-key");
    if ((certPem == null) != (keyPem == null)) {
      throw invalid(label + " needs both client-certificate and client-key, or neither");
    }
    if (certPem != null) {
      chain = Pem.certificates(certPem, where(label + " client-certificate"));
      key = Pem.privateKey(keyPem, where(label + " client-key"));
    }
    return new UserAuth(credentials(label, user), key, chain);
  }

  // Precedence follows client-go: token, then tokenFile, then username and password.
  private Credentials credentials(String label, JsonNode user) {
    String token = text(user, "token");
    if (token != null) {
      return new Credentials.StaticToken(token);
    }
    String tokenFile = text(user, "tokenFile");
    if (tokenFile != null) {
      TokenFile source = new TokenFile(resolve(tokenFile), clock);
      source.token();
      return new Credentials.TokenFromFile(source);
    }
    String username = text(user, "username");
    String password = text(user, "password");
    if (username != null || password != null) {
      if (username == null || password == null) {
        throw invalid(label + " needs both username and password, or neither");
      }
      return new Credentials.Basic(username, password);
    }
    return new Credentials.None();
  }

  /** Reads base64 {@code dataField} when set, else the file that {@code fileField} names. */
  private byte[] material(JsonNode node, String dataField, String fileField, String label) {
    String data = text(node, dataField);
    if (data != null) {
      try {
        return Base64.getDecoder().decode(data.replaceAll("\\s", ""));
      } catch (IllegalArgumentException e) {
        throw invalid(label + "-data is not valid base64");
      }
    }
    String path = text(node, fileField);
    if (path == null) {
      return null;
    }
    Path resolved = resolve(path);
    try {
      return Files.readAllBytes(resolved);
    } catch (IOException e) {
      throw invalid(label + ": read " + resolved + ": " + e, e);
    }
  }

  private Path resolve(String path) {
    Path configured = Path.of(path);
    Path directory = file.toAbsolutePath().getParent();
    return configured.isAbsolute() || directory == null
        ? configured
        : directory.resolve(configured);
  }

  /** Finds the entry called {@code name} in a list such as {@code contexts} and unwraps it. */
  private JsonNode named(JsonNode root, String list, String field, String name, String from) {
    for (JsonNode entry : root.path(list)) {
      if (name.equals(entry.path("name").asText(null))) {
        JsonNode value = entry.path(field);
        return value.isObject() ? value : YAML.createObjectNode();
      }
    }
    throw invalid(
        field
            + " \""
            + name
            + "\" (named by "
            + from
            + ") not found in "
            + list
            + "; check the names or run 'kubectl config get-contexts'");
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    String text = value.asText();
    return text.isEmpty() ? null : text;
  }

  private String where(String label) {
    return "kubeconfig " + file + ": " + label;
  }

  private KubeConfigException invalid(String problem) {
    return new KubeConfigException("load kubeconfig " + file + ": " + problem);
  }

  private KubeConfigException invalid(String problem, Exception cause) {
    return new KubeConfigException("load kubeconfig " + file + ": " + problem, cause);
  }
}
