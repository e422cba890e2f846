package io.portager.imagesync;

/**
 * A spec the operator cannot act on. The reason is the Ready condition's reason (InvalidSpec,
 * InvalidSchedule or UnsupportedAuthMethod) and the message says what to change.
 */
final class InvalidSpecException extends RuntimeException {
  private final String reason;

  InvalidSpecException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  String reason() {
    return reason;
  }
}
