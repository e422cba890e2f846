package io.portager.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command-line options of {@link Bench}; see {@code scripts/bench --help}. */
record BenchOptions(
    boolean smoke,
    int runs,
    int coldRuns,
    int largeRuns,
    int repositories,
    int tags,
    List<Double> largeGibibytes,
    List<Double> flatnessGibibytes,
    boolean scaling,
    List<String> scenarios,
    List<String> jvmOptions,
    List<String> operatorFlags,
    Path jar,
    Path output) {

  static final String USAGE =
      "usage: scripts/bench [--smoke] [--runs N] [--cold-runs N] [--large-runs N] [--repositories R] [--tags T]\n"
          + "  [--large-gib 2] [--flatness-gib 0.5,8] [--no-scaling] [--jvm-options \"...\"]\n"
          + "  [--operator-flags \"--tag-concurrency 8 ...\"]\n"
          + "  [--scenarios cold,unchanged,tag-moved,startup,storm,large,scaling] [--output DIR]\n"
          + "--smoke runs a tiny fixture once per tool and fails if a tool fails or a digest differs.";

  /**
   * The chart's {@code jvmOptions} with {@code -XX:MaxRAM} standing in for the chart's 384 MiB
   * memory limit, which a container would impose.
   */
  static final List<String> CHART_JVM_OPTIONS =
      List.of("-XX:MaxRAM=384m", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");

  /** The options the operator runs with unless {@code --jvm-options} sets others. */
  static final List<String> DEFAULT_JVM_OPTIONS =
      List.of(
          "-XX:MaxRAM=384m",
          "-XX:MaxRAMPercentage=75",
          "-XX:+UseSerialGC",
          "-Xss512k",
          "-XX:ReservedCodeCacheSize=48m",
          "-Djdk.httpclient.bufsize=65536",
          "-XX:+ExitOnOutOfMemoryError");

  static final List<String> ALL_SCENARIOS =
      List.of("cold", "unchanged", "tag-moved", "startup", "storm", "large", "scaling");

  static BenchOptions parse(String[] args) {
    boolean smoke = false;
    int runs = 5;
    int largeRuns = -1;
    int coldRuns = -1;
    int repositories = 4;
    int tags = 50;
    List<Double> large = List.of(2.0);
    List<Double> flatness = List.of(0.5, 8.0);
    boolean scaling = true;
    List<String> scenarios = ALL_SCENARIOS;
    List<String> jvmOptions = DEFAULT_JVM_OPTIONS;
    List<String> operatorFlags = List.of();
    Path jar = null;
    Path output = Path.of("target", "bench");
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--smoke" -> smoke = true;
        case "--no-scaling" -> scaling = false;
        case "--scenarios" -> scenarios = words(args[++i].replace(',', ' '));
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--cold-runs" -> coldRuns = Integer.parseInt(args[++i]);
        case "--large-runs" -> largeRuns = Integer.parseInt(args[++i]);
        case "--repositories" -> repositories = Integer.parseInt(args[++i]);
        case "--tags" -> tags = Integer.parseInt(args[++i]);
        case "--large-gib" -> large = sizes(args[++i]);
        case "--flatness-gib" -> flatness = sizes(args[++i]);
        case "--jvm-options" -> jvmOptions = words(args[++i]);
        case "--operator-flags" -> operatorFlags = words(args[++i]);
        case "--jar" -> jar = Path.of(args[++i]);
        case "--output" -> output = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
      }
    }
    if (smoke) {
      return new BenchOptions(
          true,
          1,
          1,
          1,
          2,
          3,
          List.of(1.0 / 64),
          List.of(),
          false,
          scenarios,
          jvmOptions,
          operatorFlags,
          jar,
          output);
    }
    if (largeRuns < 0) {
      largeRuns = Math.min(runs, 3);
    }
    if (coldRuns < 0) {
      coldRuns = runs;
    }
    return new BenchOptions(
        false,
        runs,
        coldRuns,
        largeRuns,
        repositories,
        tags,
        large,
        flatness,
        scaling,
        scenarios,
        jvmOptions,
        operatorFlags,
        jar,
        output);
  }

  private static List<Double> sizes(String text) {
    List<Double> sizes = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        sizes.add(Double.parseDouble(part.trim()));
      }
    }
    return List.copyOf(sizes);
  }

  private static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    for (String word : text.trim().split("\\s+")) {
      if (!word.isEmpty()) {
        words.add(word);
      }
    }
    return List.copyOf(words);
  }
}
