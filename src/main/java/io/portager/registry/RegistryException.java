package io.portager.registry;

/**
 * A failed registry request: method, URL without its query, HTTP status (0 when no response
 * arrived), the registry's error code, and whether a retry can help. Never carries credentials.
 */
public class RegistryException extends RuntimeException {
  private final int status;
  private final String errorCode;
  private final boolean retryable;

  /** Creates an exception that is retryable for status 0 (no response), 429 and 5xx. */
  public RegistryException(int status, String errorCode, String message, Throwable cause) {
    this(status, errorCode, message, cause, status == 0 || status == 429 || status >= 500);
  }

  /** Creates an exception whose retryability the caller decides, such as a digest mismatch. */
  public RegistryException(
      int status, String errorCode, String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.status = status;
    this.errorCode = errorCode;
    this.retryable = retryable;
  }

  public int status() {
    return status;
  }

  /** The first OCI error code of the response body, such as MANIFEST_UNKNOWN, or null. */
  public String errorCode() {
    return errorCode;
  }

  public boolean isNotFound() {
    return status == 404;
  }

  /**
   * True for 401 and 403. The client handles a first 401 by authenticating and retrying, so a 401
   * or 403 that reaches the caller came after authentication was tried.
   */
  public boolean isAuthFailure() {
    return status == 401 || status == 403;
  }

  public boolean isRetryable() {
    return retryable;
  }
}
