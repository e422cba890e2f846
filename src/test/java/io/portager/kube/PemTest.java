package io.portager.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PemTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "PKCS#1 RSA, pkcs1, RSA",
    "SEC1 EC with parameters block, sec1, EC",
    "PKCS#8 RSA, pkcs8-rsa, RSA",
    "PKCS#8 EC, pkcs8-ec, EC",
    "PKCS#8 Ed25519, pkcs8-ed25519, EdDSA",
  })
  void readsPrivateKey(String name, String kind, String algorithm) throws Exception {
    TestPki pki = new TestPki(dir);
    Path file =
        switch (kind) {
          case "pkcs1" -> pki.rsaPkcs1Key(kind);
          case "sec1" -> pki.ecSec1Key(kind);
          case "pkcs8-rsa" -> pki.pkcs8Key(kind, "RSA");
          case "pkcs8-ec" -> pki.pkcs8Key(kind, "EC");
          default -> pki.pkcs8Key(kind, "Ed25519");
        };

    PrivateKey key = Pem.privateKey(Files.readAllBytes(file), "test key");

    assertEquals(algorithm, key.getAlgorithm());
  }

  @Test
  void pkcs1KeyMatchesOpensslPkcs8() throws Exception {
    TestPki pki = new TestPki(dir);
    Path pkcs1 = pki.rsaPkcs1Key("rsa");
    Path certificate = pki.selfSignedCertificate("rsa", pkcs1);

    PrivateKey key = Pem.privateKey(Files.readAllBytes(pkcs1), "test key");
    X509Certificate cert = Pem.certificates(Files.readAllBytes(certificate), "test cert").get(0);

    Signature signer = Signature.getInstance("SHA256withRSA");
    signer.initSign(key);
    signer.update(new byte[] {1, 2, 3});
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(cert.getPublicKey());
    verifier.update(new byte[] {1, 2, 3});
    assertTrue(verifier.verify(signature));
  }

  @Test
  void readsEveryCertificateInBundle() throws Exception {
    TestPki pki = new TestPki(dir);
    Path first = pki.selfSignedCertificate("first", pki.rsaPkcs1Key("first"));
    Path second = pki.selfSignedCertificate("second", pki.ecSec1Key("second"));
    String bundle =
        "# comment lines are ignored\n" + Files.readString(first) + "\n" + Files.readString(second);

    List<X509Certificate> certificates =
        Pem.certificates(bundle.getBytes(StandardCharsets.US_ASCII), "bundle");

    assertEquals(2, certificates.size());
    assertEquals("CN=first", certificates.get(0).getSubjectX500Principal().getName());
    assertEquals("CN=second", certificates.get(1).getSubjectX500Principal().getName());
  }

  @Test
  void encryptedKeyRejected() {
    String pem = TestPki.pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3});

    KubeConfigException error =
        assertThrows(
            KubeConfigException.class,
            () -> Pem.privateKey(pem.getBytes(StandardCharsets.US_ASCII), "user key"));

    assertTrue(error.getMessage().contains("encrypted private keys are not supported"));
  }

  @Test
  void missingKeyBlockRejected() throws Exception {
    Path certificate =
        new TestPki(dir).selfSignedCertificate("c", new TestPki(dir).rsaPkcs1Key("c"));

    KubeConfigException error =
        assertThrows(
            KubeConfigException.class,
            () -> Pem.privateKey(Files.readAllBytes(certificate), "user key"));

    assertTrue(error.getMessage().startsWith("user key: no PEM private key block"));
  }

  @Test
  void invalidKeyMessageOmitsKey() {
    byte[] garbage = "not really a key but secret-looking".getBytes(StandardCharsets.US_ASCII);
    String pem = TestPki.pem("PRIVATE KEY", garbage);

    KubeConfigException error =
        assertThrows(
            KubeConfigException.class,
            () -> Pem.privateKey(pem.getBytes(StandardCharsets.US_ASCII), "user key"));

    assertFalse(error.getMessage().contains("secret-looking"));
    assertFalse(error.getMessage().contains(TestPki.pem("X", garbage).split("\n")[1]));
  }

  @Test
  void ecKeyWithoutCurveRejected() {
    // SEC1 ECPrivateKey with version 1 and a private key but no [0] parameters.
    byte[] sec1 = Der.sequence(Der.smallInteger(1), Der.encode(Der.OCTET_STRING, new byte[32]));
    String pem = TestPki.pem("EC PRIVATE KEY", sec1);

    KubeConfigException error =
        assertThrows(
            KubeConfigException.class,
            () -> Pem.privateKey(pem.getBytes(StandardCharsets.US_ASCII), "user key"));

    assertTrue(error.getMessage().contains("names no curve"));
  }
}
