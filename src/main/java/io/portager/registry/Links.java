package io.portager.registry;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the {@code rel="next"} target of an RFC 8288 {@code Link} header, as sent for tags. */
final class Links {
  private static final Pattern LINK = Pattern.compile("<([^>]*)>((?:\\s*;\\s*[^;,]*)*)");
  private static final Pattern REL_NEXT =
      Pattern.compile(";\\s*rel\\s*=\\s*\"?([^\";]*)\"?", Pattern.CASE_INSENSITIVE);

  private Links() {}

  /** Returns the next-page target exactly as given, which may be relative. */
  static Optional<String> next(String header) {
    Matcher link = LINK.matcher(header);
    while (link.find()) {
      Matcher rel = REL_NEXT.matcher(link.group(2));
      while (rel.find()) {
        for (String relation : rel.group(1).trim().split("\\s+")) {
          if (relation.equalsIgnoreCase("next")) {
            return Optional.of(link.group(1));
          }
        }
      }
    }
    return Optional.empty();
  }
}
