package io.portager.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portager.testenv.ControlPlane;
import io.portager.testenv.OciRegistry;
import io.portager.testenv.RegistryAuth;
import io.portager.testenv.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Measures Portager (the operator jar against a local control plane) beside {@code skopeo sync} and
 * a per-tag crane loop on registries on 127.0.0.1, and writes {@code results.json} and {@code
 * tables.md} to the output directory. Runs of the tools are interleaved, and each run rotates which
 * tool goes first.
 */
public final class Bench {
  static final String PORTAGER = "portager";
  static final String SKOPEO = "skopeo sync";
  static final String CRANE = "crane loop";
  static final String PREFIX = "mirror";
  private static final Duration SYNC_TIMEOUT = Duration.ofMinutes(20);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final BenchOptions options;
  private final RunDirectory run = RunDirectory.create("bench");
  private final List<Sample> samples = new ArrayList<>();
  private final Map<String, Object> extra = new LinkedHashMap<>();
  private final List<Long> idleResidentBytes = new ArrayList<>();
  private ControlPlane controlPlane;
  private OciRegistry source;
  private OciRegistry destination;
  private FixturePusher sourcePusher;
  private Fixture fixture;
  private Peers peers;
  private PortagerDriver driver;
  private OperatorProcess operator;
  private int tagVersion;
  private Path jar;

  private Bench(BenchOptions options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    BenchOptions options = BenchOptions.parse(args);
    Bench bench = new Bench(options);
    int status = 0;
    try {
      bench.run();
    } catch (Exception | AssertionError e) {
      e.printStackTrace();
      System.out.println("bench failed: " + e.getMessage());
      status = 1;
    } finally {
      bench.close();
    }
    System.exit(status);
  }

  private void run() throws Exception {
    Files.createDirectories(options.output());
    startEnvironment();
    Map<String, List<String>> images = Peers.images(fixture.repositories(), fixture.tags());
    log("scenario=cold");
    if (options.scenarios().contains("cold")) {
      coldCopy("cold copy", images, options.coldRuns());
    }
    writeReport(false);
    log("scenario=unchanged");
    if (options.scenarios().contains("unchanged")) {
      resync("unchanged resync", images, options.runs(), false);
    }
    writeReport(false);
    log("scenario=tag-moved");
    if (options.scenarios().contains("tag-moved")) {
      resync("one tag moved", images, options.runs(), true);
    }
    writeReport(false);
    log("scenario=startup");
    if (options.scenarios().contains("startup")) {
      startup(options.runs());
    }
    writeReport(false);
    log("scenario=storm");
    if (options.scenarios().contains("storm")) {
      storm();
    }
    writeReport(false);
    log("scenario=large");
    if (options.scenarios().contains("large")) {
      large();
    }
    writeReport(false);
    if (options.scaling() && options.scenarios().contains("scaling")) {
      log("scenario=scaling");
      new Scaling(this).run();
    }
    writeReport(true);
  }

  /** Writes the results so far, so a failure late in a long run keeps the earlier scenarios. */
  private void writeReport(boolean print) throws IOException {
    Report report = new Report(samples, extra, environment(), options);
    Files.writeString(
        options.output().resolve("results.json"), JSON.writeValueAsString(report.json()));
    Files.writeString(options.output().resolve("tables.md"), report.markdown());
    if (print) {
      System.out.println(report.markdown());
    }
  }

  private void startEnvironment() throws Exception {
    Path jar = options.jar() != null ? options.jar() : findJar();
    extra.put("jar", jar.toString());
    controlPlane = ControlPlane.start(run);
    controlPlane.installCrd();
    source =
        OciRegistry.start(
            run, "source", OciRegistry.Implementation.DISTRIBUTION_3, RegistryAuth.none());
    destination =
        OciRegistry.start(
            run, "destination", OciRegistry.Implementation.DISTRIBUTION_3, RegistryAuth.none());
    sourcePusher = new FixturePusher(source.host());
    peers = new Peers(run.directory("peers"));
    driver = new PortagerDriver(controlPlane.kubeconfig());
    fixture = new Fixture(options.repositories(), options.tags(), Fixture.DEFAULT_SIZES);
    long started = System.nanoTime();
    fixture.push(sourcePusher, 8);
    extra.put("fixturePushSeconds", (System.nanoTime() - started) / 1e9);
    extra.put("uniqueBlobBytes", fixture.uniqueBlobBytes());
    this.jar = jar;
    log("fixture_pushed tags=" + options.repositories() * options.tags());
  }

  // ---- scenarios -------------------------------------------------------------------------

