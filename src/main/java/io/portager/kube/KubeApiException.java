package io.portager.kube;

/**
 * A failed Kubernetes API request: the HTTP status (0 when no response arrived), the Status reason
 * and message, and whether retrying the same request can help.
 */
public class KubeApiException extends RuntimeException {
  private final int code;
  private final String reason;

  public KubeApiException(int code, String reason, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.reason = reason;
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  /** True for 404 Not Found. */
  public boolean isNotFound() {
    return code == 404;
  }

  /** True for 409 Conflict. */
  public boolean isConflict() {
    return code == 409;
  }

  /** True for 410 Gone or reason Expired/Gone: the resourceVersion is too old, so relist. */
  public boolean isGone() {
    return code == 410 || "Expired".equals(reason) || "Gone".equals(reason);
  }

  /** True when the same request may succeed later: no response, 429 or 5xx. */
  public boolean isRetryable() {
    return code == 0 || code == 429 || code >= 500;
  }
}
