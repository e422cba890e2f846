package io.portager.cloud.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portager.cloud.CloudCredentialException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads the credential file that {@code GOOGLE_APPLICATION_CREDENTIALS} names and picks the
 * identity by its {@code type}, as Application Default Credentials do.
 */
final class GoogleCredentialFiles {
  /** Credential files are a few KiB; a larger one is not a credential file. */
  static final long FILE_LIMIT = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private GoogleCredentialFiles() {}

  static GoogleIdentity read(Path file, GoogleHttp http) {
    JsonNode root = readJson(file);
    String where = "read Google credential file " + file;
    String type = GoogleHttp.requiredText(root, "type", where);
    switch (type) {
      case "service_account":
        return ServiceAccountKey.parse(file, root, http);
      case "external_account":
        return ExternalAccount.parse(file, root, http);
      case "authorized_user":
        return AuthorizedUser.parse(file, root, http);
      default:
        throw new CloudCredentialException(
            where
                + ": credential type "
                + type
                + " is not supported; use service_account, external_account or authorized_user",
            false);
    }
  }

  private static JsonNode readJson(Path file) {
    String where = "read Google credential file " + file;
    try {
      if (Files.size(file) > FILE_LIMIT) {
        throw new CloudCredentialException(
            where + ": larger than " + FILE_LIMIT + " bytes, not a credential file", false);
      }
      JsonNode root = JSON.readTree(Files.readAllBytes(file));
      if (root == null || !root.isObject()) {
        throw new CloudCredentialException(where + ": not a JSON object", false);
      }
      return root;
    } catch (IOException e) {
      // The parser's message may quote the file, which contains a key, so only its type is named.
      throw new CloudCredentialException(
          where
              + ": "
              + e.getClass().getSimpleName()
              + "; check GOOGLE_APPLICATION_CREDENTIALS and the mounted Secret",
          false);
    }
  }

  /** Parses an endpoint URL of a credential file; only http and https are accepted. */
  static URI parseUri(String value, String where) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new CloudCredentialException(where + ": invalid URL " + value, false);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
      throw new CloudCredentialException(
          where + ": invalid URL " + GoogleHttp.withoutQuery(uri) + ", want an http(s) URL", false);
    }
    return uri;
  }
}
