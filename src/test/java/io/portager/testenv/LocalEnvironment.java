package io.portager.testenv;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A local environment for trying the operator by hand: a control plane, a source registry
 * (distribution 2.8, token auth) and a destination registry (distribution 3.1 with htpasswd auth,
 * or 2.8 if the v3 binary is missing), seeded with {@code demo/app:1.0}, {@code demo/app:1.1}
 * (two-platform OCI indexes) and {@code demo/tool:2.0} (Docker schema 2).
 *
 * <p>{@link #main} writes into {@code target/local/}: {@code env} (shell {@code export} lines,
 * including the registry passwords, mode 0600), {@code secrets.yaml} (dockerconfigjson Secrets
 * {@code source-registry} and {@code destination-registry}) and {@code imagesync-demo.yaml}. It
 * prints {@code environment ready: <env file>} and runs until SIGTERM or SIGINT.
 */
public final class LocalEnvironment implements AutoCloseable {
  static final String SOURCE_SECRET = "source-registry";
  static final String DESTINATION_SECRET = "destination-registry";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER = "portager";

  private final RunDirectory run;
  private final List<AutoCloseable> started = new ArrayList<>();
  private ControlPlane controlPlane;
  private TokenServer tokenServer;
  private OciRegistry source;
  private OciRegistry destination;
  private final RegistryCredentials sourceCredentials =
      RegistryCredentials.of(USER, randomPassword());
  private final RegistryCredentials destinationCredentials =
      RegistryCredentials.of(USER, randomPassword());
  private final Map<String, String> seededDigests = new LinkedHashMap<>();

  private LocalEnvironment(RunDirectory run) {
    this.run = run;
  }

  /** Starts every component and pushes the demo images; stops what started if a step fails. */
  public static LocalEnvironment start(RunDirectory run) {
    LocalEnvironment environment = new LocalEnvironment(run);
    try {
      environment.startComponents();
      environment.seed();
      return environment;
    } catch (RuntimeException e) {
      environment.close();
      throw e;
    }
  }

