package io.portager.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.portager.registry.Challenge.Scheme;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChallengeTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Bearer realm=\"https://auth.example/token\",service=\"reg\",scope=\"repository:a/b:pull,push\""
            + " | BEARER | https://auth.example/token | reg | repository:a/b:pull,push",
        "bearer realm=https://auth.example/token,service=reg"
            + " | BEARER | https://auth.example/token | reg | ",
        "BEARER   realm = \"https://a/t\" ,  service=\"s\"" + " | BEARER | https://a/t | s | ",
        "Bearer realm=\"https://a/t\",scope=\"x:\\\"quoted\\\",y\""
            + " | BEARER | https://a/t |  | x:\"quoted\",y",
        "Basic realm=\"Registry Realm\" | BASIC | Registry Realm |  | ",
        "Basic | BASIC |  |  | ",
      })
  void parsesChallenge(String header, Scheme scheme, String realm, String service, String scope) {
    Challenge challenge = Challenge.preferred(Challenge.parse(header));

    assertEquals(scheme, challenge.scheme());
    assertEquals(realm, challenge.parameter("realm"));
    assertEquals(service, challenge.parameter("service"));
    assertEquals(scope, challenge.parameter("scope"));
  }

  @Test
  void parsesSeveralChallengesInOneValue() {
    List<Challenge> challenges =
        Challenge.parse(
            "Negotiate, Basic realm=\"r, with comma\", Bearer realm=\"https://a/t\",service=s");

    assertEquals(2, challenges.size());
    assertEquals(Map.of("realm", "r, with comma"), challenges.get(0).parameters());
    assertEquals(Scheme.BEARER, Challenge.preferred(challenges).scheme());
    assertEquals(Optional.of("s"), Optional.ofNullable(challenges.get(1).parameter("service")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "Negotiate",
        "Digest realm=\"x\"",
        "Bearer service=\"no realm\"",
        "Bearer realm=\"unterminated",
        "Bearer realm=\"a\"garbage",
        "Bearer realm=\"a\", realm=\"b\"",
        "realm=\"a\"",
        "Bearer realm=",
        "Bearer =x",
      })
  void rejectsMalformedChallenge(String header) {
    assertThrows(IllegalArgumentException.class, () -> Challenge.parse(header));
  }
}
