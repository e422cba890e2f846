package io.portager.tags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConstraintTest {

  @ParameterizedTest(name = "\"{0}\" with {1}: {2}")
  @CsvSource(
      delimiter = ';',
      value = {
        // = and no operator: a full version is exact, a partial one is a range.
        "=1.2.3; 1.2.3; true",
        "=1.2.3; 1.2.4; false",
        "=1.2.3; 1.2.3+build.7; true",
        "1.2.3; 1.2.3; true",
        "1.2.3; v1.2.3; true",
        "v1.2.3; 1.2.3; true",
        "V1.2.3; 1.2.3; true",
        "=v1.2.3; 1.2.3; true",
        "= 1.2.3; 1.2.3; true",
        "1.2; 1.2.0; true",
        "1.2; 1.2.9; true",
        "1.2; 1.3.0; false",
        "1.2; 1.1.9; false",
        "=1.2; 1.2.5; true",
        "1; 1.9.9; true",
        "1; 2.0.0; false",
        "1; 0.9.0; false",
        "1.x; 1.4.0; true",
        "1.x; 2.0.0; false",
        "1.X; 1.4.0; true",
        "1.*; 1.4.0; true",
        "1.3.x; 1.3.7; true",
        "1.3.x; 1.4.0; false",
        "1.x.x; 1.5.5; true",
        "1.x.3; 1.5.0; true",
        "*; 0.0.0; true",
        "*; 99.1.2; true",
        "x; 3.0.0; true",
        "X; 3.0.0; true",
        "*; 1.0.0-beta; false",
        "1.2.3-beta; 1.2.3-beta; true",
        "=1.2.3-beta; 1.2.3-beta.1; false",
        "=1.2.3-beta; 1.2.3; false",
        // !=
        "!=1.2.3; 1.2.3; false",
        "!=1.2.3; 1.2.4; true",
        "!=1.2.3; 1.2.3+build; false",
        "!=1.2; 1.2.5; false",
        "!=1.2; 1.3.0; true",
        "!=1.x; 1.9.0; false",
        "!=1.x; 2.0.0; true",
        "!=*; 1.0.0; false",
        "!=1.2.3; 1.2.4-beta; false",
        // >: above the whole range of a partial version.
        ">1.2.3; 1.2.4; true",
        ">1.2.3; 1.2.3; false",
        ">1.2.3; 1.2.3+build; false",
        ">1.2; 1.2.9; false",
        ">1.2; 1.3.0; true",
        ">1; 1.9.9; false",
        ">1; 2.0.0; true",
        ">1.x; 1.5.0; false",
        ">1.x; 2.0.0; true",
        ">*; 1.0.0; false",
        ">1.2.3; 2.0.0-beta; false",
        // >= and =>: the lowest version of the range.
        ">=1.2.3; 1.2.3; true",
        ">=1.2.3; 1.2.2; false",
        "=>1.2.3; 1.2.3; true",
        "=>1.2.3; 1.2.2; false",
        ">=1.2; 1.2.0; true",
        ">=1.2; 1.1.9; false",
        ">=1.x; 1.0.0; true",
        ">= 1.2.3; 1.2.3; true",
        ">=v1.2.3; 1.2.3; true",
        ">=*; 0.0.0; true",
        // <: below the lowest version of the range.
        "<1.2.3; 1.2.2; true",
        "<1.2.3; 1.2.3; false",
        "<1.2; 1.1.9; true",
        "<1.2; 1.2.0; false",
        "<1.x; 0.9.9; true",
        "<1.x; 1.0.0; false",
        "<*; 0.0.0; false",
        "<1.2.3; 1.2.3-beta; false",
        // <= and =<: not above the range.
        "<=1.2.3; 1.2.3; true",
        "<=1.2.3; 1.2.4; false",
        "=<1.2.3; 1.2.3; true",
        "=<1.2.3; 1.2.4; false",
        "<=1.2; 1.2.9; true",
        "<=1.2; 1.3.0; false",
        "<=1; 1.9.9; true",
        "<=1; 2.0.0; false",
        "<=2.x; 2.9.9; true",
        "<=2.x; 3.0.0; false",
        "<=*; 50.0.0; true",
        // ~ and ~>: the minor range, or the major range when no minor is given.
        "~1.2.3; 1.2.3; true",
        "~1.2.3; 1.2.9; true",
        "~1.2.3; 1.3.0; false",
        "~1.2.3; 1.2.2; false",
        "~1.2; 1.2.0; true",
        "~1.2; 1.2.9; true",
        "~1.2; 1.3.0; false",
        "~1; 1.0.0; true",
        "~1; 1.9.0; true",
        "~1; 2.0.0; false",
        "~1; 0.9.0; false",
        "~1.x; 1.5.0; true",
        "~1.x; 2.0.0; false",
        "~1.2.x; 1.2.5; true",
        "~1.2.x; 1.3.0; false",
        "~>1.2.3; 1.2.5; true",
        "~>1.2.3; 1.3.0; false",
        "~ 1.2.3; 1.2.4; true",
        "~v1.2.3; 1.2.4; true",
        "~*; 7.0.0; true",
        "~0.0.0; 0.0.5; true",
        "~0.0.0; 0.1.0; false",
        // ^: up to the next change of the first non-zero number.
        "^1.2.3; 1.2.3; true",
        "^1.2.3; 1.9.9; true",
        "^1.2.3; 2.0.0; false",
        "^1.2.3; 1.2.2; false",
        "^0.2.3; 0.2.3; true",
        "^0.2.3; 0.2.9; true",
        "^0.2.3; 0.3.0; false",
        "^0.2.3; 0.2.2; false",
        "^0.0.3; 0.0.3; true",
        "^0.0.3; 0.0.4; false",
        "^0.0.3; 0.0.2; false",
        "^1.2.x; 1.2.0; true",
        "^1.2.x; 1.9.0; true",
        "^1.2.x; 2.0.0; false",
        "^1.2.x; 1.1.9; false",
        "^1.2; 1.5.0; true",
        "^2.x; 2.9.0; true",
        "^2.x; 3.0.0; false",
        "^0.2; 0.2.5; true",
        "^0.2; 0.3.0; false",
        "^0.0; 0.0.9; true",
        "^0.0; 0.1.0; false",
        "^0; 0.9.9; true",
        "^0; 1.0.0; false",
        "^*; 5.0.0; true",
        "^v1.2.3; 1.4.0; true",
        "^1.2.3; 1.3.0-beta; false",
        "^1.2.3-beta; 1.2.3-beta.2; true",
        "^1.2.3-beta; 1.2.3-alpha; false",
        "^1.2.3-beta; 1.5.0-rc.1; true",
        // Hyphen ranges: >= the lower bound and <= the upper bound.
        "1.2 - 1.4.5; 1.2.0; true",
        "1.2 - 1.4.5; 1.4.5; true",
        "1.2 - 1.4.5; 1.4.6; false",
        "1.2 - 1.4.5; 1.1.9; false",
        "1.2.3 - 2; 2.9.9; true",
        "1.2.3 - 2; 3.0.0; false",
        "1.2.3 - 2; 1.2.2; false",
        "2.3.4 - 4.5; 4.5.9; true",
        "2.3.4 - 4.5; 4.6.0; false",
        "v1.2 - v1.4; 1.4.2; true",
        "1.2 - 1.4, !=1.3.0; 1.3.0; false",
        "1.2 - 1.4, !=1.3.0; 1.3.1; true",
        ">=1.0 1.2 - 1.4; 1.3.0; true",
        // Comparators joined by commas and spaces, alternatives joined by ||.
        ">=1.2.3 <2; 1.5.0; true",
        ">=1.2.3 <2; 2.0.0; false",
        ">=1.2.3, <2; 1.5.0; true",
        ">=1.2.3,<2; 2.1.0; false",
        ">= 1.2.3 , < 2; 1.5.0; true",
        "  >=1.2.3   <2  ; 1.5.0; true",
        ">=1.22.0 <1.23.0; 1.22.7; true",
        ">=1.22.0 <1.23.0; 1.23.0; false",
        ">=1.2.3 <2 || >=3.1; 3.5.0; true",
        ">=1.2.3 <2 || >=3.1; 2.5.0; false",
        ">=1.2.3 <2 || >=3.1; 1.2.3; true",
        "1.x || 3.x; 3.1.0; true",
        "1.x||3.x; 2.1.0; false",
        "~1.2 || ^3; 3.9.0; true",
        "~1.2 || ^3; 1.3.0; false",
        ">=1.2.3+build; 1.2.3; true",
        // A pre-release version needs a pre-release in some comparator of its alternative.
        ">=1.0.0-0 <2.0.0; 1.5.0-beta.1; true",
        ">=1.0.0 <2.0.0; 1.5.0-beta.1; false",
        ">=1.0.0-0 <2.0.0; 2.0.0-beta.1; true",
        ">=1.0.0-0 <2.0.0; 1.5.0; true",
        "1.x || >=2.0.0-rc.1; 2.0.0-rc.2; true",
        "1.x || >=2.0.0-rc.1; 1.5.0-beta.1; false",
        "1.x || >=2.0.0-rc.1; 1.5.0; true",
        ">=1.2.3-0, !=1.2.4-beta; 1.2.4-beta; false",
        ">=1.2.3-0, !=1.2.4-beta; 1.2.4-alpha; true",
        "1.2.3-0 - 1.2.5; 1.2.4-rc.1; true",
        ">=0.0.0-0; 0.0.1-alpha; true",
        ">=1.2.3-0; 1.2.3-alpha; true",
        ">=1.2.3-beta; 1.2.3-alpha; false",
        ">=1.2.3-beta.2; 1.2.3-beta.11; true",
        "<1.2.3-0; 1.2.3-beta; false",
        "<2.0.0-0; 1.9.0-rc.1; true",
      })
  void checksVersion(String constraint, String tag, boolean expected) {
    Version version = Version.parse(tag).orElseThrow();

    assertEquals(
        expected,
        Constraint.parse(constraint).isSatisfiedBy(version),
        "\"" + constraint + "\" with " + tag);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @CsvSource(
      delimiter = ';',
      value = {
        "''; empty constraint",
        "'   '; empty constraint",
        ">=1.2.3 <; missing version after \"<\"",
        ">=; missing version after \">=\"",
        ">= <2; missing version after \">=\"",
        "~ -; missing version after \"~\"",
        "1.2.3.4; invalid version \"1.2.3.4\"",
        "latest; invalid version \"latest\"",
        "v; invalid version \"v\"",
        "01.2.3; invalid version \"01.2.3\"",
        ">=1.2.3-01; invalid version \"1.2.3-01\"",
        "1.2.3-; invalid version \"1.2.3-\"",
        "1.2.x.y; invalid version \"1.2.x.y\"",
        "99999999999999999999; invalid version \"99999999999999999999\"",
        ">=1.2.3 ||; missing comparator next to \"||\"",
        "|| 1.2; missing comparator next to \"||\"",
        "1.x |||| 2.x; missing comparator next to \"||\"",
        "1.2 | 1.3; single \"|\" found",
        ">=1.2,,<2; missing comparator next to \",\"",
        ">=1.2,; missing comparator next to \",\"",
        ", >=1.2; missing comparator next to \",\"",
        ">>1.2; unknown operator \">>\"",
        "=>=1.2; unknown operator \"=>=\"",
        "!1.2; unknown operator \"!\"",
        "==1.2; unknown operator \"==\"",
        "^~1.2; unknown operator \"^~\"",
        "1.2 -; missing version after \"-\" in hyphen range",
        "- 1.2; unexpected \"-\"",
        ">=1.2 - 1.4; unexpected \"-\"",
        "1.2 - 1.3 - 1.4; unexpected \"-\"",
        "1.2 - >=1.4; hyphen range needs versions without operators",
      })
  void rejectsInvalidConstraint(String constraint, String fragment) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Constraint.parse(constraint));

    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertTrue(e.getMessage().startsWith("invalid semver constraint \""), e.getMessage());
    assertTrue(e.getMessage().endsWith("examples: \"^1.2\", \">=1.22.0 <1.23.0\", \"1.x\""));
  }

  @Test
  void rejectionMessageNamesPartAndExamples() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Constraint.parse(">=1.2.3 <"));

    assertEquals(
        "invalid semver constraint \">=1.2.3 <\": missing version after \"<\";"
            + " examples: \"^1.2\", \">=1.22.0 <1.23.0\", \"1.x\"",
        e.getMessage());
  }

  @Test
  void rejectsConstraintOverMaxLength() {
    String tooLong = ">=1.0.0" + " ".repeat(Constraint.MAX_LENGTH);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Constraint.parse(tooLong));

    assertTrue(e.getMessage().contains("longer than 1024 characters"), e.getMessage());
    assertTrue(e.getMessage().length() < 300, e.getMessage());
  }

  @Test
  void acceptsConstraintAtMaxLength() {
    String longest = ">=1.0.0" + " ".repeat(Constraint.MAX_LENGTH - 7);

    assertTrue(Constraint.parse(longest).isSatisfiedBy(Version.parse("1.0.0").orElseThrow()));
  }

  @Test
  void toStringReturnsText() {
    assertEquals(">= 1.2, < 2 || ^3", Constraint.parse(">= 1.2, < 2 || ^3").toString());
  }
}
