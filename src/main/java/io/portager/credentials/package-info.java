/**
 * Credentials for registries, read from Kubernetes secrets of type {@code
 * kubernetes.io/dockerconfigjson} (and the legacy {@code kubernetes.io/dockercfg}, whose content is
 * the {@code auths} map alone).
 *
 * <p>Depends on {@code io.portager.registry} for the Credential type only.
 *
 * <p>Known limits: credential helpers, {@code credsStore} and {@code registrytoken} entries are not
 * read.
 */
package io.portager.credentials;
