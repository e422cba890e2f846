package io.portager.bench;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the throttling proxy saw: requests, 429 answers, the most requests in any sliding window of
 * one and of five seconds, and retries that came back before their {@code Retry-After} ran out.
 *
 * <p>A token bucket with a burst of one second's worth allows at most {@code qps * (w + 1)}
 * requests in any window of {@code w} seconds, so those are the bounds checked.
 */
record StormCheck(
    int requests,
    int throttled,
    int maxInOneSecond,
    int maxInFiveSeconds,
    double boundOneSecond,
    double boundFiveSeconds,
    int earlyRetries,
    boolean rateHeld) {

  static StormCheck of(List<ThrottlingProxy.Arrival> unordered, double qps, int retryAfterSeconds) {
    List<ThrottlingProxy.Arrival> arrivals =
        unordered.stream()
            .sorted(Comparator.comparingLong(ThrottlingProxy.Arrival::nanos))
            .toList();
    int throttled = 0;
    int early = 0;
    Map<String, Long> retryNotBefore = new HashMap<>();
    for (ThrottlingProxy.Arrival arrival : arrivals) {
      String key = arrival.method() + " " + arrival.path();
      Long notBefore = retryNotBefore.remove(key);
      // 20 ms of slack covers the proxy's own timestamping after accept.
      if (notBefore != null && arrival.nanos() < notBefore - 20_000_000L) {
        early++;
      }
      if (arrival.status() == 429) {
        throttled++;
        retryNotBefore.put(key, arrival.nanos() + retryAfterSeconds * 1_000_000_000L);
      }
    }
    int one = maxInWindow(arrivals, 1_000_000_000L);
    int five = maxInWindow(arrivals, 5_000_000_000L);
    double boundOne = qps * 2;
    double boundFive = qps * 6;
    return new StormCheck(
        arrivals.size(),
        throttled,
        one,
        five,
        boundOne,
        boundFive,
        early,
        one <= boundOne && five <= boundFive);
  }

  private static int maxInWindow(List<ThrottlingProxy.Arrival> arrivals, long windowNanos) {
    int max = 0;
    int start = 0;
    for (int end = 0; end < arrivals.size(); end++) {
      while (arrivals.get(end).nanos() - arrivals.get(start).nanos() >= windowNanos) {
        start++;
      }
      max = Math.max(max, end - start + 1);
    }
    return max;
  }
}
