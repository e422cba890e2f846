package io.portager.credentials;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.testenv.MutationFuzzer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fuzzes the docker config JSON parser and the credential lookup on what it accepts. */
class DockerConfigFuzzTest {
  @Test
  void dockerConfigParserRejectsOnlyWithIllegalArgument() {
    List<String> samples =
        List.of(
            "{\"auths\":{\"registry.example.com\":{\"auth\":\"dXNlcjpwYXNz\"}}}",
            "{\"auths\":{\"https://index.docker.io/v1/\":{\"username\":\"u\",\"password\":\"p\"},"
                + "\"127.0.0.1:5000/team/app\":{\"identitytoken\":\"tok\"}}}",
            "{\"auths\":{\"ghcr.io\":{\"auth\":\"\",\"registrytoken\":\"r\"}},\"credsStore\":\"x\"}",
            "{\"auths\":{\"http://localhost:5000\":{\"auth\":\"OnBhc3M=\"}}}");

    MutationFuzzer.Result result =
        MutationFuzzer.fromSystemProperties()
            .run(
                "dockerconfig",
                samples,
                List.of(
                    "\"auth\":",
                    "\"auths\"",
                    "\"username\"",
                    "\"password\"",
                    ":",
                    "=",
                    "/",
                    "https://",
                    "docker.io"),
                DockerConfigFuzzTest::parseAndLookUp,
                IllegalArgumentException.class);

    assertTrue(result.accepted() >= 2, result.toString());
  }

  private static void parseAndLookUp(String input) {
    DockerConfig config = DockerConfig.parse(MutationFuzzer.utf8(input));
    for (String registry : List.of("registry.example.com", "docker.io", "127.0.0.1:5000")) {
      config.credentialFor(registry);
      config.credentialFor(registry, "team/app");
    }
  }
}
