package io.portager.imagesync;

/**
 * The permission to grant when a registry rejects a cloud identity with 401 or 403. The actions and
 * roles are those that docs/ecr.md, docs/gcp.md and docs/azure.md list for pulling and pushing.
 */
final class CloudAuthHints {
  private CloudAuthHints() {}

  /**
   * Returns what to grant for the side of the sync whose registry {@code message} names, or null
   * when that side uses no cloud method or the message names neither registry host, or both.
   */
  static String forFailure(
      String message,
      AuthPlan sourceAuth,
      String sourceHost,
      AuthPlan destinationAuth,
      String destinationHost) {
    boolean source = message.contains("//" + sourceHost + "/");
    boolean destination = message.contains("//" + destinationHost + "/");
    if (source == destination) {
      return null;
    }
    return source ? hint(sourceAuth, true) : hint(destinationAuth, false);
  }

  private static String hint(AuthPlan auth, boolean source) {
    switch (auth.method()) {
      case AuthPlan.ECR:
        return "allow "
            + (source
                ? "ecr:BatchGetImage and ecr:GetDownloadUrlForLayer"
                : "ecr:BatchCheckLayerAvailability, ecr:InitiateLayerUpload, ecr:UploadLayerPart,"
                    + " ecr:CompleteLayerUpload and ecr:PutImage")
            + " on the repository for "
            + (auth.cloud().roleArn() == null
                ? "the operator's IAM role"
                : "role " + auth.cloud().roleArn())
            + " (see docs/ecr.md)";
      case AuthPlan.GAR:
        return "grant "
            + (source ? "roles/artifactregistry.reader" : "roles/artifactregistry.writer")
            + " on the repository to the operator's Google identity (see docs/gcp.md)";
      case AuthPlan.ACR:
        return "assign the "
            + (source ? "AcrPull" : "AcrPush")
            + " role on the registry to the operator's managed identity (see docs/azure.md)";
      default:
        return null;
    }
  }
}
