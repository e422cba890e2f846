/**
 * Registry credentials from cloud workload identities: AWS (ECR), Google (GAR and GCR) and Azure
 * (ACR). Each provider talks to its identity endpoints over {@code java.net.http} or the AWS SDK,
 * and every endpoint can be overridden so tests run against loopback fakes. {@link
 * io.portager.cloud.CloudIdentities} maps an auth method name to the factory of its token source;
 * {@code Main} registers the methods this build supports.
 *
 * <p>Depends on {@code io.portager.registry} for the Credential type only.
 */
package io.portager.cloud;
