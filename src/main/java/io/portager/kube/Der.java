package io.portager.kube;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The few ASN.1 DER encodings and decodings needed to wrap PKCS#1 and SEC1 private keys into
 * PKCS#8, which is the only private key format the JDK's {@code KeyFactory} reads.
 */
final class Der {
  static final int INTEGER = 0x02;
  static final int OCTET_STRING = 0x04;
  static final int NULL = 0x05;
  static final int OBJECT_IDENTIFIER = 0x06;
  static final int SEQUENCE = 0x30;

  /** Tag [0] EXPLICIT, which SEC1 uses for the curve parameters. */
  static final int CONTEXT_0 = 0xa0;

  /** rsaEncryption, 1.2.840.113549.1.1.1, as a complete DER OBJECT IDENTIFIER. */
  static final byte[] RSA_ENCRYPTION_OID = HexFormat.of().parseHex("06092a864886f70d010101");

  /** id-ecPublicKey, 1.2.840.10045.2.1, as a complete DER OBJECT IDENTIFIER. */
  static final byte[] EC_PUBLIC_KEY_OID = HexFormat.of().parseHex("06072a8648ce3d0201");

  private Der() {}

  /** One decoded element: its tag, its complete encoding and its content bytes. */
  record Element(int tag, byte[] encoded, byte[] content) {}

  static byte[] encode(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    writeLength(out, content.length);
    out.writeBytes(content);
    return out.toByteArray();
  }

  static byte[] sequence(byte[]... elements) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] element : elements) {
      content.writeBytes(element);
    }
    return encode(SEQUENCE, content.toByteArray());
  }

  static byte[] smallInteger(int value) {
    if (value < 0 || value > 127) {
      throw new IllegalArgumentException("small DER integer out of range: " + value);
    }
    return encode(INTEGER, new byte[] {(byte) value});
  }

  static byte[] nullValue() {
    return encode(NULL, new byte[0]);
  }

  /**
   * Decodes the elements directly inside the constructed element at the start of {@code der}.
   *
   * @throws IllegalArgumentException when the bytes are not well-formed DER
   */
  static Element[] children(byte[] der) {
    Element outer = read(der, 0);
    byte[] content = outer.content();
    List<Element> elements = new ArrayList<>();
    int offset = 0;
    while (offset < content.length) {
      Element element = read(content, offset);
      elements.add(element);
      offset += element.encoded().length;
    }
    return elements.toArray(new Element[0]);
  }

  /** Decodes one element that starts at {@code offset}. */
  static Element read(byte[] der, int offset) {
    int position = offset;
    int tag = byteAt(der, position++) & 0xff;
    int first = byteAt(der, position++) & 0xff;
    int length;
    if (first < 0x80) {
      length = first;
    } else {
      int lengthBytes = first & 0x7f;
      if (lengthBytes == 0 || lengthBytes > 3) {
        throw new IllegalArgumentException("unsupported DER length encoding");
      }
      length = 0;
      for (int i = 0; i < lengthBytes; i++) {
        length = (length << 8) | (byteAt(der, position++) & 0xff);
      }
    }
    if (position + length > der.length) {
      throw new IllegalArgumentException("truncated DER element");
    }
    byte[] content = Arrays.copyOfRange(der, position, position + length);
    byte[] encoded = Arrays.copyOfRange(der, offset, position + length);
    return new Element(tag, encoded, content);
  }

  private static byte byteAt(byte[] der, int position) {
    if (position >= der.length) {
      throw new IllegalArgumentException("truncated DER element");
    }
    return der[position];
  }

  private static void writeLength(ByteArrayOutputStream out, int length) {
    if (length < 0x80) {
      out.write(length);
      return;
    }
    int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
    out.write(0x80 | bytes);
    for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
      out.write((length >>> shift) & 0xff);
    }
  }
}
