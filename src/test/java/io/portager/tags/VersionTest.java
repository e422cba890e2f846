package io.portager.tags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VersionTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1.2.3                          | 1 | 2  | 3  | ''                  | ''          | 1.2.3",
        "v1.2.3                         | 1 | 2  | 3  | ''                  | ''          | 1.2.3",
        "V1.2.3                         | 1 | 2  | 3  | ''                  | ''          | 1.2.3",
        "1                              | 1 | 0  | 0  | ''                  | ''          | 1.0.0",
        "1.2                            | 1 | 2  | 0  | ''                  | ''          | 1.2.0",
        "v1.2                           | 1 | 2  | 0  | ''                  | ''          | 1.2.0",
        "0.0.0                          | 0 | 0  | 0  | ''                  | ''          | 0.0.0",
        "10.20.30                       | 10 | 20 | 30 | ''                 | ''          | 10.20.30",
        "1.2.3-rc.1                     | 1 | 2  | 3  | rc.1                | ''          | 1.2.3-rc.1",
        "1.2.3-alpha-1                  | 1 | 2  | 3  | alpha-1             | ''          | 1.2.3-alpha-1",
        "1.0.0-0                        | 1 | 0  | 0  | 0                   | ''          | 1.0.0-0",
        "1.0.0-x.7.z.92                 | 1 | 0  | 0  | x.7.z.92            | ''          | 1.0.0-x.7.z.92",
        "1.0.0-0a.00a                   | 1 | 0  | 0  | 0a.00a              | ''          | 1.0.0-0a.00a",
        "1.2.3+build.5                  | 1 | 2  | 3  | ''                  | build.5     | 1.2.3+build.5",
        "1.0.0+01                       | 1 | 0  | 0  | ''                  | 01          | 1.0.0+01",
        "1.0.0-beta+exp.sha.5114f85     | 1 | 0  | 0  | beta                | exp.sha.5114f85 | 1.0.0-beta+exp.sha.5114f85",
        "1.2-rc1                        | 1 | 2  | 0  | rc1                 | ''          | 1.2.0-rc1",
        "v2+meta                        | 2 | 0  | 0  | ''                  | meta        | 2.0.0+meta",
        "9223372036854775807.0.0        | 9223372036854775807 | 0 | 0 | '' | ''         | 9223372036854775807.0.0",
      })
  void parsesVersion(
      String tag,
      long major,
      long minor,
      long patch,
      String prerelease,
      String build,
      String canonical) {
    Version version = Version.parse(tag).orElseThrow();

    assertEquals(major, version.major());
    assertEquals(minor, version.minor());
    assertEquals(patch, version.patch());
    assertEquals(prerelease, String.join(".", version.prerelease()));
    assertEquals(build, version.build());
    assertEquals(tag, version.tag());
    assertEquals(canonical, version.toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "latest",
        "main",
        "sha-abc",
        "stable-alpine",
        "1.2.3.4",
        "01.2.3",
        "1.02.3",
        "1.2.03",
        "2024.01.05",
        "1.2.3-01",
        "1.2.3-rc.01",
        "v",
        "vv1.2.3",
        "v 1.2.3",
        " 1.2.3",
        "1.2.3 ",
        "1.",
        ".1",
        "1..2",
        "1.2.3-",
        "1.2.3+",
        "1.2.3-a..b",
        "1.2.3+a..b",
        "1.2.3_1",
        "1.2.3-beta!",
        "1.x",
        "*",
        "-1.2.3",
        "9223372036854775808.0.0",
        "1.99999999999999999999.0",
      })
  void rejectsNonVersion(String tag) {
    assertEquals(Optional.empty(), Version.parse(tag));
  }

  @Test
  void rejectsTagOver128Characters() {
    String longest = "1.2.3-" + "a".repeat(Version.MAX_TAG_LENGTH - 6);
    String tooLong = longest + "a";

    assertTrue(Version.parse(longest).isPresent());
    assertEquals(Optional.empty(), Version.parse(tooLong));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '<',
      value = {
        // The precedence example from the SemVer 2.0.0 specification, item 11.
        "1.0.0-alpha < 1.0.0-alpha.1",
        "1.0.0-alpha.1 < 1.0.0-alpha.beta",
        "1.0.0-alpha.beta < 1.0.0-beta",
        "1.0.0-beta < 1.0.0-beta.2",
        "1.0.0-beta.2 < 1.0.0-beta.11",
        "1.0.0-beta.11 < 1.0.0-rc.1",
        "1.0.0-rc.1 < 1.0.0",
        "1.0.0 < 2.0.0",
        "2.0.0 < 2.1.0",
        "2.1.0 < 2.1.1",
        "1.9.0 < 1.10.0",
        "1.2 < 1.2.1",
        "v1.2.3 < 1.2.4",
        "1.0.0-1 < 1.0.0-a",
        "1.0.0-9 < 1.0.0-10",
        "1.0.0-A < 1.0.0-a",
        "1.0.0-alpha-1 < 1.0.0-alpha1",
        "1.0.0-9999 < 1.0.0-99999999999999999999",
        "1.0.0-99999999999999999999 < 1.0.0-99999999999999999999a",
        "0.0.0-0 < 0.0.0",
        "1.0.0+zzz < 1.0.1+aaa",
      })
  void ordersByPrecedence(String lower, String higher) {
    Version low = Version.parse(lower.strip()).orElseThrow();
    Version high = Version.parse(higher.strip()).orElseThrow();

    assertTrue(low.compareTo(high) < 0, lower + " should be below " + higher);
    assertTrue(high.compareTo(low) > 0, higher + " should be above " + lower);
  }

  @ParameterizedTest
  @CsvSource({
    "1.2, 1.2.0",
    "1.2.0, v1.2.0",
    "1.2.0, V1.2",
    "1.2.0, 1.2.0+build.1",
    "1.2.0-rc.1+a, 1.2.0-rc.1+b",
  })
  void comparesEqualIgnoringBuildAndPrefix(String left, String right) {
    Version first = Version.parse(left).orElseThrow();
    Version second = Version.parse(right).orElseThrow();

    assertEquals(0, first.compareTo(second));
    assertNotEquals(first, second);
  }

  @Test
  void sortsSpecificationExample() {
    List<String> tags =
        List.of(
            "1.0.0",
            "1.0.0-rc.1",
            "1.0.0-beta.11",
            "1.0.0-beta.2",
            "1.0.0-beta",
            "1.0.0-alpha.beta",
            "1.0.0-alpha.1",
            "1.0.0-alpha");

    List<String> sorted =
        tags.stream()
            .map(tag -> Version.parse(tag).orElseThrow())
            .sorted()
            .map(Version::tag)
            .toList();

    assertEquals(
        List.of(
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0"),
        sorted);
  }

  @Test
  void isPrereleaseOnlyWithPrerelease() {
    assertTrue(Version.parse("1.0.0-rc.1").orElseThrow().isPrerelease());
    assertFalse(Version.parse("1.0.0+rc.1").orElseThrow().isPrerelease());
  }

  @Test
  void rejectsNegativeNumber() {
    assertThrows(
        IllegalArgumentException.class, () -> new Version(1, -1, 0, List.of(), "", "1.-1.0"));
  }
}
