package io.portager.imagesync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecValidatorTest {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
          .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
          .build();

  private static final String VALID =
      "{schedule:'@every 1h',"
          + "source:{registry:'docker.io/library'},"
          + "destination:{registry:'127.0.0.1:5000',auth:{method:'anonymous'},"
          + "repositoryPrefix:'mirror',plainHTTP:true},"
          + "images:[{name:'alpine',tags:['3.21','latest']},{name:'team/app',tags:['1.0']}]}";

  private static ImageSyncSpec spec(String json) throws Exception {
    return MAPPER.readValue(json, ImageSyncSpec.class);
  }

  @Test
  void plansOneJobPerTag() throws Exception {
    SyncPlan plan = SpecValidator.validate(spec(VALID));

    assertEquals(
        List.of(
            new SyncPlan.TagJob("alpine", "3.21", "library/alpine", "mirror/alpine"),
            new SyncPlan.TagJob("alpine", "latest", "library/alpine", "mirror/alpine"),
            new SyncPlan.TagJob("team/app", "1.0", "library/team/app", "mirror/team/app")),
        plan.jobs());
  }

  @Test
  void endpointsCarryTransportChoices() throws Exception {
    SyncPlan plan = SpecValidator.validate(spec(VALID));

    assertEquals("registry-1.docker.io", plan.sourceEndpoint().host());
    assertFalse(plan.sourceEndpoint().plainHttp());
    assertEquals("127.0.0.1:5000", plan.destinationEndpoint().host());
    assertTrue(plan.destinationEndpoint().plainHttp());
    assertFalse(plan.destinationEndpoint().insecureSkipTlsVerify());
  }

  @Test
  void semverImageBecomesQuery() throws Exception {
    SyncPlan plan =
        SpecValidator.validate(
            spec(VALID.replace("tags:['1.0']", "semver:'^1.2',excludeTags:['.*-rc.*'],maxTags:3")));

    assertEquals(1, plan.queries().size());
    SyncPlan.TagQuery query = plan.queries().get(0);
    assertEquals("team/app", query.image());
    assertEquals("mirror/team/app", query.destinationRepository());
    assertEquals(3, query.maxTags());
    assertEquals(1, query.exclude().size());
    assertEquals(2, plan.jobs().size());
  }

  @Test
  void rejectsCopyOntoItself() throws Exception {
    String same =
        VALID
            .replace("registry:'docker.io/library'", "registry:'127.0.0.1:5000'")
            .replace("repositoryPrefix:'mirror',", "");

    InvalidSpecException e =
        assertThrows(InvalidSpecException.class, () -> SpecValidator.validate(spec(same)));

    assertTrue(e.getMessage().contains("onto itself"), e.getMessage());
  }

  @Test
  void duplicateTagsPlannedOnce() throws Exception {
    SyncPlan plan =
        SpecValidator.validate(spec(VALID.replace("['3.21','latest']", "['1','1','1']")));

    assertEquals(1, plan.jobs().stream().filter(j -> j.image().equals("alpine")).count());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'@every 1h'|'61 * * * *'|InvalidSchedule|minute",
        "'@every 1h'|''|InvalidSchedule|spec.schedule is empty",
        "method:'anonymous'|method:'basic'|InvalidSpec|\"basic\" is unknown",
        "method:'anonymous'|method:'secret'|InvalidSpec|secretRef.name is required",
        "method:'anonymous'|method:'ecr'|UnsupportedAuthMethod|method ecr is not supported",
        "tags:['1.0']|tags:[]|InvalidSpec|spec.images[1].tags is empty and no semver is set",
        "tags:['1.0']|semver:'>=1.0 <'|InvalidSpec|spec.images[1].semver: invalid semver",
        "tags:['1.0']|semver:'1.x',includeTags:['*x']|InvalidSpec|spec.images[1].includeTags[0]",
        "tags:['1.0']|semver:'1.x',maxTags:-1|InvalidSpec|maxTags is negative",
        "tags:['1.0']|tags:['1.0'],excludeTags:['x']|InvalidSpec|has no semver",
        "name:'team/app'|name:'Team/App'|InvalidSpec|spec.images[1]",
        "name:'team/app'|name:'a/../b'|InvalidSpec|spec.images[1]",
        "tags:['1.0']|tags:['bad tag']|InvalidSpec|spec.images[1]",
        "'127.0.0.1:5000'|'http://127.0.0.1:5000'|InvalidSpec|remove the scheme",
        "images:[|images:[],x:[|InvalidSpec|spec.images is empty",
        "schedule:|validation:{sbomGate:{enabled:true}},schedule:|UnsupportedValidation|sbomGate",
      })
  void rejectsInvalidSpec(String find, String replace, String reason, String fragment)
      throws Exception {
    ImageSyncSpec bad = spec(VALID.replace(find, replace));

    InvalidSpecException e =
        assertThrows(InvalidSpecException.class, () -> SpecValidator.validate(bad));

    assertEquals(reason, e.reason());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }
}
