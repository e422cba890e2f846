package io.portager.cloud.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EcrHostTest {
  @ParameterizedTest
  @CsvSource({
    "123456789012.dkr.ecr.us-east-1.amazonaws.com, 123456789012, us-east-1, aws, false, false",
    "123456789012.dkr.ecr.eu-central-2.amazonaws.com:443, 123456789012, eu-central-2, aws, false,"
        + " false",
    "123456789012.DKR.ECR.AP-SOUTHEAST-4.AMAZONAWS.COM, 123456789012, ap-southeast-4, aws, false,"
        + " false",
    "123456789012.dkr.ecr-fips.us-east-2.amazonaws.com, 123456789012, us-east-2, aws, true, false",
    "123456789012.dkr-ecr.us-west-2.on.aws, 123456789012, us-west-2, aws, false, true",
    "123456789012.dkr-ecr-fips.us-west-1.on.aws, 123456789012, us-west-1, aws, true, true",
    "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com, 123456789012, us-gov-west-1, aws-us-gov,"
        + " false, false",
    "123456789012.dkr.ecr-fips.us-gov-east-1.amazonaws.com, 123456789012, us-gov-east-1,"
        + " aws-us-gov, true, false",
    "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn, 123456789012, cn-north-1, aws-cn, false,"
        + " false",
    "123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn, 123456789012, cn-northwest-1, aws-cn,"
        + " false, false",
  })
  void parsesEcrHost(
      String host,
      String account,
      String region,
      String partition,
      boolean fips,
      boolean dualStack) {
    assertEquals(
        Optional.of(new EcrHost(account, region, partition, fips, dualStack)), EcrHost.parse(host));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "ghcr.io",
        "public.ecr.aws",
        "12345678901.dkr.ecr.us-east-1.amazonaws.com",
        "1234567890123.dkr.ecr.us-east-1.amazonaws.com",
        "abcdefghijkl.dkr.ecr.us-east-1.amazonaws.com",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/mirror",
        "123456789012.dkr.ecr.amazonaws.com",
        "123456789012.ecr.us-east-1.amazonaws.com",
        "123456789012.dkr.ecr.useast1.amazonaws.com",
        "123456789012.dkr.ecr.us-east-1.on.aws",
        "123456789012.dkr-ecr.us-east-1.amazonaws.com",
        "123456789012.dkr.ecr.cn-north-1.amazonaws.com",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com.cn",
        "123456789012.dkr-ecr.cn-north-1.on.aws",
        "123456789012.dkr.ecr-fips.cn-north-1.amazonaws.com.cn",
        "x123456789012.dkr.ecr.us-east-1.amazonaws.com",
      })
  void rejectsOtherHosts(String host) {
    assertTrue(EcrHost.parse(host).isEmpty(), host);
  }
}
