package io.portager.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Min, median and max of one measure over the runs of one tool in one scenario. */
record Summary(double min, double median, double max, int runs) {
  static Summary of(List<Sample> samples, ToDoubleFunction<Sample> measure) {
    List<Double> values = new ArrayList<>();
    for (Sample sample : samples) {
      values.add(measure.applyAsDouble(sample));
    }
    if (values.isEmpty()) {
      return new Summary(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    Collections.sort(values);
    int n = values.size();
    double median =
        n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    return new Summary(values.get(0), median, values.get(n - 1), n);
  }
}
