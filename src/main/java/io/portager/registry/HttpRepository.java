package io.portager.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portager.log.Log;
import io.portager.oci.Descriptor;
import io.portager.oci.Digest;
import io.portager.oci.Manifest;
import io.portager.oci.MediaTypes;
import io.portager.oci.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** A {@link Repository} over the OCI distribution API of one {@link RegistryClient}. */
final class HttpRepository implements Repository {
  /** Bounds on one tag listing, so a registry that links pages forever cannot hold a worker. */
  static final int MAX_TAG_PAGES = 1000;

  static final int MAX_TAGS = 100_000;

  /** Manifest size limit; distribution and most registries reject manifests over 4 MiB. */
  static final int MANIFEST_LIMIT = 4 * 1024 * 1024;

  static final int TAGS_PAGE_LIMIT = 4 * 1024 * 1024;

  private static final String ACCEPT_MANIFESTS = String.join(", ", MediaTypes.SUPPORTED_MANIFESTS);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Log LOG = Log.get("registry");

  private final RegistryClient client;
  private final String name;
  private final Credential credential;
  private final String pullScope;
  private final String pushScope;

  HttpRepository(RegistryClient client, String name, Credential credential) {
    if (!Reference.isValidRepository(name)) {
      throw new IllegalArgumentException(
          "open repository " + name + ": invalid name, want lower-case components joined by '/'");
    }
    this.client = client;
    this.name = name;
    this.credential = credential;
    // Token scopes of distribution's token spec. Writes ask for push before the first write so a
    // token without push fails at the upload POST instead of half-way through a copy.
    this.pullScope = "repository:" + name + ":pull";
    this.pushScope = "repository:" + name + ":pull,push";
  }

