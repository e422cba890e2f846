package io.portager.testenv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AccessLogEntryTest {
  // Lines copied from the output of docker-registry 2.8.2 and registry v3.1.1 on this project's
  // test machine, shortened where fields do not matter.
  private static final String COMBINED_GET =
      "127.0.0.1 - - [04/Dec/2026:16:08:32 +0000] \"GET /v2/ HTTP/1.1\" 200 2 \"\" \"curl/7.88.1\"";
  private static final String COMBINED_PUT =
      "127.0.0.1 - - [04/Dec/2026:16:08:33 +0000] \"PUT /v2/demo/app/manifests/1.0 HTTP/1.1\""
          + " 201 0 \"\" \"skopeo/1.9.3\"";
  private static final String LOGRUS_ERROR =
      "time=\"2026-12-04T16:08:32.263748256Z\" level=error msg=\"response completed with error\""
          + " err.code=\"manifest unknown\" http.request.method=GET"
          + " http.request.uri=\"/v2/x/manifests/latest?sync=1\" http.response.status=404";
  private static final String LOGRUS_OK =
      "time=\"2026-12-04T16:08:32.277889654Z\" level=info msg=\"response completed\""
          + " http.request.method=POST http.request.uri=/v2/x/blobs/uploads/"
          + " http.response.duration=8.037107ms http.response.status=202";
  private static final String OTHER =
      "time=\"2026-12-04T16:08:30.251875558Z\" level=info msg=\"listening on 127.0.0.1:15502\"";

  @Test
  void parsesCombinedLines() {
    List<AccessLogEntry> entries = AccessLogEntry.parse(List.of(OTHER, COMBINED_GET, COMBINED_PUT));

    assertEquals(
        List.of(
            new AccessLogEntry("GET", "/v2/", "", 200),
            new AccessLogEntry("PUT", "/v2/demo/app/manifests/1.0", "", 201)),
        entries);
  }

  @Test
  void prefersCombinedLinesOverLogrusDuplicates() {
    List<AccessLogEntry> entries =
        AccessLogEntry.parse(List.of(LOGRUS_OK, COMBINED_GET, LOGRUS_ERROR, COMBINED_PUT));

    assertEquals(2, entries.size());
    assertEquals("GET", entries.get(0).method());
  }

  @Test
  void fallsBackToLogrusLines() {
    List<AccessLogEntry> entries = AccessLogEntry.parse(List.of(OTHER, LOGRUS_ERROR, LOGRUS_OK));

    assertEquals(
        List.of(
            new AccessLogEntry("GET", "/v2/x/manifests/latest", "sync=1", 404),
            new AccessLogEntry("POST", "/v2/x/blobs/uploads/", "", 202)),
        entries);
  }

  @Test
  void splitsQueryFromPath() {
    String line =
        "127.0.0.1 - - [04/Dec/2026:16:08:33 +0000] \"POST /v2/b/blobs/uploads/?mount=sha256:ab"
            + "&from=a HTTP/1.1\" 201 0 \"\" \"ua\"";

    AccessLogEntry entry = AccessLogEntry.parse(List.of(line)).get(0);

    assertEquals("/v2/b/blobs/uploads/", entry.path());
    assertEquals("mount=sha256:ab&from=a", entry.query());
  }

  @Test
  void classifiesWriteMethods() {
    assertTrue(new AccessLogEntry("PUT", "/v2/", "", 201).isWrite());
    assertTrue(new AccessLogEntry("PATCH", "/v2/", "", 202).isWrite());
    assertTrue(new AccessLogEntry("POST", "/v2/", "", 202).isWrite());
    assertTrue(new AccessLogEntry("DELETE", "/v2/", "", 202).isWrite());
    assertFalse(new AccessLogEntry("GET", "/v2/", "", 200).isWrite());
    assertFalse(new AccessLogEntry("HEAD", "/v2/", "", 200).isWrite());
  }
}
