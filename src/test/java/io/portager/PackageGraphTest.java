package io.portager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads the imports of the main sources and checks the package graph: no cycles, and the layering
 * rules that keep generic code free of product code.
 */
class PackageGraphTest {
  private static final Path SOURCES = Path.of("src/main/java/io/portager");
  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?io\\.portager\\.([a-z]+)\\.", Pattern.MULTILINE);

  /** Package name to the project packages it imports; the root package is "". */
  private static Map<String, Set<String>> graph;

  @BeforeAll
  static void readImports() throws IOException {
    graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = packageOf(file);
        Set<String> imports = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
        Matcher matcher = IMPORT.matcher(Files.readString(file));
        while (matcher.find()) {
          if (!matcher.group(1).equals(pkg)) {
            imports.add(matcher.group(1));
          }
        }
      }
    }
  }

  private static String packageOf(Path file) {
    Path relative = SOURCES.relativize(file.getParent());
    return relative.toString().replace('/', '.');
  }

  @Test
  void packagesFound() {
    assertTrue(graph.containsKey("kube"), graph.keySet().toString());
    assertTrue(graph.containsKey("registry"), graph.keySet().toString());
  }

  @Test
  void packageGraphHasNoCycle() {
    List<String> cycle = findCycle();

    assertTrue(cycle.isEmpty(), "package cycle: " + String.join(" -> ", cycle));
  }

  @Test
  void valuePackagesDependOnNothing() {
    assertEquals(Set.of(), graph.getOrDefault("oci", Set.of()));
    assertEquals(Set.of(), graph.getOrDefault("schedule", Set.of()));
    assertEquals(Set.of(), graph.getOrDefault("log", Set.of()));
  }

  @Test
  void genericControllerCodeImportsNoProductCode() {
    Set<String> controller = graph.getOrDefault("controller", Set.of());

    for (String product : List.of("registry", "sync", "oci", "imagesync", "credentials")) {
      assertFalse(controller.contains(product), "controller imports " + product);
    }
    assertFalse(graph.getOrDefault("kube", Set.of()).contains("registry"), "kube imports registry");
  }

  @Test
  void registryImportsNoKubernetesCode() {
    Set<String> registry = graph.getOrDefault("registry", Set.of());

    assertFalse(registry.contains("kube"), "registry imports kube");
    assertFalse(registry.contains("controller"), "registry imports controller");
  }

  @Test
  void runtimeAndClientImportNoMetrics() {
    assertFalse(graph.getOrDefault("registry", Set.of()).contains("metrics"), "registry");
    assertFalse(graph.getOrDefault("controller", Set.of()).contains("metrics"), "controller");
  }

  private static List<String> findCycle() {
    Map<String, Integer> state = new TreeMap<>();
    for (String start : graph.keySet()) {
      List<String> path = new ArrayList<>();
      if (visit(start, state, path)) {
        return path;
      }
    }
    return List.of();
  }

  /** Depth-first search; state 1 means on the current path, 2 means finished. */
  private static boolean visit(String pkg, Map<String, Integer> state, List<String> path) {
    int seen = state.getOrDefault(pkg, 0);
    if (seen == 2) {
      return false;
    }
    path.add(pkg);
    if (seen == 1) {
      return true;
    }
    state.put(pkg, 1);
    for (String next : graph.getOrDefault(pkg, Set.of())) {
      if (visit(next, state, path)) {
        return true;
      }
    }
    state.put(pkg, 2);
    path.remove(path.size() - 1);
    return false;
  }
}
