package io.portager.testenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalEnvironmentIT {
  @Test
  void startsSeedsAndStops() throws Exception {
    RunDirectory run = RunDirectory.create("local-it");
    LocalEnvironment environment = LocalEnvironment.start(run);
    Path envFile;
    Map<String, String> seeded;
    String secrets;
    try {
      envFile = environment.writeFiles(run.directory("output"));
      seeded = environment.seededDigests();
      secrets =
          environment
              .controlPlane()
              .kubectl("apply", "-f", envFile.resolveSibling("secrets.yaml").toString());
      Skopeo skopeo = Skopeo.create(run);
      for (Map.Entry<String, String> image : seeded.entrySet()) {
        assertEquals(
            image.getValue(),
            skopeo.digest(image.getKey(), environment.sourceCredentials()),
            image.getKey());
      }
      Fixtures.push(
          skopeo,
          Fixtures.sharedBaseImage(run.directory("extra"), "1", "extra"),
          environment.destination().host(),
          "mirror/extra",
          "1",
          environment.destinationCredentials());
      assertEquals(
          List.of("1"),
          skopeo.listTags(
              environment.destination().host() + "/mirror/extra",
              environment.destinationCredentials()));
    } finally {
      environment.close();
    }

    String env = Files.readString(envFile);
    assertEquals(3, seeded.size());
    assertTrue(env.contains("export KUBECONFIG='"), env.replaceAll("PASSWORD=.*", ""));
    assertTrue(env.contains("export SOURCE_REGISTRY='" + environment.source().host() + "'"));
    assertTrue(env.contains("export DEST_REGISTRY='" + environment.destination().host() + "'"));
    assertTrue(
        env.contains(
            "export SOURCE_PASSWORD='" + environment.sourceCredentials().password() + "'"));
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile)));
    assertTrue(secrets.contains("secret/source-registry created"), secrets);
    assertTrue(secrets.contains("secret/destination-registry created"), secrets);
    assertTrue(
        Files.readString(envFile.resolveSibling("imagesync-demo.yaml"))
            .contains("registry: " + environment.destination().host()));
    assertFalse(environment.source().isRunning());
    assertFalse(environment.destination().isRunning());
    assertFalse(environment.controlPlane().apiServer().isRunning());
    assertFalse(environment.controlPlane().etcd().isRunning());
  }

  @Test
  void quotesShellValues() {
    assertEquals("'a'\\''b'", LocalEnvironment.quote("a'b"));
  }
}
