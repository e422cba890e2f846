package io.portager.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.portager.registry.Credential;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DockerConfigTest {
  private static final String SECRET = "pa:ss:word";

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "registry.example.com             | registry.example.com",
        "https://registry.example.com     | registry.example.com",
        "http://registry.example.com/     | registry.example.com",
        "https://registry.example.com/v2/ | registry.example.com",
        "registry.example.com/v1/         | registry.example.com",
        "Registry.Example.com             | registry.example.com",
        "localhost:5000                   | localhost:5000",
        "http://localhost:5000/v2/        | localhost:5000",
        "https://index.docker.io/v1/      | docker.io",
        "docker.io                        | docker.io",
        "index.docker.io                  | index.docker.io",
        "registry-1.docker.io             | docker.io",
        "https://index.docker.io/v1/      | registry-1.docker.io",
        "https://index.docker.io/v1/      | index.docker.io",
        "index.docker.io/v1               | docker.io",
        "registry-1.docker.io/v2/         | index.docker.io",
        "http://registry.example.com:5000/ | registry.example.com:5000",
        "registry.example.com//           | registry.example.com",
        "  registry.example.com           | registry.example.com",
      })
  void matchesKeySpellings(String key, String registry) {
    DockerConfig config =
        DockerConfig.parse(config(key, "{\"auth\":\"" + auth("bob:" + SECRET) + "\"}"));

    assertEquals(Optional.of(new Credential.Basic("bob", SECRET)), config.credentialFor(registry));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "registry.example.com | other.example.com",
        "localhost:5000       | localhost:5001",
        "localhost:5000       | localhost",
        "docker.io            | ghcr.io",
        "registry.example.com | registry.example.com:443",
        "example.com          | registry.example.com",
      })
  void ignoresOtherHosts(String key, String registry) {
    DockerConfig config =
        DockerConfig.parse(config(key, "{\"username\":\"u\",\"password\":\"p\"}"));

    assertEquals(Optional.empty(), config.credentialFor(registry));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // repository         | user of the entry that applies
        "team-a/app           | team-a",
        "team-a/sub/app       | team-a-sub",
        "team-a/sub           | team-a-sub",
        "team-ab/app          | host",
        "team-b/app           | host",
        "app                  | host",
        "team-a               | team-a",
      })
  void longestPathPrefixWins(String repository, String user) {
    String json =
        "{\"auths\":{"
            + "\"https://registry.example.com/v2/\":{\"auth\":\""
            + auth("host:p")
            + "\"},"
            + "\"registry.example.com/team-a\":{\"auth\":\""
            + auth("team-a:p")
            + "\"},"
            + "\"https://registry.example.com/team-a/sub/\":{\"auth\":\""
            + auth("team-a-sub:p")
            + "\"}}}";

    DockerConfig config = DockerConfig.parse(json.getBytes(StandardCharsets.UTF_8));

    assertEquals(
        Optional.of(new Credential.Basic(user, "p")),
        config.credentialFor("registry.example.com", repository));
  }

  @org.junit.jupiter.api.Test
  void pathEntryDoesNotCoverOtherRepositories() {
    DockerConfig config =
        DockerConfig.parse(
            config("registry.example.com/team-a", "{\"username\":\"u\",\"password\":\"p\"}"));

    assertEquals(Optional.empty(), config.credentialFor("registry.example.com", "team-b/app"));
    assertEquals(
        Optional.of(new Credential.Basic("u", "p")),
        config.credentialFor("registry.example.com", "team-a/app"));
  }

  @org.junit.jupiter.api.Test
  void hostQueryPrefersEntryWithoutPath() {
    String json =
        "{\"auths\":{\"r.example/team\":{\"auth\":\""
            + auth("team:p")
            + "\"},\"r.example\":{\"auth\":\""
            + auth("host:p")
            + "\"}}}";

    DockerConfig config = DockerConfig.parse(json.getBytes(StandardCharsets.UTF_8));

    assertEquals(Optional.of(new Credential.Basic("host", "p")), config.credentialFor("r.example"));
  }

  @org.junit.jupiter.api.Test
  void hostQueryFallsBackToPathEntry() {
    DockerConfig config =
        DockerConfig.parse(config("r.example/team", "{\"username\":\"u\",\"password\":\"p\"}"));

    assertEquals(Optional.of(new Credential.Basic("u", "p")), config.credentialFor("r.example"));
  }

  @org.junit.jupiter.api.Test
  void identityTokenEntry() {
    DockerConfig config =
        DockerConfig.parse(
            config(
                "r.example",
                "{\"auth\":\"" + auth("<token>:") + "\",\"identitytoken\":\"" + SECRET + "\"}"));

    Optional<Credential> credential = config.credentialFor("r.example", "app");

    assertEquals(Optional.of(new Credential.IdentityToken(SECRET)), credential);
    assertFalse(credential.get().toString().contains(SECRET), credential.get().toString());
  }

  @org.junit.jupiter.api.Test
  void authFieldWinsOverUsernameAndPassword() {
    DockerConfig config =
        DockerConfig.parse(
            config(
                "r.example",
                "{\"auth\":\"" + auth("a:b") + "\",\"username\":\"u\",\"password\":\"p\"}"));

    assertEquals(Optional.of(new Credential.Basic("a", "b")), config.credentialFor("r.example"));
  }

  @org.junit.jupiter.api.Test
  void entryWithoutCredentialIsSkipped() {
    DockerConfig config = DockerConfig.parse(config("r.example", "{\"email\":\"a@b.c\"}"));

    assertEquals(Optional.empty(), config.credentialFor("r.example"));
  }

  @org.junit.jupiter.api.Test
  void basicToStringHidesPassword() {
    assertFalse(new Credential.Basic("u", SECRET).toString().contains(SECRET));
  }

  @org.junit.jupiter.api.Test
  void usernameAndPasswordFields() {
    DockerConfig config =
        DockerConfig.parse(config("r.example", "{\"username\":\"u\",\"password\":\"p\"}"));

    assertEquals(Optional.of(new Credential.Basic("u", "p")), config.credentialFor("r.example"));
  }

  @org.junit.jupiter.api.Test
  void exactKeyWinsOverAlias() {
    String json =
        "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\""
            + auth("old:x")
            + "\"},"
            + "\"docker.io\":{\"auth\":\""
            + auth("new:y")
            + "\"}}}";

    DockerConfig config = DockerConfig.parse(json.getBytes(StandardCharsets.UTF_8));

    assertEquals(Optional.of(new Credential.Basic("new", "y")), config.credentialFor("docker.io"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"auth\":\"%%%not-base64-" + SECRET + "\"}",
        "{\"auth\":\"BASE64_NO_COLON\"}",
        "\"" + SECRET + "\"",
      })
  void rejectsBadEntryWithoutSecret(String entry) {
    String body = entry.replace("BASE64_NO_COLON", auth("nocolon" + SECRET.replace(":", "")));

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DockerConfig.parse(config("r", body)));

    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    assertFalse(e.getMessage().contains("nocolon"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "[]", "{\"credsStore\":\"x\"}", "{\"auths\":[]}"})
  void rejectsMalformedConfig(String json) {
    assertThrows(
        IllegalArgumentException.class,
        () -> DockerConfig.parse(json.getBytes(StandardCharsets.UTF_8)));
  }

  @org.junit.jupiter.api.Test
  void invalidJsonMessageHidesContent() {
    String json = "{\"auths\":{\"r\":{\"auth\":" + SECRET + "}}}";

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> DockerConfig.parse(json.getBytes(StandardCharsets.UTF_8)));

    assertFalse(e.getMessage().contains("ss:word"), e.getMessage());
  }

  private static byte[] config(String key, String entry) {
    return ("{\"auths\":{\"" + key + "\":" + entry + "}}").getBytes(StandardCharsets.UTF_8);
  }

  private static String auth(String pair) {
    return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }
}
