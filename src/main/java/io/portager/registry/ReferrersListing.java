package io.portager.registry;

import io.portager.oci.Descriptor;
import io.portager.oci.Digest;
import io.portager.oci.Manifest;
import io.portager.oci.MediaTypes;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One listing of the referrers API of the OCI distribution spec v1.1: {@code GET
 * /v2/<name>/referrers/<digest>[?artifactType=<type>]}. The registry returns an OCI index, possibly
 * over several pages joined by {@code Link: <...>; rel="next"}. A registry with the API never
 * returns 404 for this path, so a 404 means the API is missing.
 */
final class ReferrersListing {
  private final HttpRepository repository;
  private final Digest subject;
  private final String artifactType;
  private final String action;

  ReferrersListing(HttpRepository repository, Digest subject, String artifactType) {
    this.repository = repository;
    this.subject = subject;
    this.artifactType = artifactType;
    this.action = "list referrers " + repository.name() + "@" + subject;
  }

  Optional<List<Descriptor>> run() {
    List<Descriptor> referrers = new ArrayList<>();
    Set<URI> visited = new HashSet<>();
    URI page = firstPage();
    while (page != null) {
      if (!visited.add(page)) {
        throw new RegistryException(
            0,
            null,
            action + ": Link header loops back to " + Responses.withoutQuery(page),
            null,
            false);
      }
      HttpResponse<InputStream> response =
          repository.pull(action, Call.get(page, Map.of("Accept", MediaTypes.OCI_INDEX)));
      if (response.statusCode() == 404 && visited.size() == 1) {
        Responses.discard(response);
        return Optional.empty();
      }
      if (response.statusCode() != 200) {
        throw Responses.failure(action, response);
      }
      referrers.addAll(readPage(response));
      URI current = response.uri();
      page =
          response
              .headers()
              .firstValue("Link")
              .flatMap(Links::next)
              .map(current::resolve)
              .orElse(null);
    }
    return Optional.of(List.copyOf(referrers));
  }

  private URI firstPage() {
    String path = "/v2/" + repository.name() + "/referrers/" + subject;
    if (artifactType != null) {
      path += "?artifactType=" + URLEncoder.encode(artifactType, StandardCharsets.UTF_8);
    }
    return repository.uri(path);
  }

  private List<Descriptor> readPage(HttpResponse<InputStream> response) {
    byte[] body = Responses.readBounded(response, HttpRepository.MANIFEST_LIMIT, action);
    Manifest index;
    try {
      index = Manifest.parse(MediaTypes.OCI_INDEX, body);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(0, null, action + ": " + e.getMessage(), e, false);
    }
    if (!index.isIndex()) {
      throw new RegistryException(
          0,
          null,
          action + ": got " + index.mediaType() + ", want an OCI image index",
          null,
          false);
    }
    if (artifactType == null || filterApplied(response)) {
      return index.children();
    }
    return index.children().stream().filter(d -> artifactType.equals(d.artifactType())).toList();
  }

  // OCI-Filters-Applied lists the filters the registry applied; without "artifactType" in it,
  // the spec leaves the filtering to the client.
  private static boolean filterApplied(HttpResponse<InputStream> response) {
    return response.headers().allValues("OCI-Filters-Applied").stream()
        .flatMap(value -> List.of(value.split(",")).stream())
        .anyMatch(name -> name.trim().toLowerCase(Locale.ROOT).equals("artifacttype"));
  }
}