  @Override
  public RegistryEndpoint endpoint() {
    return client.endpoint();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Optional<Descriptor> headManifest(String reference) {
    String action = "head manifest " + display(reference);
    Call call = Call.head(manifestUri(reference), Map.of("Accept", ACCEPT_MANIFESTS));
    HttpResponse<InputStream> response = client.execute(action, call, credential, pullScope);
    if (response.statusCode() == 404) {
      Responses.discard(response);
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw Responses.failure(action, response);
    }
    Responses.discard(response);

    Optional<String> digest = response.headers().firstValue("Docker-Content-Digest");
    OptionalLong size = response.headers().firstValueAsLong("Content-Length");
    // Docker-Content-Digest is required by the spec, but some registries and proxies drop it:
    // then the digest comes from the bytes themselves.
    if (digest.isEmpty() || size.isEmpty()) {
      return Optional.of(getManifest(reference).descriptor());
    }
    String mediaType =
        MediaTypes.stripParameters(response.headers().firstValue("Content-Type").orElse(""));
    return Optional.of(
        new Descriptor(mediaType, parseDigestHeader(digest.get(), action), size.getAsLong()));
  }

  @Override
  public Manifest getManifest(String reference) {
    String action = "get manifest " + display(reference);
    Call call = Call.get(manifestUri(reference), Map.of("Accept", ACCEPT_MANIFESTS));
    HttpResponse<InputStream> response = client.execute(action, call, credential, pullScope);
    if (response.statusCode() != 200) {
      throw Responses.failure(action, response);
    }
    byte[] bytes = Responses.readBounded(response, MANIFEST_LIMIT, action);
    String contentType = response.headers().firstValue("Content-Type").orElse(null);

    Manifest manifest;
    try {
      manifest = Manifest.parse(contentType, bytes);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(0, null, action + ": " + e.getMessage(), e, false);
    }
    if (isDigest(reference)) {
      verifyDigest(Digest.parse(reference), bytes, action);
    } else {
      // A read by tag has no digest to check against, except the one the registry reports. A
      // mismatch means the bytes or the header changed on the way, so the bytes are not trusted.
      Optional<String> reported = response.headers().firstValue("Docker-Content-Digest");
      if (reported.isPresent()) {
        verifyDigest(parseDigestHeader(reported.get(), action), bytes, action);
      }
    }
    return manifest;
  }

  @Override
  public void putManifest(String reference, Manifest manifest) {
    sendManifest(reference, manifest);
  }

  @Override
  public boolean putReferrerManifest(String reference, Manifest manifest) {
    HttpResponse<InputStream> response = sendManifest(reference, manifest);
    // A registry with the referrers API answers a manifest with a subject with OCI-Subject
    // (distribution spec v1.1, "Pushing Manifests with Subject").
    return response.headers().firstValue("OCI-Subject").isPresent();
  }

  @Override
  public Optional<List<Descriptor>> referrers(Digest subject, String artifactType) {
    return new ReferrersListing(this, subject, artifactType).run();
  }

  @Override
  public boolean blobExists(Digest digest) {
    String action = "check blob " + name + "@" + digest;
    Call call = Call.head(blobUri(digest), Map.of());
    HttpResponse<InputStream> response = client.execute(action, call, credential, pullScope);
    int status = response.statusCode();
    if (status != 200 && status != 404) {
      throw Responses.failure(action, response);
    }
    Responses.discard(response);
    return status == 200;
  }

  @Override
  public InputStream openBlob(Digest digest) {
    String action = "get blob " + name + "@" + digest;
    Call call = Call.get(blobUri(digest), Map.of());
    HttpResponse<InputStream> response = client.execute(action, call, credential, pullScope);
    if (response.statusCode() != 200) {
      throw Responses.failure(action, response);
    }
    return IdleTimeoutInputStream.wrap(response.body(), client.limits().idleTimeout(), action);
  }

  @Override
  public long copyBlobFrom(Repository source, Descriptor blob) {
    return new BlobUpload(this, source, blob).run(null).bytesCopied();
  }

  @Override
  public List<String> listTags() {
    String action = "list tags " + name;
    List<String> tags = new ArrayList<>();
    Set<URI> visited = new HashSet<>();
    URI page = client.uri("/v2/" + name + "/tags/list");
    while (page != null) {
      if (visited.size() >= MAX_TAG_PAGES || tags.size() >= MAX_TAGS) {
        throw new RegistryException(
            0,
            null,
            action
                + ": gave up after "
                + visited.size()
                + " pages and "
                + tags.size()
                + " tags, because the registry keeps linking to more",
            null,
            false);
      }
      if (!visited.add(page)) {
        throw new RegistryException(
            0,
            null,
            action + ": Link header loops back to " + Responses.withoutQuery(page),
            null,
            false);
      }
      HttpResponse<InputStream> response =
          client.execute(
              action, Call.get(page, Map.of("Accept", "application/json")), credential, pullScope);
      if (response.statusCode() != 200) {
        throw Responses.failure(action, response);
      }
      tags.addAll(parseTags(Responses.readBounded(response, TAGS_PAGE_LIMIT, action), action));
      // The spec's Link target may be relative; it resolves against the URL that returned it.
      URI current = response.uri();
      page =
          response
              .headers()
              .firstValue("Link")
              .flatMap(Links::next)
              .map(current::resolve)
              .orElse(null);
    }
    return List.copyOf(tags);
  }

  /** Sends a read-only request with this repository's credential and pull scope. */
  HttpResponse<InputStream> pull(String action, Call call) {
    return client.execute(action, call, credential, pullScope);
  }

  /** Returns {@code path} (starting with {@code /v2/}) on this repository's registry. */
  URI uri(String path) {
    return client.uri(path);
  }

  @Override
  public BlobTransfer transferBlob(Repository source, Descriptor blob, String mountFrom) {
    return new BlobUpload(this, source, blob).run(mountFrom);
  }

  /** Opens an upload session (OCI distribution spec, "Pushing Blobs"). */
  UploadSession startUpload(String action) {
    URI uri = client.uri("/v2/" + name + "/blobs/uploads/");
    HttpResponse<InputStream> response = client.execute(action, post(uri), credential, pushScope);
    if (response.statusCode() != 202) {
      throw Responses.failure(action, response);
    }
    return session(action, response);
  }

  /**
   * Asks the registry to link {@code digest} from repository {@code from} on the same registry
   * (spec, "Mounting a blob from another repository"). Returns empty when it did (201). Otherwise
   * returns an upload session for a normal upload: the one a 202 opened, or a new one when the
   * registry rejected the mount request itself, for example because the credential may not pull
   * from {@code from}.
   */
  Optional<UploadSession> mount(String action, Digest digest, String from) {
    URI uri =
        client.uri(
            "/v2/"
                + name
                + "/blobs/uploads/?mount="
                + URLEncoder.encode(digest.toString(), StandardCharsets.UTF_8)
                + "&from="
                + URLEncoder.encode(from, StandardCharsets.UTF_8));
    // The push scope comes first because some token servers read only the first scope.
    HttpResponse<InputStream> response = executePush(action, post(uri), List.of(pullScope(from)));
    int status = response.statusCode();
    if (status == 201) {
      Responses.discard(response);
      return Optional.empty();
    }
    if (status == 202) {
      return Optional.of(session(action, response));
    }
    if (status == 401 || status == 403 || status == 404) {
      Responses.discard(response);
      LOG.info(
          "blob_mount_rejected",
          "repository",
          name,
          "from",
          from,
          "digest",
          digest,
          "status",
          status);
      return Optional.of(startUpload(action));
    }
    throw Responses.failure(action, response);
  }

  /** Sends one request of an upload session (PATCH, PUT or a status GET). */
  HttpResponse<InputStream> sendUpload(String action, Call call) {
    return client.execute(action, call, credential, pushScope);
  }

  /**
   * Sends a write to this repository with a token for push here and, after it, {@code extraScopes},
   * such as {@link #pullScope} of the source of a cross-repository mount on the same registry. The
   * push scope goes first because some registries read only the first scope of a token request.
   */
  HttpResponse<InputStream> executePush(String action, Call call, List<String> extraScopes) {
    List<String> scopes = new ArrayList<>();
    scopes.add(pushScope);
    extraScopes.stream().filter(scope -> !scopes.contains(scope)).forEach(scopes::add);
    return client.execute(action, call, credential, scopes);
  }

  /** Returns the token scope that allows pulling from {@code repository}. */
  static String pullScope(String repository) {
    return "repository:" + repository + ":pull";
  }

  /** PUTs the exact manifest bytes and checks the stored digest; returns the drained response. */
  private HttpResponse<InputStream> sendManifest(String reference, Manifest manifest) {
    String action = "put manifest " + display(reference);
    byte[] bytes = manifest.bytes();
    Call call =
        new Call(
            "PUT",
            manifestUri(reference),
            Map.of("Content-Type", manifest.mediaType()),
            () -> BodyPublishers.ofByteArray(bytes),
            true,
            false,
            Call.DEFAULT_TIMEOUT,
            true);
    HttpResponse<InputStream> response = client.execute(action, call, credential, pushScope);
    if (response.statusCode() / 100 != 2) {
      throw Responses.failure(action, response);
    }
    Responses.discard(response);

    Optional<String> stored = response.headers().firstValue("Docker-Content-Digest");
    if (stored.isPresent() && !parseDigestHeader(stored.get(), action).equals(manifest.digest())) {
      throw new RegistryException(
          0,
          null,
          action + ": registry stored digest " + stored.get() + ", want " + manifest.digest(),
          null,
          false);
    }
    return response;
  }

  ClientLimits limits() {
    return client.limits();
  }

  /** Waits before starting attempt {@code attempt + 1} of a failed upload. */
  void backOff(String action, int attempt) {
    client.transport().backOff(action, attempt);
  }

  private static Call post(URI uri) {
    return new Call(
        "POST", uri, Map.of(), BodyPublishers::noBody, true, true, Call.DEFAULT_TIMEOUT);
  }

  private static UploadSession session(String action, HttpResponse<InputStream> response) {
    Responses.discard(response);
    URI location = Uploads.nextLocation(action, response, null);
    long chunkMinLength = response.headers().firstValueAsLong("OCI-Chunk-Min-Length").orElse(0);
    return new UploadSession(location, Math.max(0, chunkMinLength));
  }

  private URI manifestUri(String reference) {
    if (!isDigest(reference) && !Reference.isValidTag(reference)) {
      throw new IllegalArgumentException(
          "manifest reference " + reference + ": invalid, want a tag or a digest");
    }
    return client.uri("/v2/" + name + "/manifests/" + reference);
  }

  private URI blobUri(Digest digest) {
    return client.uri("/v2/" + name + "/blobs/" + digest);
  }

  private String display(String reference) {
    return name + (isDigest(reference) ? "@" : ":") + reference;
  }

  private static boolean isDigest(String reference) {
    if (reference.indexOf(':') < 0) {
      return false;
    }
    Digest.parse(reference);
    return true;
  }

  private static void verifyDigest(Digest want, byte[] bytes, String action) {
    Digest got = Digest.sha256(bytes);
    if (!want.algorithm().equals("sha256")) {
      got =
          new Digest(
              want.algorithm(),
              java.util.HexFormat.of().formatHex(want.newMessageDigest().digest(bytes)));
    }
    if (!got.equals(want)) {
      throw new RegistryException(
          0, null, action + ": got digest " + got + ", want " + want, null, false);
    }
  }

  private static Digest parseDigestHeader(String value, String action) {
    try {
      return Digest.parse(value.trim());
    } catch (IllegalArgumentException e) {
      throw new RegistryException(
          0, null, action + ": invalid Docker-Content-Digest header: " + e.getMessage(), e, false);
    }
  }

  private static List<String> parseTags(byte[] body, String action) {
    JsonNode tags;
    try {
      tags = JSON.readTree(body).path("tags");
    } catch (IOException e) {
      throw new RegistryException(0, null, action + ": invalid JSON in tag list", e, false);
    }
    List<String> result = new ArrayList<>();
    for (JsonNode tag : tags) {
      result.add(tag.asText());
    }
    return result;
  }
}
