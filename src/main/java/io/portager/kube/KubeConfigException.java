package io.portager.kube;

/**
 * An invalid or unreadable client configuration: a kubeconfig file, a field in it, or the
 * in-cluster service account files. Retrying does not help; the configuration must be fixed.
 */
public class KubeConfigException extends RuntimeException {
  public KubeConfigException(String message) {
    super(message);
  }

  public KubeConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
