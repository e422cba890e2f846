package io.portager.registry;

/**
 * A failed registry request: method, URL without its query, HTTP status (0 when no response
 * arrived), the registry's error code, and whether a retry can help. Never carries credentials.
 */
public class RegistryException extends RuntimeException {
  private final int status;
  private final String errorCode;

  public RegistryException(int status, String errorCode, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorCode = errorCode;
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

  /** True for 401 and 403 after authentication was tried. */
  public boolean isAuthFailure() {
    return status == 401 || status == 403;
  }

  public boolean isRetryable() {
    return status == 0 || status == 429 || status >= 500;
  }
}
