/**
 * Google Application Default Credentials by hand, over {@code java.net.http}: service account key
 * files (a JWT signed RS256), workload identity federation ({@code external_account}: STS token
 * exchange and service account impersonation), {@code authorized_user} files and the metadata
 * server of GKE workload identity. The result is the Basic credential {@code oauth2accesstoken}
 * that Artifact Registry and Container Registry accept.
 *
 * <p>Depends on {@code io.portager.cloud}, {@code io.portager.registry} (the Credential type) and
 * {@code io.portager.log} only. Every endpoint comes from the credential file or from {@code
 * GCE_METADATA_HOST}, so tests point them all at loopback fakes.
 *
 * <p>Known limits: the AWS, executable and X.509 subject token sources of workload identity
 * federation and the {@code impersonated_service_account} file type are rejected with a message;
 * the metadata server is not probed, so outside Google Cloud the first fetch fails with a
 * connection error that names it; a token the registry rejects stays cached until it nears expiry.
 */
package io.portager.cloud.gcp;
