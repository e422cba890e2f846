package io.portager.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One authentication challenge of a {@code WWW-Authenticate} header (RFC 7235 section 4.1 and RFC
 * 6750 section 3): its scheme and its parameters with lower-case keys, such as {@code realm},
 * {@code service} and {@code scope} for Bearer (distribution's token authentication spec).
 */
public record Challenge(Scheme scheme, Map<String, String> parameters) {
  /** The schemes this client supports. */
  public enum Scheme {
    BEARER,
    BASIC
  }

  public Challenge {
    parameters = Map.copyOf(parameters);
    if (scheme == Scheme.BEARER && !parameters.containsKey("realm")) {
      throw new IllegalArgumentException("parse WWW-Authenticate: Bearer challenge has no realm");
    }
  }

  public String parameter(String key) {
    return parameters.get(key);
  }

  /**
   * Parses a header value that may hold several challenges and returns those with a scheme this
   * client supports, in header order. Throws IllegalArgumentException when the value is malformed
   * or offers neither Bearer nor Basic.
   */
  public static List<Challenge> parse(String header) {
    if (header == null || header.isBlank()) {
      throw new IllegalArgumentException("parse WWW-Authenticate: missing value");
    }
    List<Challenge> supported = new ArrayList<>();
    List<String> offered = new ArrayList<>();
    for (RawChallenge raw : new ChallengeTokenizer(header).challenges()) {
      offered.add(raw.scheme());
      Scheme scheme = schemeOf(raw.scheme());
      if (scheme != null) {
        supported.add(new Challenge(scheme, raw.parameters()));
      }
    }
    if (supported.isEmpty()) {
      throw new IllegalArgumentException(
          "parse WWW-Authenticate: unsupported schemes " + offered + ", want Bearer or Basic");
    }
    return List.copyOf(supported);
  }

  /** Returns the challenge to use: Bearer when offered, because it scopes access, else Basic. */
  public static Challenge preferred(List<Challenge> challenges) {
    return challenges.stream()
        .filter(c -> c.scheme() == Scheme.BEARER)
        .findFirst()
        .orElse(challenges.get(0));
  }

  private static Scheme schemeOf(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "bearer" -> Scheme.BEARER;
      case "basic" -> Scheme.BASIC;
      default -> null;
    };
  }

  private record RawChallenge(String scheme, Map<String, String> parameters) {}

  /**
   * A tokenizer for {@code scheme param=value, param="quoted, value", scheme2 ...}. A token that is
   * not followed by '=' starts a new challenge; quoted strings may contain commas and
   * backslash-escaped characters.
   */
  private static final class ChallengeTokenizer {
    private final String text;
    private int pos;

    ChallengeTokenizer(String text) {
      this.text = text;
    }

    List<RawChallenge> challenges() {
      List<RawChallenge> result = new ArrayList<>();
      String scheme = null;
      Map<String, String> parameters = new LinkedHashMap<>();
      while (skipSeparators()) {
        int start = pos;
        String name = token();
        skipSpaces();
        if (pos < text.length() && text.charAt(pos) == '=') {
          pos++;
          if (scheme == null) {
            throw error("parameter " + name + " before any scheme", start);
          }
          String key = name.toLowerCase(Locale.ROOT);
          if (parameters.put(key, value()) != null) {
            throw error("duplicate parameter " + key, start);
          }
          expectEndOfItem();
        } else {
          if (scheme != null) {
            result.add(new RawChallenge(scheme, parameters));
          }
          scheme = name;
          parameters = new LinkedHashMap<>();
        }
      }
      if (scheme == null) {
        throw error("no scheme", 0);
      }
      result.add(new RawChallenge(scheme, parameters));
      return result;
    }

    /** Skips spaces and commas; returns false at the end of the text. */
    private boolean skipSeparators() {
      while (pos < text.length() && (text.charAt(pos) == ',' || isSpace(text.charAt(pos)))) {
        pos++;
      }
      return pos < text.length();
    }

    private void skipSpaces() {
      while (pos < text.length() && isSpace(text.charAt(pos))) {
        pos++;
      }
    }

    private String token() {
      int start = pos;
      while (pos < text.length() && isTokenChar(text.charAt(pos))) {
        pos++;
      }
      if (pos == start) {
        throw error(
            pos < text.length() ? "unexpected '" + text.charAt(pos) + "'" : "early end", pos);
      }
      return text.substring(start, pos);
    }

    private String value() {
      skipSpaces();
      if (pos < text.length() && text.charAt(pos) == '"') {
        return quoted();
      }
      return unquoted();
    }

    // RFC 7235 allows only token characters here, but some registries send unquoted URLs, so an
    // unquoted value runs to the next comma or space.
    private String unquoted() {
      int start = pos;
      while (pos < text.length() && text.charAt(pos) != ',' && !isSpace(text.charAt(pos))) {
        pos++;
      }
      if (pos == start) {
        throw error("missing parameter value", pos);
      }
      return text.substring(start, pos);
    }

    private String quoted() {
      int start = pos;
      StringBuilder value = new StringBuilder();
      pos++;
      while (pos < text.length()) {
        char c = text.charAt(pos++);
        if (c == '"') {
          return value.toString();
        }
        if (c == '\\') {
          if (pos >= text.length()) {
            break;
          }
          c = text.charAt(pos++);
        }
        value.append(c);
      }
      throw error("unterminated quoted string", start);
    }

    /**
     * Checks that a parameter ends at a comma, at a space before the next challenge, or at the end.
     */
    private void expectEndOfItem() {
      int before = pos;
      skipSpaces();
      if (pos < text.length() && text.charAt(pos) != ',' && pos == before) {
        throw error("want ',' after a parameter", pos);
      }
    }

    private IllegalArgumentException error(String what, int at) {
      return new IllegalArgumentException(
          "parse WWW-Authenticate: " + what + " at character " + at + " of \"" + text + "\"");
    }

    private static boolean isSpace(char c) {
      return c == ' ' || c == '\t';
    }

    // RFC 7230 section 3.2.6 token characters.
    private static boolean isTokenChar(char c) {
      return (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
  }
}
