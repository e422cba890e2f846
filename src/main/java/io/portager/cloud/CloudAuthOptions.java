package io.portager.cloud;

/**
 * The per-ImageSync settings of a cloud auth method. {@code roleArn} is an AWS IAM role to assume
 * on top of the operator's own identity, with {@code externalId} when the role's trust policy
 * requires one. Both are null when unset, and methods other than ECR ignore them.
 */
public record CloudAuthOptions(String roleArn, String externalId) {
  public static final CloudAuthOptions NONE = new CloudAuthOptions(null, null);
}
