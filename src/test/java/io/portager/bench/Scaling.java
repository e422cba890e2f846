package io.portager.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Portager alone at three sizes of each dimension: tags in one repository, repositories, and
 * ImageSyncs sharing the same tags. Blob size is covered by the large layer scenarios.
 */
final class Scaling {
  private final Bench bench;

  Scaling(Bench bench) {
    this.bench = bench;
  }

  void run() throws Exception {
    int tags = bench.options().tags();
    int repositories = bench.options().repositories();
    int resyncRuns = Math.min(bench.options().runs(), 3);
    for (int n : distinct(Math.max(1, tags / 5), Math.max(1, tags / 2), tags)) {
      Map<String, List<String>> images = Peers.images(1, n);
      measure("tags=" + n + " (1 repository)", images, resyncRuns);
    }
    for (int n : distinct(1, Math.max(1, repositories / 2), repositories)) {
      Map<String, List<String>> images = Peers.images(n, tags);
      measure("repositories=" + n + " (" + tags + " tags each)", images, resyncRuns);
    }
    Map<String, List<String>> all = Peers.images(repositories, tags);
    for (int n : distinct(1, Math.max(1, repositories / 2), repositories)) {
      List<String> names = new ArrayList<>();
      List<Map<String, List<String>>> parts = split(all, n);
      bench.wipe(bench.destination());
      for (int i = 0; i < parts.size(); i++) {
        String name = "scale-" + i;
        names.add(name);
        bench.ensureImageSync(name, bench.source().host(), parts.get(i));
      }
      for (int run = 0; run < resyncRuns; run++) {
        bench
            .samples()
            .add(
                bench.measureResync(
                    "scaling imagesyncs=" + n + " (" + all.size() * tags + " tags in all), resync",
                    Bench.PORTAGER,
                    bench.source(),
                    all,
                    names));
      }
      for (String name : names) {
        bench.driver().delete(name);
      }
    }
  }

  private void measure(String label, Map<String, List<String>> images, int resyncRuns)
      throws Exception {
    bench.wipe(bench.destination());
    bench
        .samples()
        .add(
            bench.measureCold(
                "scaling " + label + ", cold", Bench.PORTAGER, bench.source(), images, "scale"));
    for (int run = 0; run < resyncRuns; run++) {
      bench
          .samples()
          .add(
              bench.measureResync(
                  "scaling " + label + ", resync",
                  Bench.PORTAGER,
                  bench.source(),
                  images,
                  List.of("scale")));
    }
    bench.driver().delete("scale");
  }

  private static List<Map<String, List<String>>> split(
      Map<String, List<String>> images, int parts) {
    List<Map<String, List<String>>> result = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      result.add(new LinkedHashMap<>());
    }
    int i = 0;
    for (Map.Entry<String, List<String>> image : images.entrySet()) {
      result.get(i++ % parts).put(image.getKey(), image.getValue());
    }
    return result;
  }

  private static List<Integer> distinct(int... sizes) {
    List<Integer> result = new ArrayList<>();
    for (int size : sizes) {
      if (!result.contains(size)) {
        result.add(size);
      }
    }
    return result;
  }
}
