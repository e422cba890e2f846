package io.portager.kube;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and private keys. Keys may be PKCS#8 ({@code PRIVATE KEY}), PKCS#1 RSA
 * ({@code RSA PRIVATE KEY}) or SEC1 EC ({@code EC PRIVATE KEY}); the last two are wrapped into
 * PKCS#8 before the JDK reads them. Error messages name the source, never the key material.
 */
final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  /** Key algorithms to try for a PKCS#8 key, whose algorithm the JDK does not detect. */
  private static final List<String> PKCS8_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

  private Pem() {}

  /** One PEM block: the word between BEGIN and END, and the decoded DER bytes. */
  record Block(String type, byte[] der) {}

  static List<Block> blocks(byte[] pem, String source) {
    Matcher matcher = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
    List<Block> blocks = new ArrayList<>();
    while (matcher.find()) {
      if (matcher.group(2).contains("ENCRYPTED")) {
        // A legacy OpenSSL header such as "Proc-Type: 4,ENCRYPTED" inside the block.
        throw new KubeConfigException(
            source + ": encrypted private keys are not supported; decrypt the key first");
      }
      blocks.add(new Block(matcher.group(1), decodeBase64(matcher.group(2), source)));
    }
    return blocks;
  }

  /** Reads every CERTIFICATE block, so a CA bundle or a client chain keeps all its members. */
  static List<X509Certificate> certificates(byte[] pem, String source) {
    List<X509Certificate> certificates = new ArrayList<>();
    for (Block block : blocks(pem, source)) {
      if (block.type().equals("CERTIFICATE")) {
        certificates.add(parseCertificate(block.der(), source));
      }
    }
    if (certificates.isEmpty()) {
      throw new KubeConfigException(
          source + ": no PEM CERTIFICATE block found; provide a PEM-encoded X.509 certificate");
    }
    return certificates;
  }

  /** Reads the first private key block; other blocks such as EC PARAMETERS are skipped. */
  static PrivateKey privateKey(byte[] pem, String source) {
    for (Block block : blocks(pem, source)) {
      switch (block.type()) {
        case "PRIVATE KEY":
          return readPkcs8(block.der(), source);
        case "RSA PRIVATE KEY":
          return readPkcs8(wrapPkcs1(block.der()), source);
        case "EC PRIVATE KEY":
          return readPkcs8(wrapSec1(block.der(), source), source);
        case "ENCRYPTED PRIVATE KEY":
          throw new KubeConfigException(
              source + ": encrypted private keys are not supported; decrypt the key first");
        default:
          break;
      }
    }
    throw new KubeConfigException(
        source
            + ": no PEM private key block found; expected PRIVATE KEY, RSA PRIVATE KEY"
            + " or EC PRIVATE KEY");
  }

  private static X509Certificate parseCertificate(byte[] der, String source) {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new KubeConfigException(source + ": invalid X.509 certificate: " + e.getMessage(), e);
    }
  }

  private static PrivateKey readPkcs8(byte[] der, String source) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : PKCS8_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException e) {
        // Not this algorithm: try the next one.
      } catch (GeneralSecurityException e) {
        throw new KubeConfigException(source + ": read private key: " + e.getMessage(), e);
      }
    }
    throw new KubeConfigException(
        source + ": invalid private key: not an RSA, EC or EdDSA key in PKCS#8 form");
  }

  // PKCS#8 PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier, OCTET STRING key }.
  // RFC 8017 says the RSA AlgorithmIdentifier carries a NULL parameter.
  private static byte[] wrapPkcs1(byte[] pkcs1) {
    byte[] algorithm = Der.sequence(Der.RSA_ENCRYPTION_OID, Der.nullValue());
    return Der.sequence(Der.smallInteger(0), algorithm, Der.encode(Der.OCTET_STRING, pkcs1));
  }

  // SEC1 ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] curve OID, [1] ... }.
  // PKCS#8 moves the curve OID into the AlgorithmIdentifier, so it is copied out of [0].
  private static byte[] wrapSec1(byte[] sec1, String source) {
    byte[] curve = sec1CurveOid(sec1, source);
    byte[] algorithm = Der.sequence(Der.EC_PUBLIC_KEY_OID, curve);
    return Der.sequence(Der.smallInteger(0), algorithm, Der.encode(Der.OCTET_STRING, sec1));
  }

  private static byte[] sec1CurveOid(byte[] sec1, String source) {
    try {
      for (Der.Element element : Der.children(sec1)) {
        if (element.tag() == Der.CONTEXT_0) {
          Der.Element oid = Der.read(element.content(), 0);
          if (oid.tag() == Der.OBJECT_IDENTIFIER) {
            return oid.encoded();
          }
        }
      }
    } catch (IllegalArgumentException e) {
      throw new KubeConfigException(source + ": invalid EC private key: " + e.getMessage(), e);
    }
    throw new KubeConfigException(
        source + ": EC private key names no curve; write it with the named curve parameters");
  }

  private static byte[] decodeBase64(String body, String source) {
    try {
      return Base64.getMimeDecoder().decode(body.strip());
    } catch (IllegalArgumentException e) {
      throw new KubeConfigException(source + ": PEM block is not valid base64", e);
    }
  }
}
