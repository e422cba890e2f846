package io.portager.imagesync;

/** Credentials that could not be resolved; the message names the Secret and the fix. */
final class CredentialException extends RuntimeException {
  CredentialException(String message) {
    super(message);
  }
}
