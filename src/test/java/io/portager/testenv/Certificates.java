package io.portager.testenv;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Keys and certificates made with the {@code openssl} command (OpenSSL 3 syntax). */
final class Certificates {
  private static final String VALID_DAYS = "2";

  private Certificates() {}

  /** Writes an RSA 2048 private key in PKCS#8 PEM form. */
  static void generateRsaKey(Path key) {
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key);
  }

  /** Writes the public half of {@code key} as a PEM public key. */
  static void writePublicKey(Path key, Path publicKey) {
    openssl("pkey", "-in", key, "-pubout", "-out", publicKey);
  }

  /** Writes a self-signed certificate for {@code key}, usable as a CA and as a signer. */
  static void selfSign(Path key, Path certificate, String commonName) {
    openssl(
        "req",
        "-x509",
        "-new",
        "-key",
        key,
        "-subj",
        "/CN=" + commonName,
        "-days",
        VALID_DAYS,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,digitalSignature,keyCertSign",
        "-out",
        certificate);
  }

  /**
   * Writes a key and a client certificate (extended key usage clientAuth) signed by the CA.
   *
   * @param subject an OpenSSL subject such as {@code /O=system:masters/CN=admin}
   */
  static void issueClientCertificate(
      Path caCertificate, Path caKey, String subject, Path key, Path certificate) {
    Path directory = certificate.getParent();
    Path request = directory.resolve(certificate.getFileName() + ".csr");
    Path extensions = directory.resolve(certificate.getFileName() + ".ext");
    generateRsaKey(key);
    openssl("req", "-new", "-key", key, "-subj", subject, "-out", request);
    write(
        extensions,
        "basicConstraints=critical,CA:FALSE\n"
            + "keyUsage=critical,digitalSignature,keyEncipherment\n"
            + "extendedKeyUsage=clientAuth\n");
    String serial = Long.toString(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
    openssl(
        "x509",
        "-req",
        "-in",
        request,
        "-CA",
        caCertificate,
        "-CAkey",
        caKey,
        "-set_serial",
        serial,
        "-days",
        VALID_DAYS,
        "-extfile",
        extensions,
        "-out",
        certificate);
  }

  /** Reads a PKCS#8 PEM ({@code BEGIN PRIVATE KEY}) RSA key. */
  static PrivateKey readRsaPrivateKey(Path pem) {
    try {
      String text = Files.readString(pem);
      String base64 =
          text.replace("-----BEGIN PRIVATE KEY-----", "")
              .replace("-----END PRIVATE KEY-----", "")
              .replaceAll("\\s", "");
      byte[] der = Base64.getDecoder().decode(base64);
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IOException e) {
      throw new UncheckedIOException("read private key " + pem, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("parse private key " + pem + ": " + e.getMessage(), e);
    }
  }

  /** Reads every certificate in a PEM file, in file order. */
  static List<X509Certificate> readCertificates(Path pem) {
    try (InputStream input = Files.newInputStream(pem)) {
      List<X509Certificate> certificates = new ArrayList<>();
      for (Certificate certificate :
          CertificateFactory.getInstance("X.509").generateCertificates(input)) {
        certificates.add((X509Certificate) certificate);
      }
      if (certificates.isEmpty()) {
        throw new IllegalStateException("read certificates " + pem + ": file has none");
      }
      return certificates;
    } catch (IOException e) {
      throw new UncheckedIOException("read certificates " + pem, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("parse certificates " + pem + ": " + e.getMessage(), e);
    }
  }

  private static void openssl(Object... arguments) {
    Path binary = Tools.find("openssl");
    String[] strings = new String[arguments.length];
    for (int i = 0; i < arguments.length; i++) {
      strings[i] = arguments[i].toString();
    }
    Tools.run(Command.of(binary, strings));
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("write " + file, e);
    }
  }
}
