package io.portager.cloud.aws;

import io.portager.cloud.CloudAuthOptions;
import io.portager.cloud.CloudCredentialException;
import java.io.IOException;
import java.util.Locale;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * Turns AWS SDK failures into {@link CloudCredentialException}s whose message names the IAM action
 * that was denied and what to grant. AWS's own error message is kept: it names the calling
 * identity's ARN and never a key or token.
 */
final class EcrErrors {
  private EcrErrors() {}

  static CloudCredentialException translate(
      SdkException e, String action, String resource, EcrHost host, CloudAuthOptions options) {
    StsException sts = find(e, StsException.class);
    if (sts != null) {
      return stsFailure(sts, options);
    }
    if (e instanceof AwsServiceException service) {
      return serviceFailure(service, action, resource, host, options);
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (message.contains("Unable to load credentials")) {
      return new CloudCredentialException(
          "no AWS credentials found for "
              + action
              + " on "
              + EcrTokenSource.describe(host)
              + ": give the operator's service account an IAM role through IRSA"
              + " (eks.amazonaws.com/role-arn annotation) or EKS Pod Identity, or set"
              + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
          false,
          e);
    }
    boolean network = find(e, IOException.class) != null || e.retryable();
    return new CloudCredentialException(
        action + " on " + EcrTokenSource.describe(host) + " failed: " + message, network, e);
  }

  private static CloudCredentialException serviceFailure(
      AwsServiceException e,
      String action,
      String resource,
      EcrHost host,
      CloudAuthOptions options) {
    String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
    String detail = errorMessage(e);
    if (code != null && code.toLowerCase(Locale.ROOT).contains("accessdenied")) {
      String principal =
          options.roleArn() == null ? "the operator's IAM role" : "role " + options.roleArn();
      return new CloudCredentialException(
          action
              + " was denied ("
              + detail
              + "): allow "
              + action
              + " on "
              + resource
              + " for "
              + principal
              + " in an IAM policy, and in the repository policy when the registry belongs to"
              + " another account",
          false,
          e);
    }
    boolean retryable = e.isThrottlingException() || e.statusCode() >= 500 || e.retryable();
    return new CloudCredentialException(
        action
            + " on "
            + EcrTokenSource.describe(host)
            + " failed with HTTP "
            + e.statusCode()
            + " "
            + code
            + ": "
            + detail
            + (retryable ? "" : ": check the operator's AWS credentials and region"),
        retryable,
        e);
  }

  private static CloudCredentialException stsFailure(StsException e, CloudAuthOptions options) {
    String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
    String role = options.roleArn() == null ? "the web identity role" : options.roleArn();
    if (code != null && code.toLowerCase(Locale.ROOT).contains("accessdenied")) {
      return new CloudCredentialException(
          "sts:AssumeRole of "
              + role
              + " was denied ("
              + errorMessage(e)
              + "): allow sts:AssumeRole on "
              + role
              + " for the operator's IAM role, and trust that role in the trust policy of "
              + role
              + (options.externalId() == null ? "" : " with the same sts:ExternalId"),
          false,
          e);
    }
    boolean retryable = e.isThrottlingException() || e.statusCode() >= 500;
    return new CloudCredentialException(
        "STS request for "
            + role
            + " failed with HTTP "
            + e.statusCode()
            + " "
            + code
            + ": "
            + errorMessage(e),
        retryable,
        e);
  }

  static String repositoryArn(EcrHost host, String repository) {
    return "arn:"
        + host.partition()
        + ":ecr:"
        + host.region()
        + ":"
        + host.account()
        + ":repository/"
        + repository;
  }

  private static String errorMessage(AwsServiceException e) {
    if (e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null) {
      return e.awsErrorDetails().errorMessage();
    }
    return "HTTP " + e.statusCode();
  }

  private static <T extends Throwable> T find(Throwable error, Class<T> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
