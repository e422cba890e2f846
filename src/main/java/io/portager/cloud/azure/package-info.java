/**
 * ACR refresh tokens from Azure workload identity, over {@code java.net.http}: the federated
 * service account token is traded at Entra ID for an access token, which the registry's {@code
 * /oauth2/exchange} turns into an ACR refresh token for the registry client.
 *
 * <p>Depends on {@code io.portager.cloud}, {@code io.portager.registry} (the Credential type) and
 * {@code io.portager.log} only. The authority host comes from {@code AZURE_AUTHORITY_HOST} and the
 * exchange URL from a function, so tests point both at loopback fakes.
 *
 * <p>Known limits: only workload identity (a federated token file) is supported, not managed
 * identity through IMDS, client secrets or certificates; a username and password still work through
 * a docker config Secret. A refresh token the registry rejects stays cached until it nears expiry.
 */
package io.portager.cloud.azure;
