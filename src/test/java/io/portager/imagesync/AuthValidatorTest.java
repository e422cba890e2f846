package io.portager.imagesync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.portager.cloud.CloudAuthOptions;
import io.portager.cloud.RepositorySettings;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthValidatorTest {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
          .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
          .build();
  private static final String ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
  private static final String ROLE = "arn:aws:iam::210987654321:role/push";

  /** SOURCE and DESTINATION are replaced by the blocks under test. */
  private static final String TEMPLATE =
      "{schedule:'@every 1h',source:SOURCE,destination:DESTINATION,"
          + "images:[{name:'alpine',tags:['3.21']}]}";

  private static SyncPlan validate(String source, String destination) throws Exception {
    String json = TEMPLATE.replace("SOURCE", source).replace("DESTINATION", destination);
    return SpecValidator.validate(
        MAPPER.readValue(json, ImageSyncSpec.class), method -> method.equals("ecr"));
  }

  private static String destination(String auth) {
    return "{registry:'" + ECR + "',auth:" + auth + "}";
  }

  @Test
  void legacySourceSecretStillWorks() throws Exception {
    SyncPlan plan =
        validate(
            "{registry:'docker.io',authSecretRef:{name:'pull'}}",
            destination("{method:'anonymous'}"));

    assertEquals("secret", plan.sourceAuth().method());
    assertEquals("pull", plan.sourceAuth().secretRef().name());
    assertEquals("spec.source.authSecretRef", plan.sourceAuth().field());
  }

  @Test
  void sourceWithoutAuthIsAnonymous() throws Exception {
    SyncPlan plan = validate("{registry:'docker.io'}", destination("{method:'anonymous'}"));

    assertEquals("anonymous", plan.sourceAuth().method());
  }

  @Test
  void sameSecretInBothSourceFormsIsAccepted() throws Exception {
    SyncPlan plan =
        validate(
            "{registry:'docker.io',authSecretRef:{name:'pull'},"
                + "auth:{method:'secret',secretRef:{name:'pull'}}}",
            destination("{method:'anonymous'}"));

    assertEquals("pull", plan.sourceAuth().secretRef().name());
  }

  @Test
  void ecrSourceAndDestinationWithRole() throws Exception {
    SyncPlan plan =
        validate(
            "{registry:'" + ECR + "/team',auth:{method:'ecr'}}",
            "{registry:'210987654321.dkr.ecr.eu-west-1.amazonaws.com',"
                + "auth:{method:'ecr',roleArn:'"
                + ROLE
                + "',externalId:'ext-1'}}");

    assertEquals("ecr", plan.sourceAuth().method());
    assertEquals(CloudAuthOptions.NONE, plan.sourceAuth().cloud());
    assertEquals(new CloudAuthOptions(ROLE, "ext-1"), plan.destinationAuth().cloud());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "gar|europe-docker.pkg.dev/project/repo",
        "gar|us-docker.pkg.dev:443",
        "gar|gcr.io/project",
        "gar|eu.gcr.io",
        "acr|portager.azurecr.io",
        "acr|portager.azurecr.io:5000/team",
        "acr|portager.azurecr.cn",
        "acr|portager.azurecr.us",
      })
  void googleAndAzureMethodsAcceptTheirHosts(String method, String registry) throws Exception {

    SyncPlan plan = SpecValidator.validate(cloudDestination(method, registry), m -> true);

    assertEquals(method, plan.destinationAuth().method());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "gar|ghcr.io|spec.destination.registry \"ghcr.io\" is not a registry that auth.method gar",
        "gar|docker.pkg.dev|use LOCATION-docker.pkg.dev",
        "gar|a.b-docker.pkg.dev|auth.method gar serves",
        "gar|gcr.io.example.com|auth.method gar serves",
        "acr|azurecr.io|auth.method acr serves",
        "acr|portager.azurecr.io.example.com|use an ACR login server",
        "acr|europe-docker.pkg.dev|auth.method acr serves",
      })
  void googleAndAzureMethodsRejectOtherHosts(String method, String registry, String fragment) {

    InvalidSpecException e =
        assertThrows(
            InvalidSpecException.class,
            () -> SpecValidator.validate(cloudDestination(method, registry), m -> true));

    assertEquals("InvalidSpec", e.reason());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ecr|123456789012.DKR.ECR.US-EAST-1.AMAZONAWS.COM/team",
        "ecr|123456789012.dkr.ecr.us-east-1.amazonaws.com:443/team/sub",
        "gar|EU.GCR.IO/project",
        "gar|US-DOCKER.PKG.DEV/project/repo",
        "acr|Portager.AzureCR.io/team",
      })
  void cloudMethodsAcceptOddButValidHosts(String method, String registry) throws Exception {

    SyncPlan plan = SpecValidator.validate(cloudDestination(method, registry), m -> true);

    assertEquals(method, plan.destinationAuth().method());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ecr|123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example",
        "ecr|123456789012.dkr.ecr.us-east-1.amazonaws.com./team",
        "ecr|evil.example#123456789012.dkr.ecr.us-east-1.amazonaws.com",
        "ecr|[::1]:5000/123456789012.dkr.ecr.us-east-1.amazonaws.com",
        "gar|evil.example#.gcr.io/project",
        "gar|EVIL.EXAMPLE#.GCR.IO",
        "gar|evil.example#-docker.pkg.dev",
        "gar|evilgcr.io",
        "gar|gcr.io./project",
        "gar|[::1]:443",
        "gar|evil.example/gcr.io/project",
        "acr|evil.example#.azurecr.io",
        "acr|portager.azurecr.io./team",
        "acr|[fe80::1]",
        "acr|evil.example/portager.azurecr.io",
      })
  void cloudMethodsRejectLookAlikeHosts(String method, String registry) {

    InvalidSpecException e =
        assertThrows(
            InvalidSpecException.class,
            () -> SpecValidator.validate(cloudDestination(method, registry), m -> true));

    assertEquals("InvalidSpec", e.reason());
    String host = registry.split("/", 2)[0].toLowerCase(Locale.ROOT);
    assertTrue(e.getMessage().contains(host), e.getMessage());
  }

  private static ImageSyncSpec cloudDestination(String method, String registry) throws Exception {
    String destination = "{registry:'" + registry + "',auth:{method:'" + method + "'}}";
    String json =
        TEMPLATE.replace("SOURCE", "{registry:'docker.io'}").replace("DESTINATION", destination);
    return MAPPER.readValue(json, ImageSyncSpec.class);
  }

  @Test
  void repositorySettingsOnlyWhenCreating() throws Exception {
    String settings =
        ",repositorySettings:{imageTagMutability:'IMMUTABLE',scanOnPush:true,"
            + "encryption:{type:'KMS',kmsKey:'alias/x'},tags:{team:'a'}}}";
    String json =
        TEMPLATE
            .replace("SOURCE", "{registry:'docker.io'}")
            .replace("DESTINATION", destination("{method:'ecr'}").replaceAll("}$", settings));

    SyncPlan off = SpecValidator.validate(MAPPER.readValue(json, ImageSyncSpec.class), m -> true);
    SyncPlan on =
        SpecValidator.validate(
            MAPPER.readValue(
                json.replace("images:", "createDestinationRepos:true,images:"),
                ImageSyncSpec.class),
            m -> true);

    assertNull(off.repositorySettings());
    assertEquals(
        new RepositorySettings("IMMUTABLE", true, "KMS", "alias/x", Map.of("team", "a")),
        on.repositorySettings());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // source conflicts between authSecretRef and auth
        "{registry:'docker.io',authSecretRef:{name:'a'},auth:{method:'anonymous'}}|{method:'anonymous'}"
            + "|InvalidSpec|spec.source.authSecretRef and spec.source.auth.method anonymous conflict",
        "{registry:'docker.io',authSecretRef:{name:'a'},auth:{method:'secret',secretRef:{name:'b'}}}"
            + "|{method:'anonymous'}|InvalidSpec|name different Secrets",
        "{registry:'docker.io',auth:{method:'secret'}}|{method:'anonymous'}"
            + "|InvalidSpec|spec.source.auth.secretRef.name is required",
        "{registry:'docker.io',authSecretRef:{name:''}}|{method:'anonymous'}"
            + "|InvalidSpec|spec.source.authSecretRef.name is empty",
        // unknown and unregistered methods
        "{registry:'docker.io'}|{method:'basic'}|InvalidSpec|\"basic\" is unknown",
        "{registry:'docker.io'}|{}|InvalidSpec|spec.destination.auth.method is missing",
        "{registry:'docker.io'}|{method:'gar'}|UnsupportedAuthMethod"
            + "|spec.destination.auth.method gar is not supported",
        "{registry:'docker.io',auth:{method:'acr'}}|{method:'anonymous'}|UnsupportedAuthMethod"
            + "|spec.source.auth.method acr is not supported",
        // ECR host and role
        "{registry:'ghcr.io',auth:{method:'ecr'}}|{method:'anonymous'}|InvalidSpec"
            + "|spec.source.registry \"ghcr.io\" is not a private ECR registry",
        "{registry:'docker.io'}|{method:'secret',secretRef:{name:'a'},roleArn:'"
            + "arn:aws:iam::1:role/x'}"
            + "|InvalidSpec|roleArn applies to method ecr only",
        "{registry:'docker.io'}|{method:'ecr',roleArn:'role/x'}|InvalidSpec|is not an IAM role ARN",
        "{registry:'docker.io'}|{method:'ecr',externalId:'x1'}|InvalidSpec|externalId is set without roleArn",
        "{registry:'docker.io'}|{method:'ecr',roleArn:'arn:aws-cn:iam::123456789012:role/x'}"
            + "|InvalidSpec|partition aws-cn but the registry is in aws",
      })
  void rejectsInvalidAuth(String source, String auth, String reason, String fragment) {
    InvalidSpecException e =
        assertThrows(InvalidSpecException.class, () -> validate(source, destination(auth)));

    assertEquals(reason, e.reason());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "imageTagMutability:'SOMETIMES'|imageTagMutability \"SOMETIMES\" is unknown",
        "encryption:{type:'DES'}|encryption.type \"DES\" is unknown",
        "encryption:{type:'AES256',kmsKey:'k'}|kmsKey is set but type is AES256",
        "tags:{'':'x'}|a key is 1 to 128 characters",
      })
  void rejectsInvalidRepositorySettings(String settings, String fragment) {
    String json =
        TEMPLATE
            .replace("SOURCE", "{registry:'docker.io'}")
            .replace(
                "DESTINATION",
                "{registry:'"
                    + ECR
                    + "',auth:{method:'ecr'},repositorySettings:{"
                    + settings
                    + "}}")
            .replace("images:", "createDestinationRepos:true,images:");

    InvalidSpecException e =
        assertThrows(
            InvalidSpecException.class,
            () -> SpecValidator.validate(MAPPER.readValue(json, ImageSyncSpec.class), m -> true));

    assertEquals("InvalidSpec", e.reason());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
