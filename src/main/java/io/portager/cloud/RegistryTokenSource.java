package io.portager.cloud;

import io.portager.registry.Credential;

/**
 * A source of short-lived registry credentials issued by a cloud's identity service (ECR's
 * authorization token, a Google access token, an ACR refresh token). Implementations cache what
 * they fetch until shortly before it expires and are safe for concurrent use.
 */
public interface RegistryTokenSource {
  /**
   * Returns a credential for {@code registryHost}, fetching a new one when none is cached or the
   * cached one expires soon.
   *
   * @throws CloudCredentialException when the identity service rejects the request or cannot be
   *     reached; its message is safe to show to users
   */
  Credential credential(String registryHost);
}
