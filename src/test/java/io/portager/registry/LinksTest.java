package io.portager.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LinksTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "</v2/a/tags/list?n=2&last=b>; rel=\"next\" | /v2/a/tags/list?n=2&last=b",
        "<https://r.example/v2/a/tags/list?last=b>;rel=next | https://r.example/v2/a/tags/list?last=b",
        "</prev>; rel=\"prev\", </next>; rel=\"next\" | /next",
        "</p>; rel=\"prev first\" | -",
        "</x>; title=\"a\"; REL=\"Next\" | /x",
      })
  void readsNextTarget(String header, String want) {
    assertEquals(Optional.ofNullable(want), Links.next(header));
  }
}
