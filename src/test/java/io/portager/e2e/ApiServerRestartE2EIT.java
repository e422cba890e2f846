package io.portager.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portager.imagesync.ImageSyncOperator;
import io.portager.kube.HttpKubeClient;
import io.portager.kube.KubeConfig;
import io.portager.kube.KubeEventRecorder;
import io.portager.registry.Registries;
import io.portager.testenv.Command;
import io.portager.testenv.ControlPlane;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.RegistryAuth;
import io.portager.testenv.RunDirectory;
import io.portager.testenv.Tools;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Restarts kube-apiserver, then etcd, while the operator copies a slow blob: the operator must
 * reconnect its watch, write the status once the API is back, and converge every ImageSync,
 * including one created after the restarts.
 */
class ApiServerRestartE2EIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static boolean ready(ControlPlane controlPlane, String name) {
    try {
      JsonNode object = JSON.readTree(controlPlane.kubectl("get", "imagesync", name, "-o", "json"));
      long generation = object.path("metadata").path("generation").asLong();
      if (object.path("status").path("observedGeneration").asLong() != generation) {
        return false;
      }
      for (JsonNode condition : object.path("status").path("conditions")) {
        if (condition.path("type").asText().equals("Ready")) {
          return condition.path("status").asText().equals("True");
        }
      }
      return false;
    } catch (RuntimeException | java.io.IOException e) {
      return false;
    }
  }

  private static void awaitReady(ControlPlane controlPlane, String name) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    while (Instant.now().isBefore(deadline)) {
      if (ready(controlPlane, name)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(name + " did not become Ready after the restarts");
  }

  private static String imageSync(String name, StallingRegistry source, OciRegistry destination) {
    return "apiVersion: portager.portager.io/v1alpha1\nkind: ImageSync\n"
        + "metadata: {name: "
        + name
        + ", namespace: default}\n"
        + "spec:\n  schedule: \"@every 1h\"\n"
        + "  source: {registry: \""
        + source.host()
        + "\", plainHTTP: true}\n"
        + "  destination: {registry: \""
        + destination.host()
        + "\", plainHTTP: true,"
        + " repositoryPrefix: "
        + name
        + ", auth: {method: anonymous}}\n"
        + "  images: [{name: slow/app, tags: [\"1\"]}]\n";
  }

  @Test
  void convergesAcrossApiServerAndEtcdRestarts() throws Exception {
    RunDirectory run = RunDirectory.create("restart");
    try (ControlPlane controlPlane = ControlPlane.start(run);
        OciRegistry destination =
            OciRegistry.start(
                run,
                "restart-registry",
                OciRegistry.Implementation.DISTRIBUTION_3,
                RegistryAuth.none());
        StallingRegistry source = StallingRegistry.trickling(Duration.ofSeconds(6))) {
      controlPlane.installCrd();
      HttpKubeClient kube =
          new HttpKubeClient(KubeConfig.load(controlPlane.kubeconfig().toString()));
      try (ImageSyncOperator operator =
          new ImageSyncOperator(
              kube,
              new KubeEventRecorder(kube, Clock.systemUTC(), "restart"),
              new Registries(Clock.systemUTC()),
              new ImageSyncOperator.Settings(java.util.List.of(), 2, 2, false, null),
              Clock.systemUTC())) {
        operator.start();
        controlPlane.kubectlApply(imageSync("before", source, destination));
        source.awaitBlobRequests(1, Duration.ofSeconds(60));

        controlPlane.apiServer().restart();
        awaitReady(controlPlane, "before");
        controlPlane.etcd().restart();
        controlPlane.apiServer().restart();
        controlPlane.kubectlApply(imageSync("after", source, destination));
        awaitReady(controlPlane, "after");

        for (String name : new String[] {"before", "after"}) {
          String digest =
              Tools.run(
                      Command.of(
                          Tools.find("crane"),
                          "digest",
                          "--insecure",
                          destination.host() + "/" + name + "/slow/app:1"))
                  .stdout()
                  .trim();
          assertEquals(source.manifestDigest(), digest, name);
        }
        assertTrue(ready(controlPlane, "before"));
      }
    }
  }
}