  void coldCopy(String scenario, Map<String, List<String>> images, int runs) throws Exception {
    for (int i = 0; i < runs; i++) {
      for (String tool : rotate(i)) {
        wipe(destination);
        samples.add(measureCold(scenario, tool, source, images, "bench"));
      }
    }
  }

  private void resync(String scenario, Map<String, List<String>> images, int runs, boolean moveTag)
      throws Exception {
    ensureImageSync("bench", source.host(), images);
    for (int i = 0; i < runs; i++) {
      for (String tool : rotate(i)) {
        if (moveTag) {
          fixture.pushTag(sourcePusher, 0, 0, ++tagVersion);
        }
        samples.add(measureResync(scenario, tool, source, images, List.of("bench")));
      }
    }
  }

  /**
   * Measures each set of JVM options: the seconds from process start to the first finished
   * no-change run of every tag, and the RSS two seconds after that run. It also measures the idle
   * RSS after the informer listed the ImageSyncs when no sync is due.
   */
  private void startup(int runs) throws Exception {
    Map<String, Object> byOptions = new LinkedHashMap<>();
    for (List<String> jvmOptions : List.of(options.jvmOptions(), BenchOptions.CHART_JVM_OPTIONS)) {
      String label = String.join(" ", jvmOptions);
      if (byOptions.containsKey(label)) {
        continue;
      }
      List<Double> seconds = new ArrayList<>();
      List<Long> residentAfter = new ArrayList<>();
      List<Long> idle = new ArrayList<>();
      List<Map<String, Double>> phases = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        stopOperator();
        driver.requestSync("bench");
        Instant started = Instant.now();
        operator = startOperatorProcess(jvmOptions, List.of());
        driver.awaitSyncNowHandled("bench", SYNC_TIMEOUT);
        seconds.add((System.nanoTime() - operator.startedNanos()) / 1e9);
        phases.add(
            operator.secondsToEvents(
                started,
                List.of("operator_starting", "informer_listed", "sync_started", "sync_finished")));
        Thread.sleep(2000);
        residentAfter.add(operator.residentBytes());
        stopOperator();
        operator = startOperatorProcess(jvmOptions, List.of());
        operator.awaitLog("informer_listed", Duration.ofSeconds(60));
        Thread.sleep(1500);
        idle.add(operator.residentBytes());
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("startupToFirstNoChangeRunSeconds", seconds);
      result.put("secondsToLogEvents", phases);
      result.put("residentBytesTwoSecondsAfterFirstRun", residentAfter);
      result.put("idleResidentBytesAfterInformerList", idle);
      byOptions.put(label, result);
    }
    extra.put("startupByJvmOptions", byOptions);
    restartOperator(List.of());
  }

  private void storm() throws Exception {
    int limit = 10;
    double qps = 20;
    int tags = Math.min(options.tags(), options.smoke() ? 3 : 20);
    Map<String, List<String>> images = Peers.images(1, tags);
    try (ThrottlingProxy proxy = ThrottlingProxy.start(source.host(), limit, 1, 20_000)) {
      restartOperator(List.of("--registry-qps", Double.toString(qps)));
      ObjectNode object =
          PortagerDriver.imageSync("storm", proxy.host(), images, destination.host(), "storm");
      driver.delete("storm");
      long started = System.nanoTime();
      long generation = driver.create(object);
      ObjectNode status = driver.awaitGeneration("storm", generation, SYNC_TIMEOUT);
      double wall = (System.nanoTime() - started) / 1e9;
      List<String> failed = PortagerDriver.failedTags(status);
      verify(source.host(), images, destination.host(), "storm");
      StormCheck check = StormCheck.of(proxy.arrivals(), qps, proxy.retryAfterSeconds());
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("proxyLimitPerSecond", limit);
      result.put("registryQps", qps);
      result.put("tags", tags);
      result.put("wallSeconds", wall);
      result.put("failedTags", failed);
      result.put("check", check);
      extra.put("storm", result);
      driver.delete("storm");
      if (!failed.isEmpty()) {
        throw new AssertionError("429 storm: tags failed: " + failed);
      }
    }
    restartOperator(List.of());
  }

