package io.portager.kube;

import java.time.Duration;

/** Waits between retries; tests substitute one that records the waits instead. */
@FunctionalInterface
interface Sleeper {
  Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
