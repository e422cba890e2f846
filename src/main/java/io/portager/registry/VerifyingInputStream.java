package io.portager.registry;

import io.portager.oci.Descriptor;
import io.portager.oci.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A blob stream that hashes and counts what passes through and fails, with {@link
 * MismatchException}, as soon as it reads more bytes than the descriptor's size or reaches the end
 * with the wrong size or digest. Failing inside the stream aborts an upload that reads from it, so
 * the last bytes of a corrupt blob are never sent. Methods are synchronized because the HTTP client
 * reads on its own threads while the copying thread may call {@link #verify}.
 */
final class VerifyingInputStream extends FilterInputStream {
  private final Descriptor expected;
  private final MessageDigest hasher;
  private long count;
  private Digest actual;
  private String mismatch;
  private IOException sourceFailure;

  VerifyingInputStream(InputStream in, Descriptor expected) {
    super(in);
    this.expected = expected;
    this.hasher = expected.digest().newMessageDigest();
  }

  /** Thrown from reads when the content does not match the descriptor. */
  static final class MismatchException extends IOException {
    MismatchException(String message) {
      super(message);
    }
  }

  @Override
  public synchronized int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public synchronized int read(byte[] buffer, int offset, int length) throws IOException {
    int n;
    try {
      n = super.read(buffer, offset, length);
    } catch (IOException e) {
      sourceFailure = e;
      throw e;
    }
    if (n == -1) {
      checkAtEnd();
      return -1;
    }
    hasher.update(buffer, offset, n);
    count += n;
    if (count > expected.size()) {
      throw mismatch(sizeMismatch());
    }
    return n;
  }

  /**
   * Does nothing, because the HTTP client closes a body stream at its end, before {@link #verify}
   * has run. {@link #closeSource} closes the source.
   */
  @Override
  public void close() {}

  void closeSource() throws IOException {
    super.close();
  }

  @Override
  public long skip(long n) throws IOException {
    throw new IOException("skip is not supported: every byte must be hashed");
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /**
   * Reads any rest of the stream and returns what is wrong with the content, or empty when size and
   * digest match. Throws IOException when the source failed for another reason.
   */
  synchronized Optional<String> verify() throws IOException {
    byte[] buffer = new byte[8192];
    try {
      while (read(buffer, 0, buffer.length) != -1) {
        // Reading is the point: the bytes only go through the hasher.
      }
    } catch (MismatchException e) {
      return Optional.of(e.getMessage());
    }
    return Optional.empty();
  }

  /**
   * Returns the error a read from the source has already thrown, such as a reset connection. An
   * upload that reads from this stream fails with its own error then, which names the destination.
   */
  synchronized Optional<IOException> sourceFailureSeen() {
    return Optional.ofNullable(sourceFailure);
  }

  /** Returns the mismatch a read has already thrown, without reading further. */
  synchronized Optional<String> mismatchSeen() {
    return Optional.ofNullable(mismatch);
  }

  long count() {
    return count;
  }

  private void checkAtEnd() throws MismatchException {
    if (count != expected.size()) {
      throw mismatch(sizeMismatch());
    }
    if (actual == null) {
      actual = new Digest(expected.digest().algorithm(), HexFormat.of().formatHex(hasher.digest()));
    }
    if (!actual.equals(expected.digest())) {
      throw mismatch(
          "verify blob "
              + expected.digest()
              + ": got digest "
              + actual
              + ", want "
              + expected.digest());
    }
  }

  private MismatchException mismatch(String message) {
    mismatch = message;
    return new MismatchException(message);
  }

  private String sizeMismatch() {
    String got = count > expected.size() ? "more than " + expected.size() : Long.toString(count);
    return "verify blob " + expected.digest() + ": got " + got + " bytes, want " + expected.size();
  }
}
