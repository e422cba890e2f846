package io.portager.cloud.aws;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * STS (query protocol, XML responses) and ECR (JSON 1.1, {@code X-Amz-Target}) on one loopback
 * port. Records every request with its operation, SigV4 credential scope and parameters, and
 * responds from scripted state: the token password, existing repositories and denied actions.
 */
public final class FakeAws implements AutoCloseable {
  static final String ECR_TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921.";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CREDENTIAL =
      Pattern.compile("Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request");

  /** One request: the operation, the SigV4 scope (null when unsigned) and its parameters. */
  public record Request(
      String operation,
      String accessKeyId,
      String region,
      String service,
      Map<String, String> form,
      JsonNode json) {}

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Set<String> repositories = ConcurrentHashMap.newKeySet();
  private final Set<String> denied = ConcurrentHashMap.newKeySet();
  private final Set<String> hidden = ConcurrentHashMap.newKeySet();
  private final Set<String> deniedRoles = ConcurrentHashMap.newKeySet();
  private volatile String password = "fake-ecr-password";
  private volatile Instant expiresAt = Instant.now().plusSeconds(12 * 3600);
  private volatile int issued;
  private volatile Duration latency = Duration.ZERO;

  public FakeAws() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public List<Request> requests(String operation) {
    return requests.stream().filter(r -> r.operation().equals(operation)).toList();
  }

  public void password(String value) {
    password = value;
  }

  public void expiresAt(Instant value) {
    expiresAt = value;
  }

  public void addRepository(String name) {
    repositories.add(name);
  }

  public Set<String> repositories() {
    return Set.copyOf(repositories);
  }

  /**
   * Makes DescribeRepositories report {@code name} as missing although it exists, as when another
   * client creates it between DescribeRepositories and CreateRepository.
   */
  public void hideFromDescribe(String name) {
    hidden.add(name);
  }

  /** Denies AssumeRole of {@code roleArn} with AccessDenied, and other roles not. */
  public void denyRole(String roleArn) {
    deniedRoles.add(roleArn);
  }

  /**
   * Denies {@code operation} (for example "CreateRepository" or "AssumeRole") with AccessDenied.
   */
  public void deny(String operation) {
    denied.add(operation);
  }

  /** Delays every response, so concurrent callers overlap with a request in flight. */
  public void setLatency(Duration value) {
    latency = value;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      pause();
      String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      Matcher scope = CREDENTIAL.matcher(authorization == null ? "" : authorization);
      boolean signed = scope.find();
      if (target != null && target.startsWith(ECR_TARGET_PREFIX)) {
        String operation = target.substring(ECR_TARGET_PREFIX.length());
        JsonNode json = JSON.readTree(body.isEmpty() ? "{}" : body);
        requests.add(
            new Request(
                operation,
                signed ? scope.group(1) : null,
                signed ? scope.group(3) : null,
                signed ? scope.group(4) : null,
                Map.of(),
                json));
        ecr(exchange, operation, json);
        return;
      }
      Map<String, String> form = parseForm(body);
      String operation = form.getOrDefault("Action", "unknown");
      requests.add(
          new Request(
              operation,
              signed ? scope.group(1) : null,
              signed ? scope.group(3) : null,
              signed ? scope.group(4) : null,
              form,
              null));
      sts(exchange, operation, form);
    }
  }

  private void ecr(HttpExchange exchange, String operation, JsonNode request) throws IOException {
    if (denied.contains(operation)) {
      ecrError(
          exchange,
          "AccessDeniedException",
          "User: arn:aws:sts::123456789012:assumed-role/portager/x is not authorized to perform:"
              + " ecr:"
              + operation);
      return;
    }
    ObjectNode response = JSON.createObjectNode();
    switch (operation) {
      case "GetAuthorizationToken" -> {
        String token = Base64.getEncoder().encodeToString(("AWS:" + password).getBytes(UTF_8));
        ObjectNode data = response.putArray("authorizationData").addObject();
        data.put("authorizationToken", token);
        data.put("expiresAt", expiresAt.getEpochSecond());
        data.put("proxyEndpoint", "https://123456789012.dkr.ecr.us-east-1.amazonaws.com");
      }
      case "DescribeRepositories" -> {
        String name = request.path("repositoryNames").path(0).asText();
        if (!repositories.contains(name) || hidden.contains(name)) {
          ecrError(
              exchange,
              "RepositoryNotFoundException",
              "The repository with name '" + name + "' does not exist");
          return;
        }
        response.putArray("repositories").addObject().put("repositoryName", name);
      }
      case "CreateRepository" -> {
        String name = request.path("repositoryName").asText();
        if (!repositories.add(name)) {
          ecrError(exchange, "RepositoryAlreadyExistsException", "The repository already exists");
          return;
        }
        response.putObject("repository").put("repositoryName", name);
      }
      default -> {
        ecrError(exchange, "UnknownOperationException", operation);
        return;
      }
    }
    send(exchange, 200, "application/x-amz-json-1.1", JSON.writeValueAsBytes(response));
  }

  private static void ecrError(HttpExchange exchange, String type, String message)
      throws IOException {
    ObjectNode error = JSON.createObjectNode().put("__type", type).put("message", message);
    send(exchange, 400, "application/x-amz-json-1.1", JSON.writeValueAsBytes(error));
  }

  private void sts(HttpExchange exchange, String operation, Map<String, String> form)
      throws IOException {
    if (denied.contains(operation) || deniedRoles.contains(form.get("RoleArn"))) {
      String xml =
          "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
              + "<Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:sts::"
              + "111111111111:assumed-role/base/x is not authorized to perform: sts:"
              + operation
              + " on resource: "
              + form.get("RoleArn")
              + "</Message></Error><RequestId>r1</RequestId></ErrorResponse>";
      send(exchange, 403, "text/xml", xml.getBytes(UTF_8));
      return;
    }
    if (!operation.equals("AssumeRole") && !operation.equals("AssumeRoleWithWebIdentity")) {
      send(exchange, 400, "text/xml", "<ErrorResponse/>".getBytes(UTF_8));
      return;
    }
    int serial = ++issued;
    String xml =
        "<"
            + operation
            + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><"
            + operation
            + "Result><Credentials><AccessKeyId>"
            + accessKeyFor(operation, serial)
            + "</AccessKeyId><SecretAccessKey>fake-secret-"
            + serial
            + "</SecretAccessKey><SessionToken>fake-session-"
            + serial
            + "</SessionToken><Expiration>"
            + Instant.now().plusSeconds(3600)
            + "</Expiration></Credentials><AssumedRoleUser><Arn>"
            + form.get("RoleArn")
            + "/portager</Arn><AssumedRoleId>AROA:portager</AssumedRoleId></AssumedRoleUser></"
            + operation
            + "Result><ResponseMetadata><RequestId>r"
            + serial
            + "</RequestId></ResponseMetadata></"
            + operation
            + "Response>";
    send(exchange, 200, "text/xml", xml.getBytes(UTF_8));
  }

  /**
   * Returns the access key id that STS issues for the {@code serial}th credentials of {@code
   * operation}.
   */
  public static String accessKeyFor(String operation, int serial) {
    return (operation.equals("AssumeRole") ? "ASIAROLE" : "ASIAWEBID") + serial;
  }

  private static Map<String, String> parseForm(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), UTF_8);
      form.put(name, value);
    }
    return form;
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("x-amzn-RequestId", "r");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  public static List<String> operations(List<Request> requests) {
    List<String> operations = new ArrayList<>();
    requests.forEach(r -> operations.add(r.operation()));
    return operations;
  }

  private void pause() {
    try {
      Thread.sleep(latency.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
