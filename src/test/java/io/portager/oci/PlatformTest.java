package io.portager.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PlatformTest {
  @ParameterizedTest
  @CsvSource({
    "linux/amd64, linux, amd64, ",
    "linux/arm64/v8, linux, arm64, v8",
    "linux/arm/v7, linux, arm, v7",
    "windows/amd64, windows, amd64, ",
  })
  void parsesValidForms(String text, String os, String architecture, String variant) {
    assertEquals(new Platform(os, architecture, variant), Platform.parse(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "linux", "linux/", "/amd64", "linux/arm64/v8/x", "Linux/AMD64", "linux//v8"})
  void rejectsInvalidForms(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Platform.parse(text));

    assertTrue(e.getMessage().contains("os/architecture[/variant]"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "linux/amd64, linux/amd64, true",
    "linux/amd64, linux/arm64, false",
    "windows/amd64, linux/amd64, false",
    "linux/arm64/v8, linux/arm64, true",
    "linux/arm64, linux/arm64/v8, true",
    "linux/arm64/v8, linux/arm64/v8, true",
    "linux/arm64/v9, linux/arm64/v8, false",
    "linux/arm64/v9, linux/arm64, true",
    "linux/arm/v6, linux/arm/v7, false",
    "linux/arm/v7, linux/arm, true",
    "linux/arm, linux/arm/v7, false",
  })
  void matchesRequestedPlatform(String candidate, String requested, boolean expected) {
    assertEquals(expected, Platform.parse(candidate).matches(Platform.parse(requested)));
  }

  @Test
  void readsPlatformFromImageConfig() {
    byte[] config =
        "{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\",\"rootfs\":{}}"
            .getBytes(StandardCharsets.UTF_8);

    assertEquals(new Platform("linux", "arm", "v7"), Platform.ofImageConfig(config));
  }

  @Test
  void rejectsConfigWithoutArchitecture() {
    byte[] config = "{\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);

    assertThrows(IllegalArgumentException.class, () -> Platform.ofImageConfig(config));
  }
}
