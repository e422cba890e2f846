package io.portager.imagesync;

import io.portager.cloud.CloudAuthOptions;

/**
 * The validated authentication settings for one registry. {@code field} is the spec field that
 * messages name. {@code secretRef} is set for method secret only, and {@code cloud} contains the
 * role settings of a cloud method.
 */
record AuthPlan(
    String field, String method, ImageSyncSpec.SecretRef secretRef, CloudAuthOptions cloud) {
  static final String SECRET = "secret";
  static final String ANONYMOUS = "anonymous";
  static final String ECR = "ecr";
  static final String GAR = "gar";
  static final String ACR = "acr";

  static AuthPlan anonymous(String field) {
    return new AuthPlan(field, ANONYMOUS, null, CloudAuthOptions.NONE);
  }

  boolean isCloud() {
    return !method.equals(SECRET) && !method.equals(ANONYMOUS);
  }
}
