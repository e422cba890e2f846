package io.portager.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portager.oci.MediaTypes;
import io.portager.oci.Platform;
import io.portager.registry.Credential;
import io.portager.registry.RegistryClient;
import io.portager.registry.RegistryEndpoint;
import io.portager.registry.Repository;
import io.portager.testenv.FixtureImage;
import io.portager.testenv.Fixtures;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.RegistryAuth;
import io.portager.testenv.RegistryCredentials;
import io.portager.testenv.RunDirectory;
import io.portager.testenv.Skopeo;
import io.portager.testenv.TokenServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Copies OCI artifacts, a Helm-chart-shaped artifact, a referrer and a filtered index between
 * distribution 2.8 and 3.1, which have no referrers API, each behind Bearer token auth and behind
 * basic auth, and checks the results with skopeo. crane is not used because it refuses a token
 * realm on a loopback address other than the registry's own. The layouts are written here and
 * pushed with {@code skopeo copy --all}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArtifactSyncIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER = "artifacts";
  private static final RegistryCredentials CREDENTIALS =
      RegistryCredentials.of(USER, "pw-" + java.util.UUID.randomUUID());
  private static final String SBOM = "application/spdx+json";

  private RunDirectory run;
  private TokenServer tokenServer;
  private OciRegistry distribution2Token;
  private OciRegistry distribution2Basic;
  private OciRegistry distribution3Token;
  private OciRegistry distribution3Basic;
  private Skopeo skopeo;
  private final ImageCopier copier = new ImageCopier();

  @BeforeAll
  void startRegistries() {
    run = RunDirectory.create("artifacts-it");
    tokenServer =
        TokenServer.start(
            run, "artifacts-token", Map.of(USER, CREDENTIALS.password()), Duration.ofMinutes(5));
    RegistryAuth token = RegistryAuth.token(tokenServer);
    RegistryAuth basic = RegistryAuth.htpasswd(Map.of(USER, CREDENTIALS.password()));
    distribution2Token =
        OciRegistry.start(run, "dist-2-token", OciRegistry.Implementation.DISTRIBUTION_2, token);
    distribution2Basic =
        OciRegistry.start(run, "dist-2-basic", OciRegistry.Implementation.DISTRIBUTION_2, basic);
    distribution3Token =
        OciRegistry.start(run, "dist-3-token", OciRegistry.Implementation.DISTRIBUTION_3, token);
    distribution3Basic =
        OciRegistry.start(run, "dist-3-basic", OciRegistry.Implementation.DISTRIBUTION_3, basic);
    skopeo = Skopeo.create(run);
  }

  @AfterAll
  void stopRegistries() {
    for (OciRegistry registry :
        new OciRegistry[] {
          distribution2Token, distribution2Basic, distribution3Token, distribution3Basic
        }) {
      if (registry != null) {
        registry.close();
      }
    }
    if (tokenServer != null) {
      tokenServer.close();
    }
  }

  /** Each implementation and each auth mode appears as a source and as a destination. */
  Stream<Arguments> directions() {
    return Stream.of(
        Arguments.of("3-token-to-2-basic", distribution3Token, distribution2Basic),
        Arguments.of("2-basic-to-3-token", distribution2Basic, distribution3Token),
        Arguments.of("2-token-to-3-basic", distribution2Token, distribution3Basic),
        Arguments.of("3-basic-to-2-token", distribution3Basic, distribution2Token));
  }

  // The registries are AutoCloseable, which JUnit would otherwise close after each invocation.
  @ParameterizedTest(name = "{0}", autoCloseArguments = false)
  @MethodSource("directions")
  void artifactsAndReferrersCopy(String name, OciRegistry from, OciRegistry to) {
    String repository = "artifacts/" + name;
    Path layouts = run.directory("layouts-" + name);

    String artifact = pushLayout(from, repository, "artifact", writeArtifact(layouts));
    String chart = pushLayout(from, repository, "0.1.0", writeHelmChart(layouts));
    FixtureImage fixture = Fixtures.twoPlatformIndex(layouts.resolve("index"), "1.0", name);
    String index =
        Fixtures.push(skopeo, fixture, from.host(), repository, "1.0", CREDENTIALS).digest();
    String referrersTag = "sha256-" + index.substring("sha256:".length());
    Layout referrer = writeReferrer(layouts, fixture, referrersTag);
    // skopeo 1.9 rejects --preserve-digests for this index of artifacts, so it is pushed without.
    // The referrer manifest inside keeps its digest, which the checks below compare.
    skopeo.copy(
        "oci:" + referrer.path + ":" + referrersTag,
        CREDENTIALS,
        "docker://" + from.host() + "/" + repository + ":" + referrersTag,
        CREDENTIALS,
        "--all");

    Repository source = repository(from, repository);
    Repository destination = repository(to, repository);
    CopyOptions withReferrers = new CopyOptions(List.of(), true, List.of());
    copier.sync(source, destination, "artifact", withReferrers);
    copier.sync(source, destination, "0.1.0", withReferrers);
    TagResult indexResult = copier.sync(source, destination, "1.0", withReferrers);

    assertEquals(artifact, skopeo.digest(to.host() + "/" + repository + ":artifact", CREDENTIALS));
    assertEquals(chart, skopeo.digest(to.host() + "/" + repository + ":0.1.0", CREDENTIALS));
    assertEquals(index, skopeo.digest(to.host() + "/" + repository + ":1.0", CREDENTIALS));
    assertEquals(1, indexResult.referrersCopied());
    JsonNode tag =
        readJson(
            skopeo.rawManifest(to.host() + "/" + repository + ":" + referrersTag, CREDENTIALS));
    assertEquals(MediaTypes.OCI_INDEX, tag.path("mediaType").asText());
    assertEquals(1, tag.path("manifests").size());
    assertEquals(referrer.manifestDigest, tag.path("manifests").get(0).path("digest").asText());
    assertEquals(SBOM, tag.path("manifests").get(0).path("artifactType").asText());
    assertEquals(
        referrer.manifestDigest,
        Skopeo.sha256(
            skopeo.rawManifest(
                to.host() + "/" + repository + "@" + referrer.manifestDigest, CREDENTIALS)));

    String filteredRepository = "filtered/" + name;
    Repository filteredDestination = repository(to, filteredRepository);
    CopyOptions arm64Only =
        new CopyOptions(List.of(Platform.parse("linux/arm64")), true, List.of());
    TagResult filtered = copier.sync(source, filteredDestination, "1.0", arm64Only);
    TagResult again = copier.sync(source, filteredDestination, "1.0", arm64Only);

    String filteredReference = to.host() + "/" + filteredRepository + ":1.0";
    String filteredDigest = skopeo.digest(filteredReference, CREDENTIALS);
    assertEquals(filtered.destinationDigest().toString(), filteredDigest);
    assertNotEquals(index, filteredDigest);
    JsonNode filteredIndex = readJson(skopeo.rawManifest(filteredReference, CREDENTIALS));
    assertEquals(1, filteredIndex.path("manifests").size());
    assertEquals(
        "arm64",
        filteredIndex.path("manifests").get(0).path("platform").path("architecture").asText());
    assertNotNull(filtered.warning());
    assertTrue(filtered.warning().contains("referrers of the source index"), filtered.warning());
    assertEquals(false, again.copied());
  }

  private Repository repository(OciRegistry registry, String name) {
    RegistryEndpoint endpoint = new RegistryEndpoint(registry.host(), true, false);
    return new RegistryClient(endpoint)
        .repository(name, new Credential.Basic(USER, CREDENTIALS.password()));
  }

  private String pushLayout(OciRegistry registry, String repository, String tag, Layout layout) {
    String reference = registry.host() + "/" + repository + ":" + tag;
    skopeo.copy(
        "oci:" + layout.path + ":" + tag,
        CREDENTIALS,
        "docker://" + reference,
        CREDENTIALS,
        "--all",
        "--preserve-digests");
    String digest = skopeo.digest(reference, CREDENTIALS);
    assertEquals(layout.manifestDigest, digest, "skopeo changed the pushed manifest of " + tag);
    return digest;
  }

  /** Writes an artifact with {@code artifactType}, the empty config and one layer. */
  private Layout writeArtifact(Path layouts) {
    Layout layout = new Layout(layouts.resolve("artifact"));
    Map<String, Object> config = layout.blob(MediaTypes.EMPTY, bytes("{}"));
    Map<String, Object> layer =
        layout.blob("application/vnd.example.notes.v1+txt", bytes("release notes\n"));
    Map<String, Object> manifest = manifest(config, layer);
    manifest.put("artifactType", "application/vnd.example.notes.v1");
    layout.manifest(MediaTypes.OCI_MANIFEST, manifest, "artifact");
    return layout;
  }

  /** Writes a manifest shaped like {@code helm push} output: chart config and chart layer. */
  private Layout writeHelmChart(Path layouts) {
    Layout layout = new Layout(layouts.resolve("chart"));
    Map<String, Object> config =
        layout.blob(
            MediaTypes.HELM_CONFIG,
            bytes("{\"name\":\"demo\",\"version\":\"0.1.0\",\"apiVersion\":\"v2\"}"));
    Map<String, Object> layer =
        layout.blob(
            MediaTypes.HELM_CHART, Fixtures.class.getName().getBytes(StandardCharsets.UTF_8));
    layout.manifest(MediaTypes.OCI_MANIFEST, manifest(config, layer), "0.1.0");
    return layout;
  }

  /**
   * Writes an SBOM-like artifact whose subject is the fixture index, listed in an OCI index tagged
   * with the referrers tag, as a client without the referrers API pushes it.
   */
  private Layout writeReferrer(Path layouts, FixtureImage fixture, String referrersTag) {
    Layout layout = new Layout(layouts.resolve("referrer"));
    Map<String, Object> config = layout.blob(MediaTypes.EMPTY, bytes("{}"));
    Map<String, Object> layer = layout.blob(SBOM, bytes("{\"spdxVersion\":\"SPDX-2.3\"}"));
    Map<String, Object> manifest = manifest(config, layer);
    manifest.put("artifactType", SBOM);
    Map<String, Object> subject = new LinkedHashMap<>();
    subject.put("mediaType", MediaTypes.OCI_INDEX);
    subject.put("digest", fixture.digest());
    subject.put("size", indexSize(fixture));
    manifest.put("subject", subject);
    Map<String, Object> sbom = layout.json(MediaTypes.OCI_MANIFEST, manifest);
    String sbomDigest = (String) sbom.get("digest");
    sbom.put("artifactType", SBOM);

    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    index.put("manifests", List.of(sbom));
    layout.manifest(MediaTypes.OCI_INDEX, index, referrersTag);
    layout.manifestDigest = sbomDigest;
    return layout;
  }

  private static long indexSize(FixtureImage fixture) {
    Path blob = fixture.layout().resolve("blobs/sha256").resolve(fixture.digest().substring(7));
    try {
      return Files.size(blob);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> manifest(
      Map<String, Object> config, Map<String, Object> layer) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.put("config", config);
    manifest.put("layers", List.of(layer));
    return manifest;
  }

  private static JsonNode readJson(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A minimal OCI image layout with one tagged manifest or index. */
  private static final class Layout {
    final Path path;
    String manifestDigest;

    Layout(Path path) {
      this.path = path;
      try {
        Files.createDirectories(path.resolve("blobs/sha256"));
        Files.writeString(path.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    Map<String, Object> blob(String mediaType, byte[] content) {
      String digest = Skopeo.sha256(content);
      try {
        Files.write(path.resolve("blobs/sha256").resolve(digest.substring(7)), content);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Map<String, Object> descriptor = new LinkedHashMap<>();
      descriptor.put("mediaType", mediaType);
      descriptor.put("digest", digest);
      descriptor.put("size", content.length);
      return descriptor;
    }

    Map<String, Object> json(String mediaType, Object document) {
      try {
        return blob(mediaType, JSON.writeValueAsBytes(document));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Stores the manifest and writes {@code index.json} that tags it. */
    void manifest(String mediaType, Object document, String tag) {
      Map<String, Object> descriptor = json(mediaType, document);
      if (manifestDigest == null) {
        manifestDigest = (String) descriptor.get("digest");
      }
      Map<String, Object> entry = new LinkedHashMap<>(descriptor);
      entry.put("annotations", Map.of("org.opencontainers.image.ref.name", tag));
      Map<String, Object> index = new LinkedHashMap<>();
      index.put("schemaVersion", 2);
      index.put("mediaType", MediaTypes.OCI_INDEX);
      index.put("manifests", new ArrayList<>(List.of(entry)));
      try {
        Files.write(path.resolve("index.json"), JSON.writeValueAsBytes(index));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
