package io.portager.e2e;

import static io.portager.e2e.E2eEnvironment.readyIs;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.testenv.Fixtures;
import io.portager.testenv.RegistryCredentials;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs syncs with known credentials, good and bad, then searches everything the operator wrote
 * where people look (its log, the Events, every ImageSync's status) for those secrets in plain,
 * base64 and URL-encoded forms.
 */
class SecretLeakE2EIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private static List<String> forms(RegistryCredentials credentials) {
    List<String> forms = new ArrayList<>();
    String password = credentials.password();
    forms.add(password);
    forms.add(Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8)));
    forms.add(
        Base64.getEncoder()
            .encodeToString(credentials.colonForm().getBytes(StandardCharsets.UTF_8)));
    forms.add(URLEncoder.encode(password, StandardCharsets.UTF_8));
    return forms;
  }

  @Test
  void noSecretInLogEventsOrStatus() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    String ns = "secret-leak";
    env.createNamespace(ns);
    env.createDockerConfigSecret(ns, "good-source", env.tokenRegistry.host(), env.tokenCredentials);
    env.createDockerConfigSecret(
        ns, "good-destination", env.basicRegistry.host(), env.basicCredentials);
    RegistryCredentials wrong = RegistryCredentials.of("intruder", "wrong-" + System.nanoTime());
    env.createDockerConfigSecret(ns, "bad-destination", env.basicRegistry.host(), wrong);
    Path layout = env.run.directory("layouts").resolve("leak");
    Fixtures.push(
        env.skopeo,
        Fixtures.twoPlatformIndex(layout, "1", "leak"),
        env.tokenRegistry.host(),
        "leak/app",
        "1",
        env.tokenCredentials);

    for (String[] pair :
        new String[][] {{"good", "good-destination"}, {"bad", "bad-destination"}}) {
      env.controlPlane.kubectlApply(
          "apiVersion: portager.portager.io/v1alpha1\nkind: ImageSync\n"
              + "metadata: {name: "
              + pair[0]
              + ", namespace: "
              + ns
              + "}\n"
              + "spec:\n  schedule: \"@every 1h\"\n"
              + "  source: {registry: \""
              + env.tokenRegistry.host()
              + "\", plainHTTP: true,"
              + " authSecretRef: {name: good-source}}\n"
              + "  destination: {registry: \""
              + env.basicRegistry.host()
              + "\", plainHTTP: true,"
              + " auth: {method: secret, secretRef: {name: "
              + pair[1]
              + "}}}\n"
              + "  images: [{name: leak/app, tags: [\"1\"]}]\n");
    }
    env.awaitImageSync(ns, "good", TIMEOUT, "Ready=True", s -> readyIs(s, "True"));
    env.awaitImageSync(ns, "bad", TIMEOUT, "Ready=False", s -> readyIs(s, "False"));

    String log = env.operatorLogText();
    String events = env.controlPlane.kubectl("get", "events", "-A", "-o", "json");
    String statuses = env.controlPlane.kubectl("get", "imagesyncs", "-A", "-o", "json");
    assertTrue(log.contains("imagesync=secret-leak/bad"), "the operator log lacks the syncs");
    assertTrue(events.contains("secret-leak"), "no Events of the syncs were found");
    List<String> secrets = new ArrayList<>(forms(env.tokenCredentials));
    secrets.addAll(forms(env.basicCredentials));
    secrets.addAll(forms(wrong));
    for (String secret : secrets) {
      assertFalse(log.contains(secret), "the operator log contains a secret");
      assertFalse(events.contains(secret), "an Event contains a secret");
      assertFalse(statuses.contains(secret), "an ImageSync status contains a secret");
    }
    assertFalse(log.contains("Authorization: "), "the operator log contains a header");
  }
}
