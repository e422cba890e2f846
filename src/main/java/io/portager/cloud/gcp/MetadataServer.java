package io.portager.cloud.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.portager.cloud.ExpiringToken;
import java.net.URI;
import java.time.Instant;
import java.util.Map;

/**
 * The access token of the default service account from the metadata server of GCE, or of GKE with
 * workload identity, at {@code computeMetadata/v1/instance/service-accounts/default/token} with the
 * header {@code Metadata-Flavor: Google}. {@code GCE_METADATA_HOST} overrides the host.
 */
final class MetadataServer implements GoogleIdentity {
  static final String DEFAULT_HOST = "metadata.google.internal";
  static final String TOKEN_PATH = "/computeMetadata/v1/instance/service-accounts/default/token";

  private final String host;
  private final URI tokenUri;
  private final GoogleHttp http;

  MetadataServer(String host, GoogleHttp http) {
    this.host = host;
    this.tokenUri =
        GoogleCredentialFiles.parseUri("http://" + host + TOKEN_PATH, "GCE_METADATA_HOST");
    this.http = http;
  }

  @Override
  public ExpiringToken fetch(Instant now) {
    String action = "fetch access token for " + description();
    String hint =
        "on GKE, enable Workload Identity on the node pool and bind the Kubernetes service account"
            + " to a Google service account or principal that has roles/artifactregistry.reader"
            + " (pull) or roles/artifactregistry.writer (push)";
    byte[] body = http.get(action, tokenUri, Map.of("Metadata-Flavor", "Google"), hint);
    JsonNode root = GoogleHttp.parse(action, tokenUri, body);
    return GoogleHttp.accessToken(root, now, action);
  }

  URI tokenUri() {
    return tokenUri;
  }

  @Override
  public String description() {
    return "the default service account of the metadata server " + host;
  }
}
