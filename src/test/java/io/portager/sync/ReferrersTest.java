package io.portager.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portager.oci.Descriptor;
import io.portager.oci.Manifest;
import io.portager.oci.MediaTypes;
import io.portager.oci.Platform;
import io.portager.registry.Credential;
import io.portager.registry.FakeRegistry;
import io.portager.registry.RegistryClient;
import io.portager.registry.Repository;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReferrersTest {
  private static final CopyOptions ALL = new CopyOptions(List.of(), true, List.of());

  private final ImageCopier copier = new ImageCopier();
  private FakeRegistry sourceRegistry;
  private FakeRegistry destinationRegistry;
  private Repository source;
  private Repository destination;
  private TestContent content;
  private Descriptor amd64;
  private Descriptor arm64;
  private Descriptor index;

  @BeforeEach
  void start() throws IOException {
    sourceRegistry = new FakeRegistry();
    destinationRegistry = new FakeRegistry();
    Credential anonymous = new Credential.Anonymous();
    source = new RegistryClient(sourceRegistry.endpoint()).repository("team/app", anonymous);
    destination =
        new RegistryClient(destinationRegistry.endpoint()).repository("mirror/app", anonymous);
    content = new TestContent(sourceRegistry, "team/app");
    amd64 = content.image("linux/amd64", MediaTypes.OCI_MANIFEST, null);
    arm64 = content.image("linux/arm64", MediaTypes.OCI_MANIFEST, null);
    index =
        content.index(
            MediaTypes.OCI_INDEX,
            "v1",
            List.of(amd64, arm64),
            List.of("linux/amd64", "linux/arm64"));
  }

  @AfterEach
  void stop() {
    sourceRegistry.close();
    destinationRegistry.close();
  }

  @Test
  void apiReferrersFollowLinkPages() {
    sourceRegistry.referrersApi = true;
    sourceRegistry.referrersPageSize = 1;
    destinationRegistry.referrersApi = true;
    Descriptor sbom = content.referrer(index, TestContent.SBOM, "sbom");
    Descriptor signature = content.referrer(index, TestContent.SIGNATURE, "sig");

    TagResult result = copier.sync(source, destination, "v1", ALL);

    assertEquals(2, result.referrersCopied());
    assertCopied(sbom);
    assertCopied(signature);
    assertTrue(
        sourceRegistry.requests.stream()
            .anyMatch(r -> r.contains("/referrers/") && r.contains("page=1")));
    // The destination confirmed each subject with OCI-Subject, so no referrers tag is written.
    assertNull(destinationRegistry.manifest("mirror/app", index.digest().referrersTag()));
  }

  @Test
  void clientFiltersWhenRegistryDidNot() {
    sourceRegistry.referrersApi = true;
    sourceRegistry.referrersFilter = false;
    Descriptor sbom = content.referrer(index, TestContent.SBOM, "sbom");
    Descriptor signature = content.referrer(index, TestContent.SIGNATURE, "sig");

    TagResult result =
        copier.sync(
            source, destination, "v1", new CopyOptions(List.of(), true, List.of(TestContent.SBOM)));

    assertEquals(1, result.referrersCopied());
    assertCopied(sbom);
    assertNull(destinationRegistry.manifest("mirror/app", signature.digest().toString()));
    assertTrue(
        sourceRegistry.requests.stream()
            .anyMatch(
                r ->
                    r.contains("/referrers/")
                        && r.contains("artifactType=application%2Fspdx%2Bjson")));
  }

  @Test
  void registryFilterIsTrusted() {
    sourceRegistry.referrersApi = true;
    Descriptor sbom = content.referrer(index, TestContent.SBOM, "sbom");
    Descriptor signature = content.referrer(index, TestContent.SIGNATURE, "sig");

    TagResult result =
        copier.sync(
            source,
            destination,
            "v1",
            new CopyOptions(List.of(), true, List.of(TestContent.SIGNATURE)));

    assertEquals(1, result.referrersCopied());
    assertCopied(signature);
    assertNull(destinationRegistry.manifest("mirror/app", sbom.digest().toString()));
  }

  @Test
  void severalArtifactTypesFilterClientSide() {
    sourceRegistry.referrersApi = true;
    Descriptor sbom = content.referrer(index, TestContent.SBOM, "sbom");
    Descriptor signature = content.referrer(index, TestContent.SIGNATURE, "sig");
    Descriptor other = content.referrer(index, "application/vnd.example.other", "other");

    TagResult result =
        copier.sync(
            source,
            destination,
            "v1",
            new CopyOptions(List.of(), true, List.of(TestContent.SBOM, TestContent.SIGNATURE)));

    assertEquals(2, result.referrersCopied());
    assertCopied(sbom);
    assertCopied(signature);
    assertNull(destinationRegistry.manifest("mirror/app", other.digest().toString()));
  }

  @Test
  void sourceReferrersTagIsReadWithoutApi() {
    Descriptor sbom = content.referrer(index, TestContent.SBOM, "sbom");
    content.referrersTag(index.digest().referrersTag(), List.of(sbom));

    TagResult result = copier.sync(source, destination, "v1", ALL);

    assertEquals(1, result.referrersCopied());
    assertCopied(sbom);
    Manifest tag =
        Manifest.parse(
            null, destinationRegistry.manifest("mirror/app", index.digest().referrersTag()));
    Descriptor entry = tag.children().get(0);
    assertEquals(1, tag.children().size());
    assertEquals(sbom.digest(), entry.digest());
    assertEquals(TestContent.SBOM, entry.artifactType());
    assertEquals("2024-01-01", entry.annotations().get("org.opencontainers.image.created"));
  }

  @Test
  void referrersTagThatIsNotIndexIsIgnored() {
    Descriptor sbom = content.referrer(index, TestContent.SBOM, "sbom");
    Descriptor config = sourceRegistry.addBlob(TestContent.CONFIG, TestContent.bytes("{}"));
    content.manifestOf(index.digest().referrersTag(), config, List.of(sbom), null);

    TagResult result = copier.sync(source, destination, "v1", ALL);

    assertTrue(result.copied());
    assertEquals(0, result.referrersCopied());
    assertNull(destinationRegistry.manifest("mirror/app", sbom.digest().toString()));
  }

  @Test
  void referrersTagEntryWithOtherSubjectIsIgnored() {
    Descriptor ofChild = content.referrer(amd64, TestContent.SBOM, "child sbom");
    content.referrersTag(index.digest().referrersTag(), List.of(ofChild));

    TagResult result = copier.sync(source, destination, "v1", ALL);

    assertEquals(0, result.referrersCopied());
    assertNull(destinationRegistry.manifest("mirror/app", ofChild.digest().toString()));
  }

  @Test
  void cosignTagsAreCopied() {
    Descriptor config = sourceRegistry.addBlob(TestContent.CONFIG, TestContent.bytes("{}"));
    Descriptor payload =
        sourceRegistry.addBlob(
            "application/vnd.dev.cosign.simplesigning.v1+json", TestContent.bytes("payload"));
    String signatureTag = index.digest().referrersTag() + ".sig";
    String attestationTag = amd64.digest().referrersTag() + ".att";
    content.manifestOf(signatureTag, config, List.of(payload), null);
    content.manifestOf(attestationTag, config, List.of(payload), null);

    TagResult result = copier.sync(source, destination, "v1", ALL);

    assertEquals(2, result.referrersCopied());
    assertArrayEquals(
        sourceRegistry.manifest("team/app", signatureTag),
        destinationRegistry.manifest("mirror/app", signatureTag));
    assertArrayEquals(
        sourceRegistry.manifest("team/app", attestationTag),
        destinationRegistry.manifest("mirror/app", attestationTag));
  }

  @Test
  void referrersAreWrittenBeforeSubjectTag() {
    Descriptor sbom = content.referrer(index, TestContent.SBOM, "sbom");
    Descriptor childSignature = content.referrer(arm64, TestContent.SIGNATURE, "sig");
    content.referrersTag(index.digest().referrersTag(), List.of(sbom));
    content.referrersTag(arm64.digest().referrersTag(), List.of(childSignature));

    copier.sync(source, destination, "v1", ALL);

    List<String> writes = destinationRegistry.writes();
    int tag = writes.indexOf("PUT /v2/mirror/app/manifests/v1");
    assertEquals(writes.size() - 1, tag, writes.toString());
    for (String reference :
        List.of(
            sbom.digest().toString(),
            childSignature.digest().toString(),
            index.digest().referrersTag(),
            arm64.digest().referrersTag())) {
      int at = writes.indexOf("PUT /v2/mirror/app/manifests/" + reference);
      assertTrue(at >= 0, reference + " missing from " + writes);
      assertTrue(at < tag, reference + " after the tag in " + writes);
    }
  }

  @Test
  void destinationReferrersTagIsMergedAndDeduplicated() {
    Descriptor sbom = content.referrer(index, TestContent.SBOM, "sbom");
    Descriptor signature = content.referrer(index, TestContent.SIGNATURE, "sig");
    content.referrersTag(index.digest().referrersTag(), List.of(sbom, signature));
    Descriptor existing = new Descriptor(MediaTypes.OCI_MANIFEST, amd64.digest(), amd64.size());
    new TestContent(destinationRegistry, "mirror/app")
        .referrersTag(index.digest().referrersTag(), List.of(existing, sbom, existing));

    copier.sync(source, destination, "v1", ALL);

    Manifest tag =
        Manifest.parse(
            null, destinationRegistry.manifest("mirror/app", index.digest().referrersTag()));
    assertEquals(
        List.of(amd64.digest(), sbom.digest(), signature.digest()),
        tag.children().stream().map(Descriptor::digest).toList());
  }

  @Test
  void referrersOfReferrersAreCopied() {
    sourceRegistry.referrersApi = true;
    Descriptor sbom = content.referrer(index, TestContent.SBOM, "sbom");
    Descriptor sbomSignature = content.referrer(sbom, TestContent.SIGNATURE, "sig of sbom");

    TagResult result = copier.sync(source, destination, "v1", ALL);

    assertEquals(2, result.referrersCopied());
    assertCopied(sbomSignature);
    Manifest tag =
        Manifest.parse(
            null, destinationRegistry.manifest("mirror/app", sbom.digest().referrersTag()));
    assertEquals(sbomSignature.digest(), tag.children().get(0).digest());
  }

  @Test
  void filteredIndexSkipsItsOwnReferrers() {
    sourceRegistry.referrersApi = true;
    Descriptor indexSbom = content.referrer(index, TestContent.SBOM, "index sbom");
    Descriptor childSbom = content.referrer(arm64, TestContent.SBOM, "arm64 sbom");
    Descriptor droppedSbom = content.referrer(amd64, TestContent.SBOM, "amd64 sbom");

    TagResult result =
        copier.sync(
            source,
            destination,
            "v1",
            new CopyOptions(List.of(Platform.parse("linux/arm64")), true, List.of()));

    assertEquals(1, result.referrersCopied());
    assertCopied(childSbom);
    assertNull(destinationRegistry.manifest("mirror/app", indexSbom.digest().toString()));
    assertNull(destinationRegistry.manifest("mirror/app", droppedSbom.digest().toString()));
    assertNotNull(result.warning());
    assertTrue(result.warning().contains("1 referrers of the source index"), result.warning());
  }

  @Test
  void secondRunWritesNothing() {
    Descriptor sbom = content.referrer(index, TestContent.SBOM, "sbom");
    content.referrersTag(index.digest().referrersTag(), List.of(sbom));
    copier.sync(source, destination, "v1", ALL);
    int writes = destinationRegistry.writes().size();

    TagResult again = copier.sync(source, destination, "v1", ALL);

    assertEquals(0, again.referrersCopied());
    assertEquals(writes, destinationRegistry.writes().size());
  }

  @Test
  void newReferrerOfUnchangedTagIsCopied() {
    copier.sync(source, destination, "v1", ALL);
    Descriptor late = content.referrer(index, TestContent.SIGNATURE, "signed later");
    content.referrersTag(index.digest().referrersTag(), List.of(late));

    TagResult again = copier.sync(source, destination, "v1", ALL);

    assertEquals(false, again.copied());
    assertEquals(1, again.referrersCopied());
    assertCopied(late);
  }

  private void assertCopied(Descriptor referrer) {
    String reference = referrer.digest().toString();
    assertArrayEquals(
        sourceRegistry.manifest("team/app", reference),
        destinationRegistry.manifest("mirror/app", reference),
        reference);
    Manifest manifest = Manifest.parse(null, sourceRegistry.manifest("team/app", reference));
    for (Descriptor blob : manifest.blobs()) {
      assertArrayEquals(
          sourceRegistry.blobs.get(blob.digest()), destinationRegistry.blobs.get(blob.digest()));
    }
  }
}
