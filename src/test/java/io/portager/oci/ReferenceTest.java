package io.portager.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceTest {
  private static final String DIGEST =
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "alpine                              | docker.io       | library/alpine  | latest | -",
        "alpine:3.19                         | docker.io       | library/alpine  | 3.19   | -",
        "docker.io/alpine                    | docker.io       | library/alpine  | latest | -",
        "index.docker.io/library/alpine:1    | docker.io       | library/alpine  | 1      | -",
        "registry-1.docker.io/team/app:v2    | docker.io       | team/app        | v2     | -",
        "team/app                            | docker.io       | team/app        | latest | -",
        "localhost/app:dev                   | localhost       | app             | dev    | -",
        "localhost:5000/a/b/c:1.0-rc_1       | localhost:5000  | a/b/c           | 1.0-rc_1 | -",
        "ghcr.io/org/tool:v1                 | ghcr.io         | org/tool        | v1     | -",
        "127.0.0.1:5000/app                  | 127.0.0.1:5000  | app             | latest | -",
        "example.com/my-app__x.y/z--w:_tag   | example.com     | my-app__x.y/z--w | _tag  | -",
        "quay.io/app@"
            + DIGEST
            + "          | quay.io         | app             | -      | "
            + DIGEST,
        "quay.io/app:v1@"
            + DIGEST
            + "       | quay.io         | app             | v1     | "
            + DIGEST,
        "registry:5000/app:v1                | registry:5000   | app             | v1     | -",
      })
  void parsesValidReference(
      String text, String registry, String repository, String tag, String digest) {
    Reference reference = Reference.parse(text);

    assertEquals(registry, reference.registry());
    assertEquals(repository, reference.repository());
    assertEquals(tag, reference.tag());
    assertEquals(digest == null ? null : Digest.parse(digest), reference.digest());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Alpine",
        "team/App:v1",
        "app:",
        "app:-tag",
        "app:.tag",
        "app:tag with space",
        "app@sha256:abc",
        "app@",
        "/app",
        "app/",
        "a//b",
        "app-:v1",
        "app__-x",
        "-app",
        "host:port/app",
        "example.com:99999999/app",
      })
  void rejectsInvalidReference(String text) {
    assertThrows(IllegalArgumentException.class, () -> Reference.parse(text));
  }

  @org.junit.jupiter.api.Test
  void rejectsTagOver128Characters() {
    assertThrows(IllegalArgumentException.class, () -> Reference.parse("app:" + "t".repeat(129)));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "alpine                          | docker.io/library/alpine:latest",
        "localhost:5000/app@" + DIGEST + " | localhost:5000/app@" + DIGEST,
      })
  void printsCanonicalForm(String text, String canonical) {
    assertEquals(canonical, Reference.parse(text).toString());
  }
}
