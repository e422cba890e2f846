package io.portager.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portager.testenv.Command;
import io.portager.testenv.CommandResult;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.RegistryAuth;
import io.portager.testenv.RegistryCredentials;
import io.portager.testenv.RunDirectory;
import io.portager.testenv.Skopeo;
import io.portager.testenv.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Builds the container image with scripts/build-image (no Docker daemon), pushes it to a real
 * registry on 127.0.0.1 with skopeo, reads its config back with crane, and runs the operator from
 * the image's file system in a chroot as the image's user.
 */
class ContainerImageIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void imageRunsAsNonRootWithoutShell() throws Exception {
    RunDirectory run = RunDirectory.create("image");
    Path layout = run.directory("layout");
    Tools.run(
        Command.of(Path.of("scripts/build-image").toAbsolutePath(), layout.toString())
            .withTimeout(Duration.ofMinutes(5)));

    try (OciRegistry registry =
        OciRegistry.start(
            run,
            "image-registry",
            OciRegistry.Implementation.DISTRIBUTION_3,
            RegistryAuth.none())) {
      String reference = registry.host() + "/portager:test";
      Skopeo skopeo = Skopeo.create(run);
      skopeo.copy(
          "oci:" + layout + ":latest",
          RegistryCredentials.anonymous(),
          "docker://" + reference,
          RegistryCredentials.anonymous());

      JsonNode config =
          JSON.readTree(
              Tools.run(Command.of(Tools.find("crane"), "config", "--insecure", reference))
                  .stdout());
      JsonNode process = config.path("config");
      assertEquals("65532:65532", process.path("User").asText());
      assertEquals("/opt/java/bin/java", process.path("Entrypoint").get(0).asText());
      JsonNode entrypoint = process.path("Entrypoint");
      assertEquals("-jar", entrypoint.get(entrypoint.size() - 2).asText());
      assertEquals("/app/portager.jar", entrypoint.get(entrypoint.size() - 1).asText());
      assertTrue(entrypoint.toString().contains("\"-XX:+UseSerialGC\""), entrypoint.toString());
      assertEquals("linux", config.path("os").asText());

      JsonNode manifest =
          JSON.readTree(
              Tools.run(Command.of(Tools.find("crane"), "manifest", "--insecure", reference))
                  .stdout());
      Path rootfs = run.directory("rootfs");
      for (JsonNode layer : manifest.path("layers")) {
        Path blob =
            layout.resolve("blobs/sha256").resolve(layer.path("digest").asText().substring(7));
        String listing =
            Tools.run(Command.of(Path.of("/usr/bin/tar"), "-tzf", blob.toString())).stdout();
        assertFalse(listing.contains("bin/sh\n"), "a layer contains a shell");
        assertFalse(listing.contains("bin/bash\n"), "a layer contains a shell");
        Tools.run(
            Command.of(Path.of("/usr/bin/tar"), "-xzf", blob.toString(), "-C", rootfs.toString()));
      }
      assertTrue(Files.isRegularFile(rootfs.resolve("app/portager.jar")));

      // The image's own dynamic loader, C library and Java runtime run the operator, as the
      // image's user; chroot needs root, which the tests run as.
      CommandResult help =
          Tools.execute(
              Command.of(
                      Path.of("/usr/sbin/chroot"),
                      "--userspec=65532:65532",
                      rootfs.toString(),
                      "/opt/java/bin/java",
                      "-jar",
                      "/app/portager.jar",
                      "--help")
                  .withEnvironment("LD_LIBRARY_PATH", "/opt/java/lib:/opt/java/lib/server"));
      assertEquals(0, help.exitCode(), help.stdout() + help.stderr());
      assertTrue(help.stdout().startsWith("usage: portager"), help.stdout());
    }
  }
}