  public static void main(String[] args) throws Exception {
    Path output = Path.of(args.length > 0 ? args[0] : "target/local").toAbsolutePath();
    LocalEnvironment environment = start(RunDirectory.create("local"));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("event=environment_stopping");
                  environment.close();
                  stopped.countDown();
                },
                "local-environment-stop"));

    Path envFile = environment.writeFiles(output);
    System.out.println("environment ready: " + envFile);
    stopped.await();
  }

  public ControlPlane controlPlane() {
    return controlPlane;
  }

  public TokenServer tokenServer() {
    return tokenServer;
  }

  public OciRegistry source() {
    return source;
  }

  public OciRegistry destination() {
    return destination;
  }

  public RegistryCredentials sourceCredentials() {
    return sourceCredentials;
  }

  public RegistryCredentials destinationCredentials() {
    return destinationCredentials;
  }

  /** Returns reference to digest of each seeded image in the source registry. */
  public Map<String, String> seededDigests() {
    return Map.copyOf(seededDigests);
  }

  /**
   * Writes {@code env}, {@code secrets.yaml} and {@code imagesync-demo.yaml} into {@code
   * directory}, checks the Secrets with {@code kubectl apply --dry-run=server}, and returns the
   * path of {@code env}.
   */
  public Path writeFiles(Path directory) {
    RunDirectory.createDirectories(directory);
    Path envFile = directory.resolve("env");
    writePrivate(envFile, envFileText());
    Path secrets = directory.resolve("secrets.yaml");
    writePrivate(secrets, secretsYaml());
    controlPlane.kubectl("apply", "--dry-run=server", "-f", secrets.toString());
    write(directory.resolve("imagesync-demo.yaml"), imageSyncYaml());
    return envFile;
  }

  /** Stops all components in reverse start order. */
  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        System.err.println("event=stop_failed component=" + started.get(i) + " error=" + e);
      }
    }
    started.clear();
  }

  private void startComponents() {
    controlPlane = ControlPlane.start(run);
    started.add(controlPlane);
    report("etcd", controlPlane.etcd().clientUrl(), controlPlane.etcd().lastStartDuration());
    report(
        "kube-apiserver",
        controlPlane.apiServer().url(),
        controlPlane.apiServer().lastStartDuration());

    long tokenServerStarted = System.nanoTime();
    tokenServer =
        TokenServer.start(
            run,
            "token-server",
            Map.of(sourceCredentials.username(), sourceCredentials.password()),
            Duration.ofMinutes(5));
    started.add(tokenServer);
    report(
        "token-server",
        tokenServer.realm(),
        Duration.ofNanos(System.nanoTime() - tokenServerStarted));

    source =
        OciRegistry.start(
            run,
            "source-registry",
            OciRegistry.Implementation.DISTRIBUTION_2,
            RegistryAuth.token(tokenServer));
    started.add(source);
    report("source-registry", source.url(), source.lastStartDuration());

    OciRegistry.Implementation destinationImplementation =
        Tools.findOptional(OciRegistry.Implementation.DISTRIBUTION_3.binaryName()).isPresent()
            ? OciRegistry.Implementation.DISTRIBUTION_3
            : OciRegistry.Implementation.DISTRIBUTION_2;
    destination =
        OciRegistry.start(
            run,
            "destination-registry",
            destinationImplementation,
            RegistryAuth.htpasswd(
                Map.of(destinationCredentials.username(), destinationCredentials.password())));
    started.add(destination);
    report("destination-registry", destination.url(), destination.lastStartDuration());
  }

  private void seed() {
    Skopeo skopeo = Skopeo.create(run);
    Path fixtures = run.directory("fixtures");
    List<Fixtures.PushedImage> pushed =
        List.of(
            Fixtures.push(
                skopeo,
                Fixtures.twoPlatformIndex(fixtures.resolve("app-1.0"), "1.0", "demo/app:1.0"),
                source.host(),
                "demo/app",
                "1.0",
                sourceCredentials),
            Fixtures.push(
                skopeo,
                Fixtures.twoPlatformIndex(fixtures.resolve("app-1.1"), "1.1", "demo/app:1.1"),
                source.host(),
                "demo/app",
                "1.1",
                sourceCredentials),
            Fixtures.push(
                skopeo,
                Fixtures.dockerSchema2Image(fixtures.resolve("tool-2.0"), "2.0", "demo/tool:2.0"),
                source.host(),
                "demo/tool",
                "2.0",
                sourceCredentials));
    for (Fixtures.PushedImage image : pushed) {
      seededDigests.put(image.reference(), image.digest());
      System.out.println(
          "event=image_seeded reference=" + image.reference() + " digest=" + image.digest());
    }
  }

  String envFileText() {
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("KUBECONFIG", controlPlane.kubeconfig().toString());
    variables.put("SOURCE_REGISTRY", source.host());
    variables.put("SOURCE_USERNAME", sourceCredentials.username());
    variables.put("SOURCE_PASSWORD", sourceCredentials.password());
    variables.put("DEST_REGISTRY", destination.host());
    variables.put("DEST_USERNAME", destinationCredentials.username());
    variables.put("DEST_PASSWORD", destinationCredentials.password());
    variables.put("TESTENV_RUN_DIR", run.path().toString());
    variables.put("TESTENV_LOG_DIR", run.logs().toString());
    StringBuilder text = new StringBuilder();
    variables.forEach(
        (name, value) ->
            text.append("export ").append(name).append('=').append(quote(value)).append('\n'));
    return text.toString();
  }

  String secretsYaml() {
    return secretYaml(SOURCE_SECRET, source.host(), sourceCredentials)
        + "---\n"
        + secretYaml(DESTINATION_SECRET, destination.host(), destinationCredentials);
  }

  String imageSyncYaml() {
    return "apiVersion: portager.portager.io/v1alpha1\n"
        + "kind: ImageSync\n"
        + "metadata:\n"
        + "  name: demo\n"
        + "  namespace: default\n"
        + "spec:\n"
        + "  schedule: \"@every 5m\"\n"
        + "  source:\n"
        + "    registry: "
        + source.host()
        + "\n"
        + "    authSecretRef:\n"
        + "      name: "
        + SOURCE_SECRET
        + "\n"
        + "    plainHTTP: true\n"
        + "  destination:\n"
        + "    registry: "
        + destination.host()
        + "\n"
        + "    auth:\n"
        + "      method: secret\n"
        + "      secretRef:\n"
        + "        name: "
        + DESTINATION_SECRET
        + "\n"
        + "    repositoryPrefix: mirror\n"
        + "    plainHTTP: true\n"
        + "  images:\n"
        + "    - name: demo/app\n"
        + "      tags: [\"1.0\", \"1.1\"]\n"
        + "    - name: demo/tool\n"
        + "      tags: [\"2.0\"]\n";
  }

  /** Builds a {@code kubernetes.io/dockerconfigjson} Secret as {@code kubectl create} would. */
  private static String secretYaml(String name, String registry, RegistryCredentials credentials) {
    String auth =
        Base64.getEncoder()
            .encodeToString(credentials.colonForm().getBytes(StandardCharsets.UTF_8));
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("username", credentials.username());
    entry.put("password", credentials.password());
    entry.put("auth", auth);
    Map<String, Object> secret = new LinkedHashMap<>();
    secret.put("apiVersion", "v1");
    secret.put("kind", "Secret");
    secret.put("metadata", Map.of("name", name, "namespace", "default"));
    secret.put("type", "kubernetes.io/dockerconfigjson");
    try {
      byte[] dockerConfig = JSON.writeValueAsBytes(Map.of("auths", Map.of(registry, entry)));
      secret.put(
          "data", Map.of(".dockerconfigjson", Base64.getEncoder().encodeToString(dockerConfig)));
      return YAML.writeValueAsString(secret).replaceFirst("^---\n", "");
    } catch (IOException e) {
      throw new UncheckedIOException("encode secret " + name, e);
    }
  }

  /** Quotes {@code value} for a POSIX shell. */
  static String quote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }

  private static String randomPassword() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static void report(String component, String url, Duration startDuration) {
    System.out.println(
        "event=component_started component="
            + component
            + " url="
            + url
            + " start_ms="
            + startDuration.toMillis());
  }

  /** Writes a file readable only by its owner, because it contains passwords. */
  private static void writePrivate(Path file, String text) {
    try {
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("write " + file, e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("write " + file, e);
    }
  }
}
