package io.portager.credentials;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portager.registry.Credential;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The {@code auths} of a {@code .dockerconfigjson}, matched against registry hosts. */
public final class DockerConfig {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> DOCKER_HUB_ALIASES =
      Set.of("docker.io", "index.docker.io", "registry-1.docker.io");

  /** Entries by normalised host, in file order; a list because several keys may normalise alike. */
  private final Map<String, List<Entry>> entries;

  private DockerConfig(Map<String, List<Entry>> entries) {
    this.entries = entries;
  }

  /** Parses the JSON; throws IllegalArgumentException without echoing any secret value. */
  public static DockerConfig parse(byte[] json) {
    JsonNode auths = readTree(json).get("auths");
    if (auths == null || !auths.isObject()) {
      throw new IllegalArgumentException(
          "parse docker config: missing auths object, want {\"auths\":{\"HOST\":{...}}}");
    }
    Map<String, List<Entry>> entries = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = auths.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      credentialOf(field.getKey(), field.getValue())
          .ifPresent(
              credential ->
                  entries
                      .computeIfAbsent(normaliseHost(field.getKey()), host -> new ArrayList<>())
                      .add(new Entry(field.getKey(), credential)));
    }
    return new DockerConfig(entries);
  }

  /**
   * Returns the credential for {@code registry} ({@code host[:port]}), if any entry matches. A key
   * spelled exactly like {@code registry} wins over other spellings of the same host.
   */
  public Optional<Credential> credentialFor(String registry) {
    List<Entry> matches = entries.getOrDefault(normaliseHost(registry), List.of());
    return matches.stream()
        .filter(entry -> entry.key().equals(registry))
        .findFirst()
        .or(() -> matches.stream().findFirst())
        .map(Entry::credential);
  }

  /**
   * Returns the host of a config key as Docker writes it: without {@code http(s)://}, without a
   * path such as {@code /v1/}, lower-case, with Docker Hub's aliases folded into {@code docker.io}.
   */
  static String normaliseHost(String key) {
    String host = key.trim().toLowerCase(Locale.ROOT);
    if (host.startsWith("https://")) {
      host = host.substring("https://".length());
    } else if (host.startsWith("http://")) {
      host = host.substring("http://".length());
    }
    // NOTE: a key with a repository path such as host/team is treated as the whole host.
    int slash = host.indexOf('/');
    if (slash >= 0) {
      host = host.substring(0, slash);
    }
    return DOCKER_HUB_ALIASES.contains(host) ? "docker.io" : host;
  }

  // Jackson's messages can quote the offending token, which may be a secret, so only the
  // position is reported.
  private static JsonNode readTree(byte[] json) {
    try {
      JsonNode root = JSON.readTree(json);
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException("parse docker config: want a JSON object");
      }
      return root;
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new IllegalArgumentException("parse docker config: invalid JSON" + where);
    } catch (IOException e) {
      throw new IllegalArgumentException("parse docker config: unreadable input");
    }
  }

  /**
   * Returns the entry's credential: {@code auth} (base64 of {@code user:password}) when present,
   * else {@code username} and {@code password}. Entries with neither are skipped.
   */
  // TODO: identitytoken and registrytoken entries (OAuth refresh tokens) are skipped.
  private static Optional<Credential> credentialOf(String key, JsonNode entry) {
    if (!entry.isObject()) {
      throw new IllegalArgumentException(
          "parse docker config: auths entry " + key + ": want an object");
    }
    String auth = text(entry, "auth");
    if (auth != null) {
      return Optional.of(decodeAuth(key, auth));
    }
    String username = text(entry, "username");
    String password = text(entry, "password");
    if (username != null && password != null) {
      return Optional.of(new Credential.Basic(username, password));
    }
    return Optional.empty();
  }

  private static Credential decodeAuth(String key, String auth) {
    String pair;
    try {
      pair = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "parse docker config: auths entry " + key + ": auth is not valid base64");
    }
    // Passwords may contain ':' but user names may not, so the first colon splits them.
    int colon = pair.indexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "parse docker config: auths entry " + key + ": auth does not decode to user:password");
    }
    return new Credential.Basic(pair.substring(0, colon), pair.substring(colon + 1));
  }

  private static String text(JsonNode entry, String field) {
    JsonNode node = entry.get(field);
    return node != null && node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
  }

  private record Entry(String key, Credential credential) {}
}
