/**
 * Credentials for registries, read from Kubernetes secrets of type {@code
 * kubernetes.io/dockerconfigjson}.
 *
 * <p>Depends on {@code io.portager.registry} for the Credential type only.
 *
 * <p>Known limits: identity tokens, credential helpers and the legacy {@code .dockercfg} format are
 * not read; a key with a repository path counts for the whole host.
 */
package io.portager.credentials;
