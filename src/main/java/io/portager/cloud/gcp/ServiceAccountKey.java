package io.portager.cloud.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portager.cloud.CloudCredentialException;
import io.portager.cloud.ExpiringToken;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code service_account} key file: a JWT signed RS256 with the key's private key is exchanged at
 * the file's {@code token_uri} for an access token (Google's "Using OAuth 2.0 for Server to Server
 * Applications", the JWT bearer grant of RFC 7523).
 */
final class ServiceAccountKey implements GoogleIdentity {
  static final String JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";

  /** The assertion lifetime; Google accepts at most one hour. */
  static final Duration ASSERTION_LIFETIME = Duration.ofHours(1);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final Path file;
  private final String clientEmail;
  private final String keyId;
  private final PrivateKey privateKey;
  private final URI tokenUri;
  private final GoogleHttp http;

  private ServiceAccountKey(
      Path file,
      String clientEmail,
      String keyId,
      PrivateKey privateKey,
      URI tokenUri,
      GoogleHttp http) {
    this.file = file;
    this.clientEmail = clientEmail;
    this.keyId = keyId;
    this.privateKey = privateKey;
    this.tokenUri = tokenUri;
    this.http = http;
  }

  static ServiceAccountKey parse(Path file, JsonNode root, GoogleHttp http) {
    String where = "read service account key file " + file;
    String email = GoogleHttp.requiredText(root, "client_email", where);
    String pem = GoogleHttp.requiredText(root, "private_key", where);
    String tokenUri = GoogleHttp.optionalText(root, "token_uri");
    return new ServiceAccountKey(
        file,
        email,
        GoogleHttp.optionalText(root, "private_key_id"),
        parsePrivateKey(pem, where),
        GoogleCredentialFiles.parseUri(tokenUri == null ? DEFAULT_TOKEN_URI : tokenUri, where),
        http);
  }

  @Override
  public ExpiringToken fetch(Instant now) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", JWT_BEARER_GRANT);
    form.put("assertion", assertion(now));
    String action = "fetch access token for " + description();
    String hint =
        "check that the key in "
            + file
            + " is not deleted or disabled and that its service account exists";
    JsonNode body = http.postForm(action, tokenUri, form, Map.of(), hint);
    return GoogleHttp.accessToken(body, now, action);
  }

  @Override
  public String description() {
    return "service account " + clientEmail + " (key file " + file + ")";
  }

  /** Builds the signed JWT: claims iss, scope, aud (the token URI), iat and exp. */
  String assertion(Instant now) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", "RS256");
    header.put("typ", "JWT");
    if (keyId != null) {
      header.put("kid", keyId);
    }
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", clientEmail);
    claims.put("scope", CLOUD_PLATFORM_SCOPE);
    claims.put("aud", tokenUri.toString());
    claims.put("iat", now.getEpochSecond());
    claims.put("exp", now.plus(ASSERTION_LIFETIME).getEpochSecond());
    try {
      String signingInput =
          BASE64URL.encodeToString(JSON.writeValueAsBytes(header))
              + "."
              + BASE64URL.encodeToString(JSON.writeValueAsBytes(claims));
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(privateKey);
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + BASE64URL.encodeToString(signature.sign());
    } catch (IOException | GeneralSecurityException e) {
      throw new CloudCredentialException(
          "sign JWT for " + description() + ": " + e.getClass().getSimpleName(), false, e);
    }
  }

  /** Parses a PEM {@code PRIVATE KEY} (PKCS#8), the form Google writes into key files. */
  static PrivateKey parsePrivateKey(String pem, String where) {
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int start = pem.indexOf(begin);
    int stop = pem.indexOf(end);
    if (start < 0 || stop < start) {
      throw new CloudCredentialException(
          where + ": private_key is not a PEM PRIVATE KEY (PKCS#8); download a new JSON key",
          false);
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), stop));
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new CloudCredentialException(
          where + ": private_key is not a valid RSA key; download a new JSON key", false);
    }
  }
}
