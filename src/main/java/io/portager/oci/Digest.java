package io.portager.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content address such as {@code sha256:<64 hex>}. Only sha256 and sha512 are accepted, the two
 * algorithms the OCI image spec registers, with lower-case hex of their exact length.
 */
public record Digest(String algorithm, String hex) {
  private static final Pattern LOWER_HEX = Pattern.compile("[0-9a-f]+");

  public Digest {
    int want = hexLength(algorithm);
    if (hex == null || hex.length() != want || !LOWER_HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException(
          "parse digest "
              + algorithm
              + ":"
              + hex
              + ": want "
              + want
              + " lower-case hex characters after '"
              + algorithm
              + ":'");
    }
  }

  /** Parses {@code algorithm:hex}; throws IllegalArgumentException when malformed. */
  public static Digest parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("parse digest: missing value");
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "parse digest " + text + ": want algorithm:hex, such as sha256:<64 hex>");
    }
    return new Digest(text.substring(0, colon), text.substring(colon + 1));
  }

  /** Returns the sha256 digest of these exact bytes. */
  public static Digest sha256(byte[] bytes) {
    return new Digest("sha256", HexFormat.of().formatHex(newMessageDigest("sha256").digest(bytes)));
  }

  /** Returns a fresh hasher for this digest's algorithm, for checking content while it streams. */
  public MessageDigest newMessageDigest() {
    return newMessageDigest(algorithm);
  }

  /** Returns true when {@code hash} (the raw output of {@link #newMessageDigest}) matches. */
  public boolean matches(byte[] hash) {
    return hex.equals(HexFormat.of().formatHex(hash));
  }

  /**
   * Returns the tag that stands for this digest in the referrers tag schema of the OCI distribution
   * spec (v1.1): {@code <algorithm>-<hex>}, with the algorithm cut to 32 and the hex to 64
   * characters so the tag fits the 128-character tag grammar, such as {@code sha256-<64 hex>}.
   */
  public String referrersTag() {
    String shortAlgorithm = algorithm.length() > 32 ? algorithm.substring(0, 32) : algorithm;
    String shortHex = hex.length() > 64 ? hex.substring(0, 64) : hex;
    return shortAlgorithm + "-" + shortHex;
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }

  private static int hexLength(String algorithm) {
    if ("sha256".equals(algorithm)) {
      return 64;
    }
    if ("sha512".equals(algorithm)) {
      return 128;
    }
    throw new IllegalArgumentException(
        "parse digest: unsupported algorithm " + algorithm + ", want sha256 or sha512");
  }

  private static MessageDigest newMessageDigest(String algorithm) {
    String jcaName = "sha256".equals(algorithm) ? "SHA-256" : "SHA-512";
    try {
      return MessageDigest.getInstance(jcaName);
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256 and SHA-512 (MessageDigest javadoc).
      throw new IllegalStateException("create " + jcaName + " hasher: " + e.getMessage(), e);
    }
  }
}
