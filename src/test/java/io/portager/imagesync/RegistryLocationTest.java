package io.portager.imagesync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegistryLocationTest {
  @ParameterizedTest
  @CsvSource({
    "ghcr.io, ghcr.io, ''",
    "ghcr.io/, ghcr.io, ''",
    "cgr.dev/my-org, cgr.dev, my-org",
    "docker.io/library, docker.io, library",
    "index.docker.io, docker.io, ''",
    "registry-1.docker.io/library, docker.io, library",
    "127.0.0.1:5000/team/sub/, 127.0.0.1:5000, team/sub",
    "Registry.Example.com:443, registry.example.com:443, ''",
  })
  void parsesHostAndPrefix(String value, String host, String prefix) {
    RegistryLocation location = RegistryLocation.parse("spec.source.registry", value);

    assertEquals(host, location.host());
    assertEquals(prefix, location.pathPrefix());
  }

  @ParameterizedTest
  @CsvSource({
    "docker.io, alpine, library/alpine",
    "docker.io, bitnami/redis, bitnami/redis",
    "docker.io/library, alpine, library/alpine",
    "ghcr.io, alpine, alpine",
    "cgr.dev/my-org, /go/, my-org/go",
  })
  void joinsRepository(String value, String image, String repository) {
    assertEquals(repository, RegistryLocation.parse("f", value).repository(image));
  }

  @ParameterizedTest
  @CsvSource({
    "docker.io, registry-1.docker.io",
    "ghcr.io, ghcr.io",
    "localhost:5000, localhost:5000"
  })
  void apiHostOfDockerHub(String value, String apiHost) {
    assertEquals(apiHost, RegistryLocation.parse("f", value).apiHost());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|it is empty",
        "'   '|it is empty",
        "https://ghcr.io|remove the scheme",
        "ghcr.io/a b|only a host",
        "ghcr.io/a@sha256:00|only a host",
        "ghcr.io?x=1|only a host",
        "/library|host part is malformed",
        "ghcr.io:/x|host part is malformed",
      })
  void rejectsMalformedRegistry(String value, String fragment) {
    InvalidSpecException e =
        assertThrows(
            InvalidSpecException.class,
            () -> RegistryLocation.parse("spec.source.registry", value));

    assertEquals("InvalidSpec", e.reason());
    assertTrue(e.getMessage().contains("spec.source.registry"), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