  private void large() throws Exception {
    OciRegistry largeSource =
        OciRegistry.start(
            run, "large-source", OciRegistry.Implementation.DISTRIBUTION_3, RegistryAuth.none());
    try {
      FixturePusher pusher = new FixturePusher(largeSource.host());
      Map<String, List<String>> images = Map.of("bench/large", List.of("big"));
      List<Double> sizes = new ArrayList<>(options.largeGibibytes());
      for (double size : options.flatnessGibibytes()) {
        if (!sizes.contains(size)) {
          sizes.add(size);
        }
      }
      for (double gib : sizes) {
        boolean peersToo = options.largeGibibytes().contains(gib);
        wipe(largeSource);
        long bytes = (long) (gib * (1L << 30));
        log("large_push bytes=" + bytes);
        Fixture.pushLargeImage(pusher, "bench/large", "big", bytes);
        String scenario = "large layer " + format(gib) + " GiB";
        int runs = peersToo ? options.largeRuns() : 1;
        for (int i = 0; i < runs; i++) {
          for (String tool : peersToo ? rotate(i) : List.of(PORTAGER)) {
            wipe(destination);
            samples.add(measureCold(scenario, tool, largeSource, images, "large"));
          }
        }
        wipe(destination);
      }
      wipe(largeSource);
    } finally {
      largeSource.close();
    }
  }

  // ---- one measured run ------------------------------------------------------------------

  Sample measureCold(
      String scenario, String tool, OciRegistry from, Map<String, List<String>> images, String name)
      throws Exception {
    if (tool.equals(PORTAGER)) {
      driver.delete(name);
      restartOperator(List.of());
    }
    ObjectNode object =
        PortagerDriver.imageSync(name, from.host(), images, destination.host(), PREFIX);
    return measure(
        scenario,
        tool,
        from,
        images,
        () -> {
          long generation = driver.create(object);
          checkSynced(driver.awaitGeneration(name, generation, SYNC_TIMEOUT));
        });
  }

  Sample measureResync(
      String scenario,
      String tool,
      OciRegistry from,
      Map<String, List<String>> images,
      List<String> names)
      throws Exception {
    return measure(
        scenario,
        tool,
        from,
        images,
        () -> {
          for (String name : names) {
            driver.requestSync(name);
          }
          for (String name : names) {
            checkSynced(driver.awaitSyncNowHandled(name, SYNC_TIMEOUT));
          }
        });
  }

  private interface Trigger {
    void run() throws Exception;
  }

  private Sample measure(
      String scenario,
      String tool,
      OciRegistry from,
      Map<String, List<String>> images,
      Trigger portager)
      throws Exception {
    OciRegistry.AccessLogMark sourceMark = from.markAccessLog();
    OciRegistry.AccessLogMark destinationMark = destination.markAccessLog();
    double wall;
    double cpu;
    long peak;
    if (tool.equals(PORTAGER)) {
      boolean reset = operator.resetPeak();
      double cpuBefore = operator.cpuSeconds();
      long started = System.nanoTime();
      portager.run();
      wall = (System.nanoTime() - started) / 1e9;
      cpu = operator.cpuSeconds() - cpuBefore;
      peak = reset ? operator.peakResidentBytes() : -1;
    } else {
      Peers.Run result =
          tool.equals(SKOPEO)
              ? peers.skopeoSync(from.host(), images, destination.host(), PREFIX)
              : peers.craneLoop(from.host(), images, destination.host(), PREFIX);
      wall = result.wallSeconds();
      cpu = result.cpuSeconds();
      peak = result.peakResidentBytes();
    }
    Traffic sourceTraffic = Traffic.since(from, sourceMark);
    Traffic destinationTraffic = Traffic.since(destination, destinationMark);
    verify(from.host(), images, destination.host(), PREFIX);
    Sample sample = new Sample(scenario, tool, wall, cpu, peak, sourceTraffic, destinationTraffic);
    log(
        String.format(
            "measured scenario=\"%s\" tool=\"%s\" wall=%.3f cpu=%.2f peak_mib=%.1f source_requests=%d"
                + " destination_requests=%d destination_writes=%d",
            scenario,
            tool,
            wall,
            cpu,
            peak / 1048576.0,
            sourceTraffic.requests(),
            destinationTraffic.requests(),
            destinationTraffic.writes()));
    return sample;
  }

  /** Checks that every destination tag has its source tag's digest. */
  void verify(
      String sourceHost, Map<String, List<String>> images, String destinationHost, String prefix) {
    FixturePusher from = new FixturePusher(sourceHost);
    FixturePusher to = new FixturePusher(destinationHost);
    for (Map.Entry<String, List<String>> image : images.entrySet()) {
      for (String tag : image.getValue()) {
        String want = from.headDigest(image.getKey(), tag).orElseThrow();
        String got = to.headDigest(prefix + "/" + image.getKey(), tag).orElse("(missing)");
        if (!want.equals(got)) {
          throw new AssertionError(
              "verify "
                  + destinationHost
                  + "/"
                  + prefix
                  + "/"
                  + image.getKey()
                  + ":"
                  + tag
                  + ": got "
                  + got
                  + ", want "
                  + want);
        }
      }
    }
  }

