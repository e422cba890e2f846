package io.portager.registry;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.testenv.MutationFuzzer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fuzzes the parsers of the WWW-Authenticate and Link headers that registries send. */
class HeaderFuzzTest {
  private static final MutationFuzzer FUZZER = MutationFuzzer.fromSystemProperties();

  @Test
  void challengeParserRejectsOnlyWithIllegalArgument() {
    List<String> samples =
        List.of(
            "Bearer realm=\"https://auth.example.com/token\",service=\"registry\","
                + "scope=\"repository:a/b:pull,push\"",
            "Basic realm=\"Registry Realm\"",
            "Negotiate, Bearer realm=\"https://a/t\", Basic realm=x",
            "Bearer realm=https://a/t,error=\"insufficient_scope\"",
            "bearer REALM=\"a\\\"b\"");

    MutationFuzzer.Result result =
        FUZZER.run(
            "www-authenticate",
            samples,
            List.of("Bearer", "Basic", "realm=", "=", ",", "\"", "\\\"", " ", "token68=="),
            HeaderFuzzTest::parseChallenge,
            IllegalArgumentException.class);

    assertTrue(result.accepted() >= samples.size(), result.toString());
  }

  private static void parseChallenge(String input) {
    Challenge preferred = Challenge.preferred(Challenge.parse(input));
    preferred.parameter("realm");
  }

  @Test
  void linkParserNeverThrows() {
    List<String> samples =
        List.of(
            "</v2/a/tags/list?n=100&last=b>; rel=\"next\"",
            "<https://r.example.com/v2/_catalog?last=x>; rel=next, <a>; rel=\"prev\"",
            "<a>; title=\"x;y\"; REL = \"prev next\"",
            "<>; rel=\"next\"");

    MutationFuzzer.Result result =
        FUZZER.run(
            "link",
            samples,
            List.of("<", ">", ";", "rel", "=", "\"next\"", ",", " "),
            input -> Links.next(input));

    assertTrue(result.accepted() == result.executions(), result.toString());
  }
}
