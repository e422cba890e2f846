package io.portager.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.portager.testenv.Command;
import io.portager.testenv.CommandResult;
import io.portager.testenv.ControlPlane;
import io.portager.testenv.RunDirectory;
import io.portager.testenv.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the Helm chart with helm built from Go modules against a real kube-apiserver: lint,
 * template plus server-side validation of every rendered object, and an install whose objects are
 * then read back.
 */
class HelmChartIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path CHART = Path.of("chart/portager").toAbsolutePath();
  private static RunDirectory run;
  private static ControlPlane controlPlane;

  @BeforeAll
  static void start() {
    run = RunDirectory.create("helm");
    controlPlane = ControlPlane.start(run);
  }

  @AfterAll
  static void stop() {
    controlPlane.close();
  }

  private static CommandResult helm(String... arguments) {
    List<String> all = new ArrayList<>(List.of(arguments));
    all.add("--kubeconfig");
    all.add(controlPlane.kubeconfig().toString());
    Path home = run.directory("helm-home");
    return Tools.execute(
        Command.of(Tools.find("helm"), all.toArray(String[]::new))
            .withEnvironment("HELM_CACHE_HOME", home.resolve("cache").toString())
            .withEnvironment("HELM_CONFIG_HOME", home.resolve("config").toString())
            .withEnvironment("HELM_DATA_HOME", home.resolve("data").toString()));
  }

  @Test
  void lintPasses() {
    CommandResult lint = helm("lint", CHART.toString(), "--strict");

    assertEquals(0, lint.exitCode(), lint.stdout() + lint.stderr());
  }

  @Test
  void renderedObjectsPassServerValidation() throws Exception {
    controlPlane.kubectl("create", "namespace", "render-check");
    CommandResult template =
        helm(
            "template",
            "portager",
            CHART.toString(),
            "--namespace",
            "render-check",
            "--set",
            "metrics.enabled=true",
            "--set",
            "podDisruptionBudget.enabled=true",
            "--set",
            "networkPolicy.enabled=true",
            "--set",
            "caBundle.inline=PEM",
            "--set",
            "aws.credentials.accessKeyId=id",
            "--set",
            "aws.credentials.secretAccessKey=key",
            "--include-crds");
    assertEquals(0, template.exitCode(), template.stderr());
    Path rendered = run.directory("helm").resolve("rendered.yaml");
    Files.writeString(rendered, template.stdout());

    CommandResult apply =
        controlPlane.kubectlResult(
            "apply", "--server-side", "--dry-run=server", "-f", rendered.toString());

    assertEquals(0, apply.exitCode(), apply.stderr());
    for (String kind :
        List.of(
            "deployment.apps",
            "clusterrole.rbac",
            "networkpolicy",
            "poddisruptionbudget",
            "service/",
            "configmap/",
            "secret/",
            "customresourcedefinition")) {
      assertTrue(apply.stdout().contains(kind), kind + " missing from: " + apply.stdout());
    }
  }

  @Test
  void cloudIdentityValuesRender() throws Exception {
    controlPlane.kubectl("create", "namespace", "identity-check");
    Path values = run.directory("helm").resolve("identity-values.yaml");
    Files.writeString(
        values,
        "serviceAccount:\n"
            + "  annotations:\n"
            + "    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/portager\n"
            + "    iam.gke.io/gcp-service-account: portager@p.iam.gserviceaccount.com\n"
            + "  labels:\n"
            + "    azure.workload.identity/use: \"true\"\n"
            + "podLabels:\n"
            + "  azure.workload.identity/use: \"true\"\n"
            + "aws: {region: eu-west-1}\n"
            + "extraEnv:\n"
            + "  - {name: AWS_MAX_ATTEMPTS, value: \"5\"}\n"
            + "networkPolicy: {enabled: true, allowEksPodIdentityAgent: true}\n");
    CommandResult template =
        helm(
            "template",
            "portager",
            CHART.toString(),
            "--namespace",
            "identity-check",
            "-f",
            values.toString());
    assertEquals(0, template.exitCode(), template.stderr());
    Map<String, JsonNode> objects = new HashMap<>();
    for (JsonNode object :
        YAML.readValues(YAML.createParser(template.stdout()), JsonNode.class).readAll()) {
      if (object != null && object.has("kind")) {
        objects.put(object.path("kind").asText(), object);
      }
    }
    Path rendered = run.directory("helm").resolve("identity-rendered.yaml");
    Files.writeString(rendered, template.stdout());

    CommandResult apply =
        controlPlane.kubectlResult(
            "apply", "--server-side", "--dry-run=server", "-f", rendered.toString());

    assertEquals(0, apply.exitCode(), apply.stderr());
    JsonNode account = objects.get("ServiceAccount").path("metadata");
    assertEquals(
        "arn:aws:iam::123456789012:role/portager",
        account.path("annotations").path("eks.amazonaws.com/role-arn").asText());
    assertEquals(
        "portager@p.iam.gserviceaccount.com",
        account.path("annotations").path("iam.gke.io/gcp-service-account").asText());
    assertEquals("true", account.path("labels").path("azure.workload.identity/use").asText());
    assertEquals("portager", account.path("labels").path("app.kubernetes.io/name").asText());
    JsonNode pod = objects.get("Deployment").path("spec").path("template");
    assertEquals(
        "true", pod.path("metadata").path("labels").path("azure.workload.identity/use").asText());
    String env = pod.path("spec").path("containers").get(0).path("env").toString();
    assertTrue(env.contains("{\"name\":\"AWS_REGION\",\"value\":\"eu-west-1\"}"), env);
    assertTrue(env.contains("{\"name\":\"AWS_MAX_ATTEMPTS\",\"value\":\"5\"}"), env);
    String egress = objects.get("NetworkPolicy").path("spec").path("egress").toString();
    assertTrue(egress.contains("169.254.170.23/32"), egress);
  }

  @Test
  void watchNamespaceGrantsRoleInThatNamespaceOnly() throws Exception {
    CommandResult template =
        helm(
            "template",
            "portager",
            CHART.toString(),
            "--namespace",
            "portager-system",
            "--set",
            "watchNamespace=team-a");
    assertEquals(0, template.exitCode(), template.stderr());
    String rendered = template.stdout();

    assertTrue(rendered.contains("kind: Role\n"), rendered);
    assertTrue(rendered.contains("kind: RoleBinding\n"), rendered);
    assertTrue(!rendered.contains("kind: ClusterRole"), "a cluster-wide role was rendered");
    assertTrue(rendered.contains("namespace: team-a"), rendered);
    assertTrue(rendered.contains("--namespace=team-a"), rendered);
  }

  @Test
  void watchNamespacesGrantRoleInEachNamespace() throws Exception {
    CommandResult template =
        helm(
            "template",
            "portager",
            CHART.toString(),
            "--namespace",
            "portager-system",
            "--set",
            "watchNamespaces={team-a,team-b}");
    assertEquals(0, template.exitCode(), template.stderr());
    String rendered = template.stdout();

    assertTrue(!rendered.contains("kind: ClusterRole"), "a cluster-wide role was rendered");
    for (String namespace : new String[] {"team-a", "team-b"}) {
      String role = "kind: Role\nmetadata:\n  name: portager\n  namespace: " + namespace + "\n";
      String binding =
          "kind: RoleBinding\nmetadata:\n  name: portager\n  namespace: " + namespace + "\n";
      assertTrue(rendered.contains(role), "no Role in " + namespace + ":\n" + rendered);
      assertTrue(rendered.contains(binding), "no RoleBinding in " + namespace + ":\n" + rendered);
    }
    assertTrue(rendered.contains("--namespace=team-a,team-b"), rendered);
  }

  @Test
  void installCreatesObjects() throws Exception {
    CommandResult install =
        helm(
            "install",
            "portager",
            CHART.toString(),
            "--namespace",
            "portager-system",
            "--create-namespace",
            "--set",
            "replicaCount=2");
    assertEquals(0, install.exitCode(), install.stdout() + install.stderr());

    JsonNode deployment =
        JSON.readTree(
            controlPlane.kubectl(
                "get", "deployment", "portager", "-n", "portager-system", "-o", "json"));
    JsonNode container =
        deployment.path("spec").path("template").path("spec").path("containers").get(0);
    JsonNode security = container.path("securityContext");
    assertEquals(2, deployment.path("spec").path("replicas").asInt());
    assertTrue(security.path("readOnlyRootFilesystem").asBoolean());
    assertEquals(false, security.path("allowPrivilegeEscalation").asBoolean(true));
    assertEquals("ALL", security.path("capabilities").path("drop").get(0).asText());
    assertEquals("RuntimeDefault", security.path("seccompProfile").path("type").asText());
    assertTrue(
        deployment
            .path("spec")
            .path("template")
            .path("spec")
            .path("securityContext")
            .path("runAsNonRoot")
            .asBoolean());
    assertEquals("/readyz", container.path("readinessProbe").path("httpGet").path("path").asText());
    assertTrue(container.path("args").toString().contains("--leader-elect"));
    controlPlane.kubectl("get", "crd", "imagesyncs.portager.portager.io");
    controlPlane.kubectl("get", "clusterrole", "portager");
    controlPlane.kubectl("get", "role", "portager-leader-election", "-n", "portager-system");
    controlPlane.kubectl("get", "serviceaccount", "portager", "-n", "portager-system");
    String canList =
        controlPlane.kubectl(
            "auth",
            "can-i",
            "list",
            "imagesyncs.portager.portager.io",
            "--as",
            "system:serviceaccount:portager-system:portager");
    assertEquals("yes", canList.trim());
    CommandResult cannotDelete =
        controlPlane.kubectlResult(
            "auth",
            "can-i",
            "delete",
            "secrets",
            "--as",
            "system:serviceaccount:portager-system:portager");
    assertEquals("no", cannotDelete.stdout().trim());
  }
}
