package io.portager.credentials;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portager.registry.Credential;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code auths} of a {@code .dockerconfigjson}, matched against registries and repositories the
 * way container tools match them: the scheme, a trailing slash and a {@code /v1/} or {@code /v2/}
 * API path are ignored, Docker Hub's host names are one registry, and a key with a repository path
 * such as {@code registry.example.com/team-a} applies to the repositories under that path, the
 * longest matching path winning.
 */
public final class DockerConfig {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> DOCKER_HUB_ALIASES =
      Set.of("docker.io", "index.docker.io", "registry-1.docker.io");

  /** Entries in file order. */
  private final List<Entry> entries;

  private DockerConfig(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** Parses the JSON; throws IllegalArgumentException without echoing any secret value. */
  public static DockerConfig parse(byte[] json) {
    JsonNode auths = readTree(json).get("auths");
    if (auths == null || !auths.isObject()) {
      throw new IllegalArgumentException(
          "parse docker config: missing auths object, want {\"auths\":{\"HOST\":{...}}}");
    }
    List<Entry> entries = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> fields = auths.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey();
      credentialOf(key, field.getValue())
          .ifPresent(credential -> entries.add(new Entry(key, Location.of(key), credential)));
    }
    return new DockerConfig(entries);
  }

  /**
   * Returns the credential for {@code registry} ({@code host[:port]}) as a whole: entries whose key
   * has no repository path. When the host has only entries with a path, the first of them is
   * returned, because a caller that does not name a repository cannot choose between them.
   */
  public Optional<Credential> credentialFor(String registry) {
    return credentialFor(registry, null);
  }

  /**
   * Returns the credential for {@code repository} on {@code registry}: among the entries of the
   * host, the one whose repository path is the longest prefix of {@code repository} (whole path
   * components), else an entry without a path. Among equal paths, a key spelled exactly like {@code
   * registry} wins, then the first in the file.
   */
  public Optional<Credential> credentialFor(String registry, String repository) {
    String host = normaliseHost(registry);
    List<Entry> onHost = entries.stream().filter(e -> e.location().host().equals(host)).toList();
    List<Entry> matching = onHost.stream().filter(e -> e.location().covers(repository)).toList();
    if (matching.isEmpty() && repository == null) {
      return onHost.stream().findFirst().map(Entry::credential);
    }
    return matching.stream()
        .min(
            Comparator.comparingInt((Entry e) -> -e.location().path().length())
                .thenComparing(e -> e.key().equals(registry) ? 0 : 1))
        .map(Entry::credential);
  }

  /**
   * Returns the host of a config key: without {@code http(s)://}, without a path, lower-case, with
   * Docker Hub's aliases folded into {@code docker.io}.
   */
  static String normaliseHost(String key) {
    return Location.of(key).host();
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
   * Returns the entry's credential: {@code identitytoken} when present (Docker prefers it to the
   * password it was issued for), else {@code auth} (base64 of {@code user:password}), else {@code
   * username} and {@code password}. Entries with none of them are skipped.
   */
  // TODO: registrytoken entries (a bearer token sent as is) are skipped.
  private static Optional<Credential> credentialOf(String key, JsonNode entry) {
    if (!entry.isObject()) {
      throw new IllegalArgumentException(
          "parse docker config: auths entry " + key + ": want an object");
    }
    String identityToken = text(entry, "identitytoken");
    if (identityToken != null) {
      return Optional.of(new Credential.IdentityToken(identityToken));
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

  private record Entry(String key, Location location, Credential credential) {}

  /** The normalised host of a key and its repository path, empty for a whole registry. */
  record Location(String host, String path) {
    static Location of(String key) {
      String rest = key.trim().toLowerCase(Locale.ROOT);
      if (rest.startsWith("https://")) {
        rest = rest.substring("https://".length());
      } else if (rest.startsWith("http://")) {
        rest = rest.substring("http://".length());
      }
      int slash = rest.indexOf('/');
      String host = slash < 0 ? rest : rest.substring(0, slash);
      String path = slash < 0 ? "" : trimSlashes(rest.substring(slash));
      // The API version paths of the registry protocols name no repository.
      if (path.equals("v1") || path.equals("v2")) {
        path = "";
      }
      return new Location(DOCKER_HUB_ALIASES.contains(host) ? "docker.io" : host, path);
    }

    /** Whether this location applies to {@code repository}; null means the registry as a whole. */
    boolean covers(String repository) {
      if (path.isEmpty()) {
        return true;
      }
      return repository != null && (repository.equals(path) || repository.startsWith(path + "/"));
    }

    private static String trimSlashes(String path) {
      int start = 0;
      int end = path.length();
      while (start < end && path.charAt(start) == '/') {
        start++;
      }
      while (end > start && path.charAt(end - 1) == '/') {
        end--;
      }
      return path.substring(start, end);
    }
  }
}
