package io.portager.e2e;

import static io.portager.e2e.E2eEnvironment.condition;
import static io.portager.e2e.E2eEnvironment.readyIs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.portager.cloud.aws.FakeAws;
import io.portager.testenv.CommandResult;
import io.portager.testenv.Fixtures;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.RegistryAuth;
import io.portager.testenv.RegistryCredentials;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Auth method ecr end to end: a distribution registry whose htpasswd user {@code AWS} has the fake
 * ECR API's authorization token as its password, reached under an ECR host name that the test JVM's
 * hosts file maps to 127.0.0.1. Checkers (crane) use 127.0.0.1 and the port directly.
 */
class EcrE2EIT {
  private static final String ECR_NAME = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static E2eEnvironment env;
  private static OciRegistry ecrRegistry;
  private static RegistryCredentials ecrCredentials;
  private static String ecrHost;

  @BeforeAll
  static void start() throws Exception {
    // Without the hosts file the ECR name would go to real DNS; stop before sending anything.
    assertEquals("127.0.0.1", InetAddress.getByName(ECR_NAME).getHostAddress());
    env = E2eEnvironment.get();
    ecrCredentials = RegistryCredentials.of("AWS", "ecr-token-" + UUID.randomUUID());
    env.aws.password(ecrCredentials.password());
    ecrRegistry =
        OciRegistry.start(
            env.run,
            "ecr-registry",
            OciRegistry.Implementation.DISTRIBUTION_3,
            RegistryAuth.htpasswd(Map.of("AWS", ecrCredentials.password())));
    ecrHost = ECR_NAME + ":" + ecrRegistry.host().substring(ecrRegistry.host().indexOf(':') + 1);
  }

  @AfterAll
  static void stop() {
    if (ecrRegistry != null) {
      ecrRegistry.close();
    }
  }

  private static String push(
      OciRegistry registry, RegistryCredentials credentials, String repository, String seed) {
    Path layout = env.run.directory("layouts").resolve(repository.replace('/', '_') + "-" + seed);
    return Fixtures.push(
            env.skopeo,
            Fixtures.twoPlatformIndex(layout, "1.0", seed),
            registry.host(),
            repository,
            "1.0",
            credentials)
        .digest();
  }

  private static List<String> reasons(JsonNode events) {
    List<String> reasons = new ArrayList<>();
    events.forEach(event -> reasons.add(event.path("reason").asText()));
    return reasons;
  }

