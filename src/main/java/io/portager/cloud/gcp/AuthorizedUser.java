package io.portager.cloud.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.portager.cloud.ExpiringToken;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An {@code authorized_user} file, as {@code gcloud auth application-default login} writes: its
 * refresh token is traded at Google's token endpoint (RFC 6749 section 6).
 */
final class AuthorizedUser implements GoogleIdentity {
  private final Path file;
  private final String clientId;
  private final String clientSecret;
  private final String refreshToken;
  private final URI tokenUri;
  private final GoogleHttp http;

  private AuthorizedUser(
      Path file,
      String clientId,
      String clientSecret,
      String refreshToken,
      URI tokenUri,
      GoogleHttp http) {
    this.file = file;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.refreshToken = refreshToken;
    this.tokenUri = tokenUri;
    this.http = http;
  }

  static AuthorizedUser parse(Path file, JsonNode root, GoogleHttp http) {
    String where = "read authorized user file " + file;
    String tokenUri = GoogleHttp.optionalText(root, "token_uri");
    return new AuthorizedUser(
        file,
        GoogleHttp.requiredText(root, "client_id", where),
        GoogleHttp.requiredText(root, "client_secret", where),
        GoogleHttp.requiredText(root, "refresh_token", where),
        GoogleCredentialFiles.parseUri(
            tokenUri == null ? ServiceAccountKey.DEFAULT_TOKEN_URI : tokenUri, where),
        http);
  }

  @Override
  public ExpiringToken fetch(Instant now) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("client_id", clientId);
    form.put("client_secret", clientSecret);
    form.put("refresh_token", refreshToken);
    String action = "fetch access token for " + description();
    String hint = "run gcloud auth application-default login again, or use a service account";
    JsonNode body = http.postForm(action, tokenUri, form, Map.of(), hint);
    return GoogleHttp.accessToken(body, now, action);
  }

  @Override
  public String description() {
    return "the user credentials of client " + clientId + " (file " + file + ")";
  }
}
