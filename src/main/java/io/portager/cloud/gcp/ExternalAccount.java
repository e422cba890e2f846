package io.portager.cloud.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portager.cloud.CloudCredentialException;
import io.portager.cloud.ExpiringToken;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code external_account} file of workload identity federation (Google AIP-4117, "External
 * Account Credentials"). A subject token read from a file or a URL is exchanged at the Security
 * Token Service ({@code token_url}, RFC 8693 token exchange) for a federated access token, which is
 * then optionally traded for a service account's token at {@code service_account_impersonation_url}
 * (IAM Credentials {@code generateAccessToken}).
 *
 * <p>NOTE: the AWS ({@code environment_id}), executable and X.509 certificate subject token sources
 * are not supported; such a file is rejected when it is read.
 */
final class ExternalAccount implements GoogleIdentity {
  static final String TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
  static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
  static final String DEFAULT_TOKEN_URL = "https://sts.googleapis.com/v1/token";

  /** The service account token lifetime requested when the file names none. */
  static final Duration DEFAULT_IMPERSONATION_LIFETIME = Duration.ofHours(1);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final String audience;
  private final String subjectTokenType;
  private final URI tokenUrl;
  private final SubjectTokenSource subjectSource;
  private final URI impersonationUrl;
  private final Duration impersonationLifetime;
  private final String clientId;
  private final String clientSecret;
  private final String workforcePoolUserProject;
  private final GoogleHttp http;

  /** The origin of the subject token: a file or a URL, read as text or as a JSON field. */
  record SubjectTokenSource(Path file, URI url, Map<String, String> headers, String jsonField) {
    SubjectTokenSource {
      headers = Map.copyOf(headers);
    }
  }

  private ExternalAccount(Path file, JsonNode root, GoogleHttp http) {
    String where = "read external account file " + file;
    this.file = file;
    this.http = http;
    this.audience = GoogleHttp.requiredText(root, "audience", where);
    this.subjectTokenType = GoogleHttp.requiredText(root, "subject_token_type", where);
    String url = GoogleHttp.optionalText(root, "token_url");
    this.tokenUrl = GoogleCredentialFiles.parseUri(url == null ? DEFAULT_TOKEN_URL : url, where);
    this.subjectSource = subjectSource(root.get("credential_source"), where);
    String impersonation = GoogleHttp.optionalText(root, "service_account_impersonation_url");
    this.impersonationUrl =
        impersonation == null ? null : GoogleCredentialFiles.parseUri(impersonation, where);
    this.impersonationLifetime = impersonationLifetime(root);
    this.clientId = GoogleHttp.optionalText(root, "client_id");
    this.clientSecret = GoogleHttp.optionalText(root, "client_secret");
    this.workforcePoolUserProject = GoogleHttp.optionalText(root, "workforce_pool_user_project");
  }

  static ExternalAccount parse(Path file, JsonNode root, GoogleHttp http) {
    return new ExternalAccount(file, root, http);
  }

  SubjectTokenSource subjectSource() {
    return subjectSource;
  }

  @Override
  public ExpiringToken fetch(Instant now) {
    ExpiringToken federated = exchange(readSubjectToken(), now);
    if (impersonationUrl == null) {
      return federated;
    }
    return impersonate(federated, now);
  }

  @Override
  public String description() {
    return "workload identity federation audience "
        + audience
        + " (external account file "
        + file
        + ")";
  }

  private String userProjectOption() {
    try {
      return JSON.writeValueAsString(Map.of("userProject", workforcePoolUserProject));
    } catch (IOException e) {
      throw new IllegalStateException("encode workforce_pool_user_project", e);
    }
  }

  private ExpiringToken exchange(String subjectToken, Instant now) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", TOKEN_EXCHANGE_GRANT);
    form.put("audience", audience);
    form.put("scope", CLOUD_PLATFORM_SCOPE);
    form.put("requested_token_type", ACCESS_TOKEN_TYPE);
    form.put("subject_token", subjectToken);
    form.put("subject_token_type", subjectTokenType);
    if (workforcePoolUserProject != null && clientId == null) {
      form.put("options", userProjectOption());
    }
    Map<String, String> headers = Map.of();
    if (clientId != null && clientSecret != null) {
      String pair = clientId + ":" + clientSecret;
      headers =
          Map.of(
              "Authorization",
              "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    String action = "exchange subject token for " + description();
    String hint =
        "check that the workload identity pool provider of this audience trusts the issuer of"
            + " the subject token and that its attribute condition admits it";
    JsonNode body = http.postForm(action, tokenUrl, form, headers, hint);
    return GoogleHttp.accessToken(body, now, action);
  }

  /**
   * Trades the federated token for a service account's access token. The response carries {@code
   * accessToken} and {@code expireTime} (RFC 3339), per the IAM Credentials API.
   */
  private ExpiringToken impersonate(ExpiringToken federated, Instant now) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("scope", List.of(CLOUD_PLATFORM_SCOPE));
    request.put("lifetime", impersonationLifetime.toSeconds() + "s");
    String action = "impersonate service account for " + description();
    String hint =
        "grant the federated principal roles/iam.workloadIdentityUser on the service account of "
            + GoogleHttp.withoutQuery(impersonationUrl);
    JsonNode body =
        http.postJson(
            action,
            impersonationUrl,
            request,
            Map.of("Authorization", "Bearer " + federated.value()),
            hint);
    String token = GoogleHttp.requiredText(body, "accessToken", action);
    String expireTime = GoogleHttp.optionalText(body, "expireTime");
    Instant expiresAt = now.plus(impersonationLifetime);
    if (expireTime != null) {
      try {
        expiresAt = OffsetDateTime.parse(expireTime).toInstant();
      } catch (DateTimeParseException e) {
        // The token is still usable, so the requested lifetime is used as the expiry.
      }
    }
    return new ExpiringToken(token, expiresAt);
  }

  private String readSubjectToken() {
    String where = "read subject token for " + description();
    String text;
    if (subjectSource.file() != null) {
      try {
        text = Files.readString(subjectSource.file(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new CloudCredentialException(
            where
                + ": cannot read "
                + subjectSource.file()
                + " ("
                + e.getClass().getSimpleName()
                + "); check that the projected token volume is mounted",
            true,
            e);
      }
    } else {
      String hint = "check credential_source.url in " + file;
      byte[] body = http.get(where, subjectSource.url(), subjectSource.headers(), hint);
      text = new String(body, StandardCharsets.UTF_8);
    }
    return subjectFromText(text, where);
  }

  private String subjectFromText(String text, String where) {
    if (subjectSource.jsonField() == null) {
      String token = text.trim();
      if (token.isEmpty()) {
        throw new CloudCredentialException(where + ": the subject token is empty", true);
      }
      return token;
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      throw new CloudCredentialException(where + ": the subject token is not valid JSON", true);
    }
    String token = root == null ? null : GoogleHttp.optionalText(root, subjectSource.jsonField());
    if (token == null) {
      throw new CloudCredentialException(
          where + ": the subject token JSON has no text field " + subjectSource.jsonField(), true);
    }
    return token;
  }

  private static SubjectTokenSource subjectSource(JsonNode source, String where) {
    if (source == null || !source.isObject()) {
      throw new CloudCredentialException(where + ": missing field credential_source", false);
    }
    for (String unsupported : List.of("environment_id", "executable", "certificate")) {
      if (source.has(unsupported)) {
        throw new CloudCredentialException(
            where
                + ": credential_source."
                + unsupported
                + " is not supported; use a file or url credential source, a service account"
                + " key, or GKE workload identity",
            false);
      }
    }
    String jsonField = jsonField(source.get("format"), where);
    String path = GoogleHttp.optionalText(source, "file");
    if (path != null) {
      return new SubjectTokenSource(Path.of(path), null, Map.of(), jsonField);
    }
    String url = GoogleHttp.optionalText(source, "url");
    if (url == null) {
      throw new CloudCredentialException(
          where + ": credential_source has neither file nor url", false);
    }
    return new SubjectTokenSource(
        null,
        GoogleCredentialFiles.parseUri(url, where),
        headers(source.get("headers")),
        jsonField);
  }

  private static String jsonField(JsonNode format, String where) {
    if (format == null || !format.isObject()) {
      return null;
    }
    String type = GoogleHttp.optionalText(format, "type");
    if (type == null || type.equals("text")) {
      return null;
    }
    if (!type.equals("json")) {
      throw new CloudCredentialException(
          where + ": credential_source.format.type " + type + " is invalid, want text or json",
          false);
    }
    return GoogleHttp.requiredText(format, "subject_token_field_name", where);
  }

  private static Map<String, String> headers(JsonNode headers) {
    Map<String, String> result = new LinkedHashMap<>();
    if (headers != null && headers.isObject()) {
      headers.fields().forEachRemaining(e -> result.put(e.getKey(), e.getValue().asText()));
    }
    return result;
  }

  private static Duration impersonationLifetime(JsonNode root) {
    JsonNode options = root.get("service_account_impersonation");
    JsonNode seconds = options == null ? null : options.get("token_lifetime_seconds");
    if (seconds != null && seconds.canConvertToLong() && seconds.asLong() > 0) {
      return Duration.ofSeconds(seconds.asLong());
    }
    return DEFAULT_IMPERSONATION_LIFETIME;
  }
}
