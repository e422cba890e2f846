package io.portager.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portager.testenv.Command;
import io.portager.testenv.ControlPlane;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.RegistryAuth;
import io.portager.testenv.RunDirectory;
import io.portager.testenv.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs the operator jar as its own process, sends it SIGTERM while a blob copy is in flight, and
 * checks that the copy finishes, the tag is written whole, and the process then exits.
 */
class ShutdownE2EIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path jar() throws Exception {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files
          .filter(p -> p.getFileName().toString().matches("portager-.*\\.jar"))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no operator jar in target/: run mvn package"));
    }
  }

  @Test
  void sigtermLetsCopyInFlightFinish() throws Exception {
    RunDirectory run = RunDirectory.create("shutdown");
    try (ControlPlane controlPlane = ControlPlane.start(run);
        OciRegistry destination =
            OciRegistry.start(
                run,
                "shutdown-registry",
                OciRegistry.Implementation.DISTRIBUTION_3,
                RegistryAuth.none());
        StallingRegistry source = StallingRegistry.trickling(Duration.ofSeconds(6))) {
      controlPlane.installCrd();
      Path log = run.logFile("operator-process");
      Process operator =
          new ProcessBuilder(
                  "java",
                  "-jar",
                  jar().toString(),
                  "--kubeconfig",
                  controlPlane.kubeconfig().toString(),
                  "--health-address",
                  "127.0.0.1:0",
                  "--metrics-address",
                  "127.0.0.1:0")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        controlPlane.kubectlApply(
            "apiVersion: portager.portager.io/v1alpha1\nkind: ImageSync\n"
                + "metadata: {name: drain, namespace: default}\n"
                + "spec:\n  schedule: \"@every 1h\"\n"
                + "  source: {registry: \""
                + source.host()
                + "\", plainHTTP: true}\n"
                + "  destination: {registry: \""
                + destination.host()
                + "\", plainHTTP: true,"
                + " auth: {method: anonymous}}\n"
                + "  images: [{name: slow/app, tags: [\"1\"]}]\n");
        source.awaitBlobRequests(1, Duration.ofSeconds(60));

        Instant stopped = Instant.now();
        operator.destroy(); // SIGTERM
        boolean exited = operator.waitFor(45, TimeUnit.SECONDS);

        String output = Files.readString(log);
        assertTrue(exited, "the operator did not exit within 45 s of SIGTERM:\n" + output);
        assertTrue(output.contains("event=operator_stopping"), output);
        assertTrue(output.contains("event=operator_stopped"), output);
        assertTrue(Duration.between(stopped, Instant.now()).toSeconds() < 40);
        String digest =
            Tools.run(
                    Command.of(
                        Tools.find("crane"),
                        "digest",
                        "--insecure",
                        destination.host() + "/slow/app:1"))
                .stdout()
                .trim();
        assertEquals(source.manifestDigest(), digest, "the tag was not written whole");
        JsonNode manifest =
            JSON.readTree(
                Tools.run(
                        Command.of(
                            Tools.find("crane"),
                            "manifest",
                            "--insecure",
                            destination.host() + "/slow/app:1"))
                    .stdout());
        for (JsonNode layer : List.of(manifest.path("config"), manifest.path("layers").get(0))) {
          Tools.run(
              Command.of(
                  Tools.find("crane"),
                  "blob",
                  "--insecure",
                  destination.host() + "/slow/app@" + layer.path("digest").asText()));
        }
      } finally {
        operator.destroyForcibly();
      }
    }
  }
}
