package io.portager.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.testenv.MutationFuzzer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the image reference and manifest parsers with mutations of valid samples. The budget per
 * parser is the system property {@value MutationFuzzer#SECONDS_PROPERTY}; the fuzz profile raises
 * it.
 */
class ParserFuzzTest {
  private static final String DIGEST =
      "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  private static final MutationFuzzer FUZZER = MutationFuzzer.fromSystemProperties();

  @Test
  void referenceParserRejectsOnlyWithIllegalArgument() {
    List<String> samples =
        List.of(
            "nginx",
            "library/nginx:1.25",
            "docker.io/library/nginx:latest",
            "ghcr.io/org/team/app@" + DIGEST,
            "localhost:5000/a/b:v1.2.3@" + DIGEST,
            "127.0.0.1:5000/x__y/z-w.q:tag_1",
            "registry.example.com:443/deep/path/to/repo:TAG-x.1");

    MutationFuzzer.Result result =
        FUZZER.run(
            "reference",
            samples,
            List.of(":", "@", "/", "docker.io", "index.docker.io", "library/", "localhost"),
            ParserFuzzTest::parseReferenceRoundTrip,
            IllegalArgumentException.class);

    assertTrue(result.accepted() >= samples.size(), result.toString());
  }

  private static void parseReferenceRoundTrip(String input) {
    Reference reference = Reference.parse(input);
    assertEquals(reference, Reference.parse(reference.toString()), "round trip of " + input);
  }

  @Test
  void manifestParserRejectsOnlyWithIllegalArgument() {
    String layer =
        "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
            + DIGEST
            + "\",\"size\":32}";
    List<String> samples =
        List.of(
            MediaTypes.OCI_MANIFEST
                + "\n{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
                + "\"digest\":\""
                + DIGEST
                + "\",\"size\":7},\"layers\":["
                + layer
                + "],\"annotations\":{\"a\":\"b\"},\"subject\":"
                + layer
                + "}",
            MediaTypes.OCI_INDEX
                + "\n{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
                + DIGEST
                + "\",\"size\":9,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\","
                + "\"variant\":\"v8\"}}],\"artifactType\":\"application/x-test\"}",
            "\n{\"schemaVersion\":2,\"mediaType\":"
                + "\"application/vnd.docker.distribution.manifest.v2+json\",\"config\":"
                + layer
                + ",\"layers\":[]}",
            "application/vnd.docker.distribution.manifest.list.v2+json\n"
                + "{\"schemaVersion\":2,\"manifests\":[]}");

    MutationFuzzer.Result result =
        FUZZER.run(
            "manifest",
            samples,
            List.of("\"manifests\"", "\"layers\"", "\"size\":", "-1", "\"platform\":{}", ","),
            ParserFuzzTest::parseManifest,
            IllegalArgumentException.class);

    assertTrue(result.accepted() >= samples.size(), result.toString());
  }

  /** Parses {@code contentType LF body} and reads every field a copy uses. */
  private static void parseManifest(String input) {
    int newline = input.indexOf('\n');
    String contentType = newline <= 0 ? null : input.substring(0, newline);
    Manifest manifest =
        Manifest.parse(contentType, MutationFuzzer.utf8(input.substring(newline + 1)));
    manifest.children().forEach(Descriptor::toString);
    manifest.blobs().forEach(Descriptor::toString);
    manifest.subject();
    manifest.annotations();
    manifest.artifactType();
    manifest.configMediaType();
    manifest.descriptor();
  }
}
