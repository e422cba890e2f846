package io.portager.tags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TagSelectorTest {
  private static final List<String> TAGS =
      List.of(
          "1.0.0",
          "latest",
          "2.0.0",
          "1.10.0",
          "main",
          "1.9.0",
          "v1.2.3",
          "sha-abc1234",
          "2.0.0-rc.1",
          "1.2.3.4",
          "0.9.0");

  @Test
  void selectsNewestFirst() {
    List<String> selected = select(TAGS, ">=1.0", List.of(), List.of(), 0);

    assertEquals(List.of("2.0.0", "1.10.0", "1.9.0", "v1.2.3", "1.0.0"), selected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0  | 2.0.0 1.10.0 1.9.0 v1.2.3 1.0.0 0.9.0",
        "1  | 2.0.0",
        "3  | 2.0.0 1.10.0 1.9.0",
        "6  | 2.0.0 1.10.0 1.9.0 v1.2.3 1.0.0 0.9.0",
        "10 | 2.0.0 1.10.0 1.9.0 v1.2.3 1.0.0 0.9.0",
      })
  void cutsToMaxTags(int maxTags, String expected) {
    List<String> selected = select(TAGS, "*", List.of(), List.of(), maxTags);

    assertEquals(Arrays.asList(expected.split(" ")), selected);
  }

  @Test
  void ignoresTagsThatAreNotVersions() {
    List<String> tags = List.of("latest", "main", "sha-abc1234", "1.2.3.4", "01.2.3", "stable");

    assertEquals(List.of(), select(tags, "*", List.of(".*"), List.of(), 0));
  }

  @Test
  void skipsPrereleasesUnlessConstraintNamesOne() {
    assertEquals(List.of("2.0.0"), select(TAGS, ">=2.0", List.of(), List.of(), 0));
    assertEquals(
        List.of("2.0.0", "2.0.0-rc.1"), select(TAGS, ">=2.0.0-0", List.of(), List.of(), 0));
  }

  @Test
  void keepsOnlyIncludedTags() {
    List<String> tags = List.of("v1.0.0", "1.1.0", "v1.2.0", "V1.3.0");

    List<String> selected = select(tags, "*", List.of("v.*"), List.of(), 0);

    assertEquals(List.of("v1.2.0", "v1.0.0"), selected);
  }

  @Test
  void includeNeedsOneOfSeveralPatterns() {
    List<String> selected = select(TAGS, "*", List.of("1\\.9\\..*", "2\\..*"), List.of(), 0);

    assertEquals(List.of("2.0.0", "1.9.0"), selected);
  }

  @Test
  void includeMustMatchWholeTag() {
    List<String> selected = select(TAGS, "*", List.of("1\\.9", "2"), List.of(), 0);

    assertEquals(List.of(), selected);
  }

  @Test
  void dropsExcludedTags() {
    List<String> selected =
        select(TAGS, ">=1.0.0-0", List.of(), List.of(".*-rc\\..*", "1\\.9.*"), 0);

    assertEquals(List.of("2.0.0", "1.10.0", "v1.2.3", "1.0.0"), selected);
  }

  @Test
  void excludeMustMatchWholeTag() {
    List<String> selected = select(TAGS, ">=1.9", List.of(), List.of("rc"), 0);

    assertEquals(List.of("2.0.0", "1.10.0", "1.9.0"), selected);
  }

  @Test
  void excludeWinsOverInclude() {
    List<String> selected = select(TAGS, "*", List.of("v?1\\..*"), List.of("1\\.1.*"), 0);

    assertEquals(List.of("1.9.0", "v1.2.3", "1.0.0"), selected);
  }

  @Test
  void ordersSameVersionByTagText() {
    List<String> tags = List.of("v1.2.0", "1.1.0", "1.2.0+build.2", "1.2", "1.2.0", "V1.2");

    List<String> selected = select(tags, "*", List.of(), List.of(), 0);

    assertEquals(List.of("1.2", "1.2.0", "1.2.0+build.2", "V1.2", "v1.2.0", "1.1.0"), selected);
  }

  @Test
  void countsEachTagOfSameVersion() {
    List<String> tags = List.of("v1.2.0", "1.1.0", "1.2", "1.2.0");

    List<String> selected = select(tags, "*", List.of(), List.of(), 2);

    assertEquals(List.of("1.2", "1.2.0"), selected);
  }

  @Test
  void returnsRepeatedTagOnce() {
    List<String> tags = List.of("1.2.0", "1.1.0", "1.2.0");

    List<String> selected = select(tags, "*", List.of(), List.of(), 0);

    assertEquals(List.of("1.2.0", "1.1.0"), selected);
  }

  @Test
  void ignoresTagOver128Characters() {
    String tooLong = "1.2.3-" + "a".repeat(Version.MAX_TAG_LENGTH);

    List<String> selected = select(List.of(tooLong, "1.0.0"), ">=0.0.0-0", List.of(), List.of(), 0);

    assertEquals(List.of("1.0.0"), selected);
  }

  @Test
  void rejectsNegativeMaxTags() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> select(TAGS, "*", List.of(), List.of(), -1));

    assertEquals("invalid maxTags -1: want 0 for no limit or a positive number", e.getMessage());
  }

  @Test
  void stopsBacktrackingPattern() {
    String tag = "1.0.0-" + "a".repeat(40);
    List<String> exclude = List.of("1\\.0\\.0-(.*a){12}b");

    IllegalArgumentException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () ->
                assertThrows(
                    IllegalArgumentException.class,
                    () -> select(List.of(tag), ">=0.0.0-0", List.of(), exclude, 0)));

    assertTrue(
        e.getMessage().startsWith("match regular expression \"1\\.0\\.0-(.*a){12}b\""),
        e.getMessage());
    assertTrue(e.getMessage().contains("tag \"" + tag + "\""), e.getMessage());
    assertTrue(e.getMessage().contains("simplify the expression"), e.getMessage());
  }

  @Test
  void matchesOrdinaryPatternOnLongestTag() {
    String tag = "1.0.0-" + "a-".repeat(61);
    List<String> include = List.of(".*-.*-.*-a.*", "(?:[0-9]+\\.){2}[0-9]+-[a-z-]+");

    List<String> selected = select(List.of(tag), ">=0.0.0-0", include, List.of(".*b.*c.*"), 0);

    assertEquals(Version.MAX_TAG_LENGTH, tag.length());
    assertEquals(List.of(tag), selected);
  }

  @Test
  void compilesPatterns() {
    List<Pattern> patterns =
        TagSelector.compile("spec.images[0].includeTags", List.of("v.*", "[0-9]+"));

    assertEquals(2, patterns.size());
    assertEquals("v.*", patterns.get(0).pattern());
    assertEquals("[0-9]+", patterns.get(1).pattern());
  }

  @Test
  void compilesEmptyList() {
    assertEquals(List.of(), TagSelector.compile("spec.images[0].excludeTags", List.of()));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "*foo    | invalid regular expression in spec.images[0].includeTags[1] \"*foo\":"
            + " dangling meta character '*' at index 0",
        "(v1     | invalid regular expression in spec.images[0].includeTags[1] \"(v1\":"
            + " unclosed group at index 3",
        "[a-     | invalid regular expression in spec.images[0].includeTags[1] \"[a-\":",
        "a{2,1}  | invalid regular expression in spec.images[0].includeTags[1] \"a{2,1}\":",
        "v\\      | invalid regular expression in spec.images[0].includeTags[1] \"v\\\":",
      })
  void rejectsInvalidPattern(String regex, String expectedStart) {
    List<String> regexes = List.of("ok.*", regex.strip());

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TagSelector.compile("spec.images[0].includeTags", regexes));

    assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
  }

  @Test
  void rejectsPatternOverMaxLength() {
    String tooLong = "a".repeat(TagSelector.MAX_PATTERN_LENGTH + 1);

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TagSelector.compile("spec.images[2].excludeTags", List.of(tooLong)));

    assertEquals(
        "invalid regular expression in spec.images[2].excludeTags[0] \""
            + "a".repeat(80)
            + "...\": longer than 1024 characters, shorten it",
        e.getMessage());
  }

  @Test
  void acceptsPatternAtMaxLength() {
    String longest = "a".repeat(TagSelector.MAX_PATTERN_LENGTH);

    assertEquals(1, TagSelector.compile("spec.images[0].includeTags", List.of(longest)).size());
  }

  @Test
  void rejectsMissingPattern() {
    List<String> regexes = Arrays.asList("v.*", null);

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TagSelector.compile("spec.images[0].includeTags", regexes));

    assertTrue(
        e.getMessage().startsWith("invalid regular expression in spec.images[0].includeTags[1]"),
        e.getMessage());
  }

  private static List<String> select(
      List<String> tags, String constraint, List<String> include, List<String> exclude, int max) {
    return TagSelector.select(
        tags,
        Constraint.parse(constraint),
        TagSelector.compile("include", include),
        TagSelector.compile("exclude", exclude),
        max);
  }
}
