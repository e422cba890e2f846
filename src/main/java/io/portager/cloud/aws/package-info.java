/**
 * Amazon ECR through the AWS SDK for Java v2: parsing ECR registry hosts, authorization tokens from
 * GetAuthorizationToken, an optional role per ImageSync through STS AssumeRole, and repository
 * creation. The SDK's HTTP client is url-connection-client, so no Netty or Apache HTTP client is on
 * the classpath.
 *
 * <p>Depends on {@code io.portager.cloud} and on {@code io.portager.registry} for the Credential
 * type only. Known limits: ECR Public and the China dual-stack hosts are not parsed, and existing
 * repositories keep their settings.
 */
package io.portager.cloud.aws;
