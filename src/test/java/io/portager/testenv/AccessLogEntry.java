package io.portager.testenv;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One request as a registry logged it: method, path without the query, the query (empty if none)
 * and the response status.
 */
public record AccessLogEntry(String method, String path, String query, int status) {
  /**
   * A combined-log-format line, which distribution 2.8 and 3.1 both write to stdout for every
   * request: {@code 127.0.0.1 - - [04/Dec/2026:16:08:32 +0000] "GET /v2/ HTTP/1.1" 200 2 "" "ua"}.
   */
  private static final Pattern COMBINED =
      Pattern.compile("^\\S+ \\S+ \\S+ \\[[^\\]]+\\] \"(\\S+) (\\S+) [^\"]*\" (\\d{3}) ");

  /**
   * A logrus line that distribution writes when a request ends: {@code msg="response completed"} or
   * {@code msg="response completed with error"}, with {@code http.request.method=}, {@code
   * http.request.uri=} (quoted when it contains special characters) and {@code
   * http.response.status=}.
   */
  private static final Pattern LOGRUS_COMPLETED = Pattern.compile("msg=\"response completed");

  private static final Pattern LOGRUS_METHOD = Pattern.compile("http\\.request\\.method=(\\S+)");
  private static final Pattern LOGRUS_URI =
      Pattern.compile("http\\.request\\.uri=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)");
  private static final Pattern LOGRUS_STATUS = Pattern.compile("http\\.response\\.status=(\\d+)");

  public AccessLogEntry {
    if (method.isEmpty() || path.isEmpty()) {
      throw new IllegalArgumentException("access log entry: empty method or path");
    }
  }

  /** Returns {@code true} for requests that can change the registry: PUT, PATCH, POST, DELETE. */
  public boolean isWrite() {
    return switch (method) {
      case "PUT", "PATCH", "POST", "DELETE" -> true;
      default -> false;
    };
  }

  /**
   * Parses a registry's output. Both distribution versions log every request twice, once per
   * format, so the combined-log lines are used when there are any and the logrus lines only
   * otherwise (for example with {@code log.accesslog.disabled: true}). Other lines are skipped.
   */
  public static List<AccessLogEntry> parse(List<String> lines) {
    List<AccessLogEntry> combined = new ArrayList<>();
    List<AccessLogEntry> logrus = new ArrayList<>();
    for (String line : lines) {
      Matcher matcher = COMBINED.matcher(line);
      if (matcher.find()) {
        combined.add(of(matcher.group(1), matcher.group(2), Integer.parseInt(matcher.group(3))));
        continue;
      }
      if (LOGRUS_COMPLETED.matcher(line).find()) {
        parseLogrus(line).ifPresent(logrus::add);
      }
    }
    return combined.isEmpty() ? logrus : combined;
  }

  private static Optional<AccessLogEntry> parseLogrus(String line) {
    Matcher method = LOGRUS_METHOD.matcher(line);
    Matcher uri = LOGRUS_URI.matcher(line);
    Matcher status = LOGRUS_STATUS.matcher(line);
    if (!method.find() || !uri.find() || !status.find()) {
      return Optional.empty();
    }
    String rawUri = uri.group(1);
    if (rawUri.startsWith("\"")) {
      rawUri = rawUri.substring(1, rawUri.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
    return Optional.of(of(method.group(1), rawUri, Integer.parseInt(status.group(1))));
  }

  private static AccessLogEntry of(String method, String uri, int status) {
    int question = uri.indexOf('?');
    String path = question < 0 ? uri : uri.substring(0, question);
    String query = question < 0 ? "" : uri.substring(question + 1);
    return new AccessLogEntry(method, path, query, status);
  }
}
