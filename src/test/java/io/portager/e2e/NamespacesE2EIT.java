package io.portager.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.portager.testenv.Command;
import io.portager.testenv.ControlPlane;
import io.portager.testenv.Fixtures;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.RegistryAuth;
import io.portager.testenv.RegistryCredentials;
import io.portager.testenv.RunDirectory;
import io.portager.testenv.Skopeo;
import io.portager.testenv.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the operator jar as a service account that has only the chart's Roles in two namespaces,
 * with {@code --namespace team-a,team-b}: it must sync the ImageSyncs of both namespaces, with no
 * forbidden request, and leave a third namespace alone.
 */
class NamespacesE2EIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void watchesListedNamespacesWithChartRoles() throws Exception {
    RunDirectory run = RunDirectory.create("namespaces");
    try (ControlPlane controlPlane = ControlPlane.start(run);
        OciRegistry registry =
            OciRegistry.start(
                run,
                "namespaces-registry",
                OciRegistry.Implementation.DISTRIBUTION_3,
                RegistryAuth.none())) {
      controlPlane.installCrd();
      for (String namespace : List.of("team-a", "team-b", "team-c", "portager-system")) {
        controlPlane.kubectl("create", "namespace", namespace);
      }
      controlPlane.kubectl("create", "serviceaccount", "portager", "-n", "portager-system");
      String rbac =
          Tools.run(
                  Command.of(
                      Tools.find("helm"),
                      "template",
                      "portager",
                      Path.of("chart/portager").toAbsolutePath().toString(),
                      "--namespace",
                      "portager-system",
                      "--set",
                      "watchNamespaces={team-a,team-b}",
                      "--show-only",
                      "templates/rbac.yaml"))
              .stdout();
      controlPlane.kubectlApply(rbac);
      Path kubeconfig = serviceAccountKubeconfig(controlPlane, run.path().resolve("kubeconfig-sa"));
      Fixtures.push(
          Skopeo.create(run),
          Fixtures.sharedBaseImage(run.directory("layouts").resolve("ns"), "1", "namespaces"),
          registry.host(),
          "src/app",
          "1",
          RegistryCredentials.anonymous());

      try (OperatorProcess operator =
          OperatorProcess.start(
              kubeconfig,
              run.logFile("operator-namespaces"),
              List.of(),
              "--namespace",
              "team-a,team-b")) {
        for (String namespace : List.of("team-a", "team-b", "team-c")) {
          controlPlane.kubectlApply(imageSync(namespace, registry.host()));
        }

        for (String namespace : List.of("team-a", "team-b")) {
          awaitReady(controlPlane, namespace, operator);
        }
        JsonNode ignored = get(controlPlane, "team-c");
        String log = operator.logText();

        assertTrue(ignored.path("status").isMissingNode(), "team-c was synced: " + ignored);
        assertFalse(log.contains("forbidden"), "a request was forbidden; log: " + operator.log());
        assertTrue(log.contains("namespace=team-a"), log);
        assertTrue(log.contains("namespace=team-b"), log);
      }
    }
  }

  /** Writes a kubeconfig for the service account portager-system/portager, with a token. */
  private static Path serviceAccountKubeconfig(ControlPlane controlPlane, Path file)
      throws Exception {
    String token =
        controlPlane
            .kubectl("create", "token", "portager", "-n", "portager-system", "--duration=1h")
            .trim();
    ObjectNode config = (ObjectNode) YAML.readTree(controlPlane.kubeconfig().toFile());
    ObjectNode user = (ObjectNode) config.path("users").get(0);
    user.putObject("user").put("token", token);
    YAML.writeValue(file.toFile(), config);
    return file;
  }

  private static String imageSync(String namespace, String registry) {
    return "apiVersion: portager.portager.io/v1alpha1\nkind: ImageSync\n"
        + "metadata: {name: app, namespace: "
        + namespace
        + "}\n"
        + "spec:\n  schedule: \"@every 1h\"\n"
        + "  source: {registry: \""
        + registry
        + "\", plainHTTP: true}\n"
        + "  destination: {registry: \""
        + registry
        + "\", plainHTTP: true, repositoryPrefix: "
        + namespace
        + ", auth: {method: anonymous}}\n"
        + "  images: [{name: src/app, tags: [\"1\"]}]\n";
  }

  private static JsonNode get(ControlPlane controlPlane, String namespace) throws Exception {
    return JSON.readTree(
        controlPlane.kubectl("get", "imagesync", "app", "-n", namespace, "-o", "json"));
  }

  private static void awaitReady(
      ControlPlane controlPlane, String namespace, OperatorProcess operator) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      last = get(controlPlane, namespace);
      if (E2eEnvironment.readyIs(last, "True")) {
        return;
      }
      Thread.sleep(300);
    }
    throw new AssertionError(
        namespace
            + "/app did not become Ready: "
            + last.path("status")
            + "\noperator log: "
            + operator.log());
  }
}