  @Test
  void pushesToEcrAndCreatesRepository() throws Exception {
    String ns = "ecr-destination";
    env.createNamespace(ns);
    env.createDockerConfigSecret(ns, "basic", env.basicRegistry.host(), env.basicCredentials);
    String digest = push(env.basicRegistry, env.basicCredentials, "ecr-dst/app", "ecr-dst");

    env.controlPlane.kubectlApply(
        "apiVersion: portager.portager.io/v1alpha1\n"
            + "kind: ImageSync\n"
            + "metadata: {name: to-ecr, namespace: "
            + ns
            + "}\n"
            + "spec:\n"
            + "  schedule: \"@every 1h\"\n"
            + "  source: {registry: \""
            + env.basicRegistry.host()
            + "\", plainHTTP: true, auth: {method: secret, secretRef: {name: basic}}}\n"
            + "  destination:\n"
            + "    registry: \""
            + ecrHost
            + "\"\n"
            + "    plainHTTP: true\n"
            + "    repositoryPrefix: mirror\n"
            + "    auth: {method: ecr}\n"
            + "    repositorySettings:\n"
            + "      imageTagMutability: IMMUTABLE\n"
            + "      scanOnPush: true\n"
            + "      tags: {team: platform}\n"
            + "  createDestinationRepos: true\n"
            + "  images:\n"
            + "    - {name: ecr-dst/app, tags: [\"1.0\"]}\n");
    JsonNode synced =
        env.awaitImageSync(ns, "to-ecr", TIMEOUT, "Ready=True", s -> readyIs(s, "True"));

    assertEquals("SyncSucceeded", condition(synced, "Ready").path("reason").asText());
    assertEquals(
        digest, env.crane.digest(ecrRegistry.host() + "/mirror/ecr-dst/app:1.0", ecrCredentials));
    FakeAws.Request create =
        env.aws.requests("CreateRepository").stream()
            .filter(r -> r.json().path("repositoryName").asText().equals("mirror/ecr-dst/app"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no CreateRepository: " + env.aws.requests()));
    assertEquals("IMMUTABLE", create.json().path("imageTagMutability").asText());
    assertEquals("platform", create.json().path("tags").path(0).path("Value").asText());
    assertEquals("us-east-1", create.region());
    assertEquals("AKIDE2E", create.accessKeyId());
    List<String> reasons = reasons(env.events(ns, "to-ecr"));
    assertTrue(reasons.contains("RepoEnsured"), reasons.toString());
  }

  @Test
  void pullsFromPrivateEcrSource() throws Exception {
    String ns = "ecr-source";
    env.createNamespace(ns);
    env.createDockerConfigSecret(ns, "basic", env.basicRegistry.host(), env.basicCredentials);
    String digest = push(ecrRegistry, ecrCredentials, "ecr-src/app", "ecr-src");

    env.controlPlane.kubectlApply(
        "apiVersion: portager.portager.io/v1alpha1\n"
            + "kind: ImageSync\n"
            + "metadata: {name: from-ecr, namespace: "
            + ns
            + "}\n"
            + "spec:\n"
            + "  schedule: \"@every 1h\"\n"
            + "  source: {registry: \""
            + ecrHost
            + "\", plainHTTP: true, auth: {method: ecr}}\n"
            + "  destination:\n"
            + "    registry: \""
            + env.basicRegistry.host()
            + "\"\n"
            + "    plainHTTP: true\n"
            + "    repositoryPrefix: from-ecr\n"
            + "    auth: {method: secret, secretRef: {name: basic}}\n"
            + "  images:\n"
            + "    - {name: ecr-src/app, tags: [\"1.0\"]}\n");
    env.awaitImageSync(ns, "from-ecr", TIMEOUT, "Ready=True", s -> readyIs(s, "True"));

    assertEquals(
        digest,
        env.crane.digest(
            env.basicRegistry.host() + "/from-ecr/ecr-src/app:1.0", env.basicCredentials));
    assertTrue(
        env.aws.requests("GetAuthorizationToken").stream()
            .allMatch(r -> r.json().path("registryIds").path(0).asText().equals("123456789012")));
  }

  @Test
  void deniedRoleFailsTagsWithAuthFailed() throws Exception {
    String ns = "ecr-denied-role";
    String role = "arn:aws:iam::210987654321:role/denied-push";
    env.aws.denyRole(role);
    env.createNamespace(ns);
    env.createDockerConfigSecret(ns, "basic", env.basicRegistry.host(), env.basicCredentials);
    push(env.basicRegistry, env.basicCredentials, "ecr-denied/app", "ecr-denied");

    env.controlPlane.kubectlApply(
        "apiVersion: portager.portager.io/v1alpha1\n"
            + "kind: ImageSync\n"
            + "metadata: {name: denied, namespace: "
            + ns
            + "}\n"
            + "spec:\n"
            + "  schedule: \"@every 1h\"\n"
            + "  source: {registry: \""
            + env.basicRegistry.host()
            + "\", plainHTTP: true, authSecretRef: {name: basic}}\n"
            + "  destination:\n"
            + "    registry: \""
            + ecrHost
            + "\"\n"
            + "    plainHTTP: true\n"
            + "    auth: {method: ecr, roleArn: \""
            + role
            + "\"}\n"
            + "  images:\n"
            + "    - {name: ecr-denied/app, tags: [\"1.0\"]}\n");
    JsonNode failed =
        env.awaitImageSync(ns, "denied", TIMEOUT, "Ready=False", s -> readyIs(s, "False"));

    JsonNode ready = condition(failed, "Ready");
    assertEquals("AuthFailed", ready.path("reason").asText());
    assertEquals(1, failed.path("status").path("failedImages").asInt());
    assertTrue(ready.path("message").asText().contains("sts:AssumeRole"), ready.toString());
    List<String> reasons = reasons(env.events(ns, "denied"));
    assertTrue(reasons.contains("AuthFailed"), reasons.toString());
    String events = env.events(ns, "denied").toString();
    assertTrue(events.contains("allow sts:AssumeRole on " + role), events);
    // A denied role is not retried before the next scheduled run: no STS request loop.
    Thread.sleep(3000);
    long assumed =
        env.aws.requests("AssumeRole").stream()
            .filter(r -> role.equals(r.form().get("RoleArn")))
            .count();
    assertEquals(1, assumed, "AssumeRole requests for " + role);
  }

  @Test
  void crdRejectsConflictingAuth() throws Exception {
    String ns = "ecr-admission";
    env.createNamespace(ns);
    String conflicting =
        imageSyncYaml(
            ns,
            "{registry: \"" + ECR_NAME + "\", authSecretRef: {name: pull}, auth: {method: ecr}}",
            "{method: anonymous}");
    String roleWithSecret =
        imageSyncYaml(
            ns,
            "{registry: docker.io}",
            "{method: secret, secretRef: {name: push},"
                + " roleArn: \"arn:aws:iam::123456789012:role/x\"}");

    String conflictError = rejectedApply("conflict", conflicting);
    String roleError = rejectedApply("role", roleWithSecret);

    assertTrue(
        conflictError.contains("authSecretRef and auth.method other than secret conflict"),
        conflictError);
    assertTrue(roleError.contains("auth.roleArn applies to method ecr only"), roleError);
  }

  @Test
  void crdRejectsInvalidRepositorySettings() throws Exception {
    String ns = "ecr-settings-admission";
    env.createNamespace(ns);
    StringBuilder manyTags = new StringBuilder();
    for (int i = 0; i < 51; i++) {
      manyTags.append(i == 0 ? "" : ", ").append("k").append(i).append(": v");
    }

    String mutability =
        rejectedApply("mutability", settingsYaml(ns, "imageTagMutability: SOMETIMES"));
    String keyWithoutKms =
        rejectedApply("kms", settingsYaml(ns, "encryption: {type: AES256, kmsKey: alias/x}"));
    String tooMany = rejectedApply("many-tags", settingsYaml(ns, "tags: {" + manyTags + "}"));
    String longKey =
        rejectedApply("long-key", settingsYaml(ns, "tags: {" + "k".repeat(129) + ": v}"));

    assertTrue(mutability.contains("imageTagMutability"), mutability);
    assertTrue(
        keyWithoutKms.contains("encryption.kmsKey needs encryption.type KMS"), keyWithoutKms);
    assertTrue(tooMany.contains("must have at most 50 items"), tooMany);
    assertTrue(longKey.contains("tag keys are 1 to 128 characters"), longKey);
  }

  private static String settingsYaml(String namespace, String settings) {
    return imageSyncYaml(namespace, "{registry: docker.io}", "{method: ecr}")
        .replace(
            "auth: {method: ecr}}", "auth: {method: ecr}, repositorySettings: {" + settings + "}}")
        .replace("  images:", "  createDestinationRepos: true\n  images:");
  }

  private static String imageSyncYaml(String namespace, String source, String destinationAuth) {
    return "apiVersion: portager.portager.io/v1alpha1\n"
        + "kind: ImageSync\n"
        + "metadata: {name: rejected, namespace: "
        + namespace
        + "}\n"
        + "spec:\n"
        + "  schedule: \"@every 1h\"\n"
        + "  source: "
        + source
        + "\n"
        + "  destination: {registry: \""
        + ECR_NAME
        + "\", auth: "
        + destinationAuth
        + "}\n"
        + "  images:\n"
        + "    - {name: app, tags: [\"1.0\"]}\n";
  }

  /** Applies {@code yaml} with kubectl, expects the API server to reject it, and returns stderr. */
  private static String rejectedApply(String name, String yaml) throws Exception {
    Path file = env.run.directory("admission").resolve(name + ".yaml");
    Files.writeString(file, yaml);

    CommandResult result = env.controlPlane.kubectlResult("apply", "-f", file.toString());

    assertNotEquals(0, result.exitCode(), result.stdout());
    return result.stderr();
  }
}
