package io.portager.cloud.aws;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private ECR registry host parsed into its account, region and partition. The host forms are
 * those in AWS's "Amazon ECR endpoints and quotas" reference:
 *
 * <ul>
 *   <li>{@code <account>.dkr.ecr.<region>.amazonaws.com}: commercial and GovCloud regions
 *   <li>{@code <account>.dkr.ecr-fips.<region>.amazonaws.com}: FIPS
 *   <li>{@code <account>.dkr-ecr.<region>.on.aws}: dual-stack (IPv4 and IPv6)
 *   <li>{@code <account>.dkr-ecr-fips.<region>.on.aws}: dual-stack FIPS
 *   <li>{@code <account>.dkr.ecr.<region>.amazonaws.com.cn}: China regions
 * </ul>
 *
 * <p>NOTE: ECR Public ({@code public.ecr.aws}) and the China dual-stack hosts are not parsed.
 */
public record EcrHost(
    String account, String region, String partition, boolean fips, boolean dualStack) {
  /** The forms named in messages about a host that is not ECR. */
  public static final String EXPECTED_FORM =
      "<account>.dkr.ecr.<region>.amazonaws.com (also dkr.ecr-fips, dkr-ecr.<region>.on.aws,"
          + " dkr-ecr-fips.<region>.on.aws, and amazonaws.com.cn in China)";

  private static final Pattern HOST =
      Pattern.compile(
          "^(\\d{12})\\.(dkr\\.ecr|dkr\\.ecr-fips|dkr-ecr|dkr-ecr-fips)\\."
              + "([a-z]{2}(?:-[a-z]+)+-\\d+)\\.(amazonaws\\.com|amazonaws\\.com\\.cn|on\\.aws)$");

  /**
   * Parses {@code registry}, a host with an optional port. Returns empty when it is not a private
   * ECR host. A China region is accepted only under amazonaws.com.cn, and amazonaws.com.cn only
   * with a China region.
   */
  public static Optional<EcrHost> parse(String registry) {
    String host = stripPort(registry == null ? "" : registry.toLowerCase(java.util.Locale.ROOT));
    Matcher matcher = HOST.matcher(host);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    String label = matcher.group(2);
    String region = matcher.group(3);
    String suffix = matcher.group(4);
    boolean dualStack = suffix.equals("on.aws");
    boolean dualStackLabel = label.startsWith("dkr-ecr");
    boolean china = region.startsWith("cn-");
    if (dualStack != dualStackLabel || china != suffix.equals("amazonaws.com.cn")) {
      return Optional.empty();
    }
    if (china && (dualStack || label.endsWith("fips"))) {
      return Optional.empty();
    }
    String partition = china ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
    return Optional.of(
        new EcrHost(matcher.group(1), region, partition, label.endsWith("fips"), dualStack));
  }

  private static String stripPort(String host) {
    int colon = host.lastIndexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }
}
