package io.portager.bench;

import io.portager.testenv.OciRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Requests and response bytes that one registry logged between two marks, read from its combined
 * access log lines ({@code "GET /v2/... HTTP/1.1" 200 1234}).
 */
record Traffic(int requests, int reads, int writes, long responseBytes, long blobReadBytes) {
  private static final Pattern COMBINED =
      Pattern.compile("^\\S+ \\S+ \\S+ \\[[^\\]]+\\] \"(\\S+) (\\S+) [^\"]*\" (\\d{3}) (\\d+|-)");

  /** Marker requests that {@link OciRegistry#markAccessLog} sends; they are not counted. */
  private static final String SYNC_QUERY = "/v2/?testenv-log-sync=";

  static final Traffic NONE = new Traffic(0, 0, 0, 0, 0);

  /** Sums the requests logged after {@code mark}; call after the measured tool finished. */
  static Traffic since(OciRegistry registry, OciRegistry.AccessLogMark mark) {
    registry.markAccessLog();
    List<Matcher> entries = entries(registry);
    int reads = 0;
    int writes = 0;
    long bytes = 0;
    long blobBytes = 0;
    for (Matcher entry :
        entries.subList(Math.min(mark.entryCount(), entries.size()), entries.size())) {
      String method = entry.group(1);
      long size = entry.group(4).equals("-") ? 0 : Long.parseLong(entry.group(4));
      bytes += size;
      if (method.equals("GET") || method.equals("HEAD")) {
        reads++;
        if (method.equals("GET") && entry.group(2).contains("/blobs/sha256:")) {
          blobBytes += size;
        }
      } else {
        writes++;
      }
    }
    return new Traffic(reads + writes, reads, writes, bytes, blobBytes);
  }

  private static List<Matcher> entries(OciRegistry registry) {
    try {
      List<Matcher> result = new ArrayList<>();
      for (String line : Files.readAllLines(registry.logFile(), StandardCharsets.UTF_8)) {
        Matcher matcher = COMBINED.matcher(line);
        if (matcher.find() && !matcher.group(2).startsWith(SYNC_QUERY)) {
          result.add(matcher);
        }
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("read registry log " + registry.logFile(), e);
    }
  }
}
