package io.portager.cloud.gcp;

import io.portager.cloud.ExpiringToken;
import java.time.Instant;

/** One way to obtain a Google access token, chosen by Application Default Credentials. */
sealed interface GoogleIdentity
    permits ServiceAccountKey, ExternalAccount, AuthorizedUser, MetadataServer {
  /** The OAuth2 scope of every token requested here: all Google Cloud APIs, IAM decides. */
  String CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

  /** Fetches a new access token; throws CloudCredentialException naming the identity. */
  ExpiringToken fetch(Instant now);

  /** Names the identity and where it was configured, for messages; never a secret. */
  String description();
}
