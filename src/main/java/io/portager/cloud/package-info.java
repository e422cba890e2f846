/**
 * Registry credentials from cloud workload identities: AWS (ECR), Google (GAR and GCR) and Azure
 * (ACR). Each provider talks to its identity endpoints over {@code java.net.http} or the AWS SDK,
 * and every endpoint can be overridden so tests run against loopback fakes. {@link
 * io.portager.cloud.CloudIdentities} maps an auth method name to the factory of its token source;
 * {@code Main} registers the methods this build supports. The Google and Azure sources share {@link
 * io.portager.cloud.CloudHttp} for their token endpoints and {@link io.portager.cloud.TokenCache}
 * for refresh-ahead caching, and {@link io.portager.cloud.LazyTokenSource} defers reading a cloud's
 * identity to the first sync that uses it.
 *
 * <p>Depends on {@code io.portager.registry} for the Credential type only.
 */
package io.portager.cloud;