  private static void checkSynced(ObjectNode status) {
    List<String> failed = PortagerDriver.failedTags(status);
    if (!failed.isEmpty()) {
      throw new AssertionError("portager reported failed tags: " + failed);
    }
  }

  void ensureImageSync(String name, String sourceHost, Map<String, List<String>> images)
      throws Exception {
    if (operator == null) {
      restartOperator(List.of());
    }
    driver.delete(name);
    long generation =
        driver.create(
            PortagerDriver.imageSync(name, sourceHost, images, destination.host(), PREFIX));
    checkSynced(driver.awaitGeneration(name, generation, SYNC_TIMEOUT));
  }

  // ---- operator and registries -----------------------------------------------------------

  void restartOperator(List<String> flags) throws Exception {
    stopOperator();
    operator = startOperatorProcess(flags);
    operator.awaitLog("informer_listed", Duration.ofSeconds(60));
    Thread.sleep(1500);
    idleResidentBytes.add(operator.residentBytes());
    extra.put("idleResidentBytes", idleResidentBytes);
  }

  private OperatorProcess startOperatorProcess(List<String> flags) {
    return startOperatorProcess(options.jvmOptions(), flags);
  }

  private OperatorProcess startOperatorProcess(List<String> jvmOptions, List<String> flags) {
    List<String> allFlags = new ArrayList<>(options.operatorFlags());
    allFlags.addAll(flags);
    return OperatorProcess.start(
        jar, controlPlane.kubeconfig(), jvmOptions, allFlags, run.logFile("operator"));
  }

  private void stopOperator() {
    if (operator != null) {
      operator.close();
      operator = null;
    }
  }

  /** Stops a registry, deletes its storage and starts it again on the same port. */
  void wipe(OciRegistry registry) throws IOException {
    registry.stop();
    Path storage = registry.configFile().getParent().resolve("storage");
    if (Files.exists(storage)) {
      try (Stream<Path> paths = Files.walk(storage)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    Files.createDirectories(storage);
    registry.restart();
  }

  List<String> rotate(int run) {
    List<String> tools = List.of(PORTAGER, SKOPEO, CRANE);
    List<String> rotated = new ArrayList<>();
    for (int i = 0; i < tools.size(); i++) {
      rotated.add(tools.get((run + i) % tools.size()));
    }
    return rotated;
  }

  private Map<String, String> environment() {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("date", Instant.now().toString());
    environment.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    environment.put("memory", firstLine("/proc/meminfo"));
    environment.put("cpu", cpuModel());
    environment.put(
        "java",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    environment.put("skopeo", peers.skopeoVersion());
    environment.put("crane", peers.craneVersion());
    environment.put(
        "registry",
        "distribution " + OciRegistry.Implementation.DISTRIBUTION_3.binaryName() + " v3.1.1");
    environment.put("operatorJvmOptions", String.join(" ", options.jvmOptions()));
    environment.put("loadAverageAtEnd", firstLine("/proc/loadavg"));
    return environment;
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(line -> line.startsWith("model name"))
          .findFirst()
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String firstLine(String file) {
    try (Stream<String> lines = Files.lines(Path.of(file))) {
      return lines.findFirst().orElse("").replaceAll("\\s+", " ");
    } catch (IOException e) {
      throw new UncheckedIOException("read " + file, e);
    }
  }

  private static Path findJar() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files
          .filter(path -> path.getFileName().toString().matches("portager-.*\\.jar"))
          .filter(path -> !path.getFileName().toString().contains("original"))
          .findFirst()
          .orElseThrow(
              () -> new IllegalStateException("no target/portager-*.jar: run mvn package first"));
    }
  }

  static String format(double gib) {
    return gib == Math.rint(gib) ? Long.toString((long) gib) : Double.toString(gib);
  }

  static void log(String message) {
    System.out.println("bench " + Instant.now() + " " + message);
  }

  private void close() {
    stopOperator();
    for (AutoCloseable component : new AutoCloseable[] {destination, source, controlPlane}) {
      try {
        if (component != null) {
          component.close();
        }
      } catch (Exception e) {
        System.err.println("bench: stop " + component + ": " + e);
      }
    }
  }

  // Accessors for Scaling.
  List<Sample> samples() {
    return samples;
  }

  Map<String, Object> extra() {
    return extra;
  }

  BenchOptions options() {
    return options;
  }

  OciRegistry source() {
    return source;
  }

  OciRegistry destination() {
    return destination;
  }

  PortagerDriver driver() {
    return driver;
  }
}
