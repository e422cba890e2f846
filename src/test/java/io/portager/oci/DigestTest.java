package io.portager.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {
  private static final String HEX64 = "a".repeat(64);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "sha256:0000000000000000000000000000000000000000000000000000000000000000",
      })
  void parsesSha256(String text) {
    assertEquals(text, Digest.parse(text).toString());
  }

  @Test
  void parsesSha512() {
    Digest digest = Digest.parse("sha512:" + "0f".repeat(64));

    assertEquals("sha512", digest.algorithm());
    assertEquals(128, digest.hex().length());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "sha256:abc | want 64 lower-case hex",
        "sha256:"
            + "A"
            + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | lower-case hex",
        "sha256:"
            + "g"
            + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | lower-case hex",
        "md5:d41d8cd98f00b204e9800998ecf8427e | unsupported algorithm md5",
        "SHA256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | unsupported algorithm",
        "sha512:aaaa | want 128 lower-case hex",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | want algorithm:hex",
        "sha256: | want 64",
      })
  void rejectsMalformedDigest(String text, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Digest.parse(text));

    assertTrue(e.getMessage().contains(message.trim()), e.getMessage());
  }

  @Test
  void sha256OfEmptyInput() {
    assertEquals(
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        Digest.sha256(new byte[0]).toString());
  }

  @Test
  void sha256OfText() {
    assertEquals(
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        Digest.sha256("abc".getBytes(StandardCharsets.UTF_8)).toString());
  }

  @Test
  void recordEquality() {
    assertEquals(new Digest("sha256", HEX64), Digest.parse("sha256:" + HEX64));
  }

  @Test
  void referrersTagReplacesColon() {
    Digest digest = Digest.parse("sha256:" + "ab".repeat(32));

    assertEquals("sha256-" + "ab".repeat(32), digest.referrersTag());
  }

  @Test
  void referrersTagCutsSha512Hex() {
    Digest digest = new Digest("sha512", "c".repeat(128));

    assertEquals("sha512-" + "c".repeat(64), digest.referrersTag());
    assertTrue(Reference.isValidTag(digest.referrersTag()));
  }
}
