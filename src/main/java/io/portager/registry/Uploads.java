package io.portager.registry;

import io.portager.oci.Digest;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The header rules shared by the steps of a blob upload session. */
final class Uploads {
  // Distribution sends "0-<end>", and "0--1" for an empty session; some registries add "bytes=".
  private static final Pattern RANGE = Pattern.compile("(?:bytes=)?0-(-1|\\d+)");

  private Uploads() {}

  /**
   * Returns the response's {@code Location} resolved against the URL of the request that got it,
   * keeping its query, or {@code current} when there is none. A session without any location is a
   * protocol error, so {@code current} null throws.
   */
  static URI nextLocation(String action, HttpResponse<InputStream> response, URI current) {
    Optional<String> location = response.headers().firstValue("Location");
    if (location.isPresent()) {
      return response.uri().resolve(location.get().trim());
    }
    if (current == null) {
      throw new RegistryException(
          0, null, action + ": " + Responses.describe(response) + ": no Location header", null);
    }
    return current;
  }

  /**
   * Returns how many bytes a session contains according to a {@code Range: 0-<end>} header (end
   * inclusive), or empty when the header is missing or has another form.
   */
  static OptionalLong receivedBytes(HttpResponse<?> response) {
    Optional<String> range = response.headers().firstValue("Range");
    if (range.isEmpty()) {
      return OptionalLong.empty();
    }
    Matcher matcher = RANGE.matcher(range.get().trim());
    if (!matcher.matches()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(matcher.group(1)) + 1);
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Appends {@code digest=} to the session location, with '&' when it already has a query. */
  static URI withDigest(URI location, Digest digest) {
    String value = URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8);
    String separator = location.getRawQuery() == null ? "?" : "&";
    return URI.create(location + separator + "digest=" + value);
  }
}
