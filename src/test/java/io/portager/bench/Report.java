package io.portager.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/** Turns the samples into {@code results.json} and the Markdown tables of the benchmark page. */
final class Report {
  private static final double MIB = 1 << 20;

  private final List<Sample> samples;
  private final Map<String, Object> extra;
  private final Map<String, String> environment;
  private final BenchOptions options;

  Report(
      List<Sample> samples,
      Map<String, Object> extra,
      Map<String, String> environment,
      BenchOptions options) {
    this.samples = List.copyOf(samples);
    this.extra = extra;
    this.environment = environment;
    this.options = options;
  }

  Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("environment", environment);
    json.put("options", options.toString());
    json.put("extra", extra);
    json.put("goals", goals());
    json.put("samples", samples);
    return json;
  }

  String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("| machine | value |\n|---|---|\n");
    environment.forEach(
        (key, value) -> out.append("| ").append(key).append(" | ").append(value).append(" |\n"));
    out.append("\n");
    for (String scenario : scenarios()) {
      out.append("### ").append(scenario).append("\n\n");
      out.append(
          "| tool | runs | wall s min / median / max | CPU s median | peak RSS MiB median"
              + " | source requests | source blob MiB | destination requests (writes)"
              + " | wall vs skopeo | wall vs crane |\n");
      out.append("|---|---|---|---|---|---|---|---|---|---|\n");
      for (String tool : tools(scenario)) {
        List<Sample> runs = of(scenario, tool);
        Summary wall = Summary.of(runs, Sample::wallSeconds);
        out.append("| ")
            .append(tool)
            .append(" | ")
            .append(wall.runs())
            .append(String.format(" | %.2f / %.2f / %.2f", wall.min(), wall.median(), wall.max()))
            .append(String.format(" | %.2f", median(runs, Sample::cpuSeconds)))
            .append(String.format(" | %.0f", median(runs, s -> s.peakResidentBytes() / MIB)))
            .append(String.format(" | %.0f", median(runs, s -> s.source().requests())))
            .append(String.format(" | %.2f", median(runs, s -> s.source().blobReadBytes() / MIB)))
            .append(
                String.format(
                    " | %.0f (%.0f)",
                    median(runs, s -> s.destination().requests()),
                    median(runs, s -> s.destination().writes())))
            .append(" | ")
            .append(ratio(scenario, tool, Bench.SKOPEO))
            .append(" | ")
            .append(ratio(scenario, tool, Bench.CRANE))
            .append(" |\n");
      }
      out.append("\n");
    }
    out.append("### Goals\n\n| goal | measured | met |\n|---|---|---|\n");
    for (Goal goal : goals()) {
      out.append("| ")
          .append(goal.goal())
          .append(" | ")
          .append(goal.measured())
          .append(" | ")
          .append(goal.met() ? "yes" : "**no**")
          .append(" |\n");
    }
    out.append("\n### Other measures\n\n```\n").append(extra).append("\n```\n");
    return out.toString();
  }

  record Goal(String goal, String measured, boolean met) {}

  List<Goal> goals() {
    List<Goal> goals = new ArrayList<>();
    String unchanged = "unchanged resync";
    int tags = options.repositories() * options.tags();
    double wall = medianOf(unchanged, Bench.PORTAGER, Sample::wallSeconds);
    double skopeo = medianOf(unchanged, Bench.SKOPEO, Sample::wallSeconds);
    double crane = medianOf(unchanged, Bench.CRANE, Sample::wallSeconds);
    goals.add(
        new Goal(
            "unchanged: wall <= 0.15x skopeo",
            String.format("%.3fx", wall / skopeo),
            wall / skopeo <= 0.15));
    goals.add(
        new Goal(
            "unchanged: wall <= 0.5x crane loop",
            String.format("%.3fx", wall / crane),
            wall / crane <= 0.5));
    double requests =
        medianOf(
            unchanged, Bench.PORTAGER, s -> s.source().requests() + s.destination().requests());
    goals.add(
        new Goal(
            "unchanged: <= 2 requests per tag",
            String.format("%.2f", requests / tags),
            requests / tags <= 2));
    double writes = medianOf(unchanged, Bench.PORTAGER, s -> s.destination().writes());
    goals.add(new Goal("unchanged: no writes", String.format("%.0f", writes), writes == 0));

    String cold = "cold copy";
    long unique = ((Number) extra.getOrDefault("uniqueBlobBytes", 0L)).longValue();
    double blobBytes = medianOf(cold, Bench.PORTAGER, s -> s.source().blobReadBytes());
    goals.add(
        new Goal(
            "cold: source blob bytes = unique blob bytes (" + unique + ")",
            String.format("%.0f", blobBytes),
            blobBytes == unique));
    double coldRequests =
        medianOf(cold, Bench.PORTAGER, s -> s.source().requests() + s.destination().requests());
    double skopeoRequests =
        medianOf(cold, Bench.SKOPEO, s -> s.source().requests() + s.destination().requests());
    goals.add(
        new Goal(
            "cold: requests <= 0.6x skopeo",
            String.format("%.3fx", coldRequests / skopeoRequests),
            coldRequests / skopeoRequests <= 0.6));
    double coldWall =
        medianOf(cold, Bench.PORTAGER, Sample::wallSeconds)
            / medianOf(cold, Bench.SKOPEO, Sample::wallSeconds);
    goals.add(
        new Goal("cold: wall <= 0.5x skopeo", String.format("%.3fx", coldWall), coldWall <= 0.5));

    for (double gib : options.largeGibibytes()) {
      String large = "large layer " + Bench.format(gib) + " GiB";
      double ratio =
          medianOf(large, Bench.PORTAGER, Sample::wallSeconds)
              / medianOf(large, Bench.SKOPEO, Sample::wallSeconds);
      goals.add(
          new Goal(large + ": wall <= 1.05x skopeo", String.format("%.3fx", ratio), ratio <= 1.05));
    }
    return goals;
  }

  private double medianOf(String scenario, String tool, ToDoubleFunction<Sample> measure) {
    return Summary.of(of(scenario, tool), measure).median();
  }

  private String ratio(String scenario, String tool, String peer) {
    if (tool.equals(peer) || of(scenario, peer).isEmpty()) {
      return "";
    }
    double ratio =
        medianOf(scenario, tool, Sample::wallSeconds)
            / medianOf(scenario, peer, Sample::wallSeconds);
    return String.format("%.3fx", ratio);
  }

  private static double median(List<Sample> runs, ToDoubleFunction<Sample> measure) {
    return Summary.of(runs, measure).median();
  }

  private List<Sample> of(String scenario, String tool) {
    return samples.stream()
        .filter(s -> s.scenario().equals(scenario) && s.tool().equals(tool))
        .toList();
  }

  private Set<String> scenarios() {
    Set<String> scenarios = new LinkedHashSet<>();
    samples.forEach(s -> scenarios.add(s.scenario()));
    return scenarios;
  }

  private Set<String> tools(String scenario) {
    Set<String> tools = new LinkedHashSet<>();
    for (String tool : List.of(Bench.PORTAGER, Bench.SKOPEO, Bench.CRANE)) {
      if (!of(scenario, tool).isEmpty()) {
        tools.add(tool);
      }
    }
    return tools;
  }
}
