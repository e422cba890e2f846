package io.portager.cloud;

/**
 * A failure to obtain registry credentials from a cloud identity service. The message names the
 * host, the identity and the missing permission or setting, and never a token or key.
 */
public class CloudCredentialException extends RuntimeException {
  private final boolean retryable;

  public CloudCredentialException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public CloudCredentialException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** True when a later attempt may succeed without a change to the configuration. */
  public boolean retryable() {
    return retryable;
  }
}
