package io.portager.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Objects;
import java.util.regex.Pattern;

/** The platform of one child of an index, such as {@code linux/arm64/v8}; variant may be null. */
public record Platform(String os, String architecture, String variant) {
  private static final Pattern PART = Pattern.compile("[a-z0-9][a-z0-9._-]*");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Parses {@code os/architecture[/variant]}, such as {@code linux/amd64} or {@code linux/arm/v7};
   * throws IllegalArgumentException for any other form.
   */
  public static Platform parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(
          "parse platform: missing value, want os/architecture[/variant] such as linux/arm64");
    }
    String[] parts = text.split("/", -1);
    boolean valid = parts.length == 2 || parts.length == 3;
    for (int i = 0; valid && i < parts.length; i++) {
      valid = PART.matcher(parts[i]).matches();
    }
    if (!valid) {
      throw new IllegalArgumentException(
          "parse platform "
              + text
              + ": want os/architecture[/variant] in lower case, such as linux/amd64 or"
              + " linux/arm64/v8");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  /**
   * Reads {@code os}, {@code architecture} and {@code variant} from an image config blob (the OCI
   * image config or Docker's container config); throws IllegalArgumentException when the JSON is
   * invalid or lacks os or architecture.
   */
  public static Platform ofImageConfig(byte[] config) {
    JsonNode root;
    try {
      root = JSON.readTree(config);
    } catch (IOException e) {
      throw new IllegalArgumentException("parse image config: invalid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.path("os").isTextual() || !root.path("architecture").isTextual()) {
      throw new IllegalArgumentException("parse image config: missing os or architecture");
    }
    JsonNode variant = root.get("variant");
    return new Platform(
        root.get("os").asText(),
        root.get("architecture").asText(),
        variant != null && variant.isTextual() && !variant.asText().isEmpty()
            ? variant.asText()
            : null);
  }

  /**
   * Returns true when this platform satisfies {@code requested}: the same os and architecture, and
   * the same variant when {@code requested} names one. Like Docker and containerd, {@code arm64/v8}
   * counts as {@code arm64} without a variant, because v8 is the only arm64 variant that images
   * publish without saying so.
   */
  public boolean matches(Platform requested) {
    if (!os.equals(requested.os) || !architecture.equals(requested.architecture)) {
      return false;
    }
    if (requested.variant == null) {
      return true;
    }
    return Objects.equals(normalisedVariant(), requested.normalisedVariant());
  }

  private String normalisedVariant() {
    if ("arm64".equals(architecture) && "v8".equals(variant)) {
      return null;
    }
    return variant;
  }

  @Override
  public String toString() {
    return variant == null ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
  }
}
