package io.portager.testenv;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A seeded, reproducible mutation fuzzer for text parsers. It starts from valid samples and applies
 * stacked edits: it inserts characters and dictionary tokens, deletes and repeats ranges, shifts
 * characters, writes numbers and splices two samples. Inputs the parser accepts join the pool, so
 * later edits build on them.
 *
 * <p>Each input runs on one worker thread. The target may throw only the exception types it
 * documents; any other throwable, a run longer than {@link #HANG_LIMIT}, or more than {@link
 * #ALLOCATION_LIMIT_BYTES} allocated for one input is a crash, and the run fails with the input as
 * a Java string literal and the seed that reproduces it.
 *
 * <p>The time budget per target comes from the system property {@value #SECONDS_PROPERTY} (default
 * 1 second, which runs the samples and a few thousand mutations), the seed from {@value
 * #SEED_PROPERTY} (default 1).
 */
public final class MutationFuzzer {
  public static final String SECONDS_PROPERTY = "portager.fuzz.seconds";
  public static final String SEED_PROPERTY = "portager.fuzz.seed";
  static final Duration HANG_LIMIT = Duration.ofSeconds(5);
  static final long ALLOCATION_LIMIT_BYTES = 256L * 1024 * 1024;
  private static final int MAX_INPUT_CHARS = 16 * 1024;
  private static final int MAX_POOL = 2_000;
  private static final String ALPHABET =
      "aZ09:/@.-_,;=\"' \t\r\n{}[]<>\\%+*?#&!~|$^()`\u0000\u00e9\u2028\ud83d\ude00";
  private static final List<String> COMMON_TOKENS =
      List.of(
          "0",
          "-1",
          "2147483648",
          "9223372036854775808",
          "1e309",
          "null",
          "true",
          "\"\"",
          "{}",
          "[]",
          "\\u0000",
          "%00",
          "sha256:",
          "://",
          "..",
          "\ud800");

  private final Duration budget;
  private final long seed;

  private MutationFuzzer(Duration budget, long seed) {
    this.budget = budget;
    this.seed = seed;
  }

  /** Creates a fuzzer with the budget and seed of the system properties. */
  public static MutationFuzzer fromSystemProperties() {
    double seconds = Double.parseDouble(System.getProperty(SECONDS_PROPERTY, "1"));
    long seed = Long.parseLong(System.getProperty(SEED_PROPERTY, "1"));
    return new MutationFuzzer(Duration.ofMillis((long) (seconds * 1000)), seed);
  }

  /** The outcome of one target's run. */
  public record Result(long executions, long accepted, long rejected) {}

  /**
   * Feeds the samples, then mutations of them, to {@code target} until the budget is spent. Throws
   * AssertionError for the first crash.
   */
  @SafeVarargs
  public final Result run(
      String name,
      List<String> samples,
      List<String> dictionary,
      Consumer<String> target,
      Class<? extends Throwable>... documented) {
    Random random = new Random(seed ^ name.hashCode());
    List<String> pool = new ArrayList<>(samples);
    List<String> tokens = new ArrayList<>(COMMON_TOKENS);
    tokens.addAll(dictionary);
    ExecutorService worker = Executors.newSingleThreadExecutor(daemon("fuzz-" + name));
    long started = System.nanoTime();
    long deadline = 0;
    long executions = 0;
    long accepted = 0;
    try {
      for (String sample : samples) {
        accepted += execute(name, worker, target, sample, documented) ? 1 : 0;
        executions++;
      }
      deadline = System.nanoTime() + budget.toNanos();
      while (System.nanoTime() < deadline) {
        String input = mutate(random, pool, tokens);
        boolean ok = execute(name, worker, target, input, documented);
        executions++;
        if (ok) {
          accepted++;
          if (pool.size() < MAX_POOL) {
            pool.add(input);
          }
        }
      }
    } finally {
      worker.shutdownNow();
    }
    Result result = new Result(executions, accepted, executions - accepted);
    System.out.printf(
        "fuzz %s: %d inputs (%d accepted) in %.1f s, seed %d%n",
        name, executions, accepted, (System.nanoTime() - started) / 1e9, seed);
    return result;
  }

  /** Returns true when the target accepted the input, false when it threw a documented type. */
  @SafeVarargs
  private boolean execute(
      String name,
      ExecutorService worker,
      Consumer<String> target,
      String input,
      Class<? extends Throwable>... documented) {
    Future<Long> run = worker.submit(() -> allocatedWhile(() -> target.accept(input)));
    try {
      long allocated = run.get(HANG_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      if (allocated > ALLOCATION_LIMIT_BYTES) {
        throw crash(name, input, "allocated " + allocated + " bytes", null);
      }
      return true;
    } catch (TimeoutException e) {
      run.cancel(true);
      throw crash(name, input, "ran longer than " + HANG_LIMIT, null);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      for (Class<? extends Throwable> type : documented) {
        if (type.isInstance(cause)) {
          return false;
        }
      }
      throw crash(name, input, "threw an undocumented " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("fuzz " + name + ": interrupted", e);
    }
  }

  private static long allocatedWhile(Runnable task) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    task.run();
    return threads.getCurrentThreadAllocatedBytes() - before;
  }

  private AssertionError crash(String name, String input, String problem, Throwable cause) {
    return new AssertionError(
        "fuzz "
            + name
            + ": input "
            + javaLiteral(input)
            + " "
            + problem
            + " (reproduce with -D"
            + SEED_PROPERTY
            + "="
            + seed
            + ")",
        cause);
  }

  private static String mutate(Random random, List<String> pool, List<String> tokens) {
    StringBuilder text = new StringBuilder(pool.get(random.nextInt(pool.size())));
    int edits = 1 + random.nextInt(4);
    for (int i = 0; i < edits; i++) {
      edit(random, text, pool, tokens);
      if (text.length() > MAX_INPUT_CHARS) {
        text.setLength(MAX_INPUT_CHARS);
      }
    }
    return text.toString();
  }

  private static void edit(
      Random random, StringBuilder text, List<String> pool, List<String> tokens) {
    int at = random.nextInt(text.length() + 1);
    int end = Math.min(text.length(), at + 1 + random.nextInt(8));
    switch (random.nextInt(8)) {
      case 0 -> text.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      case 1 -> text.insert(at, tokens.get(random.nextInt(tokens.size())));
      case 2 -> text.delete(at, end);
      case 3 -> text.replace(at, end, tokens.get(random.nextInt(tokens.size())));
      case 4 -> text.insert(at, text.substring(at, end).repeat(1 + random.nextInt(64)));
      case 5 -> {
        String other = pool.get(random.nextInt(pool.size()));
        int from = random.nextInt(other.length() + 1);
        text.replace(at, text.length(), other.substring(from));
      }
      case 6 -> {
        if (at < text.length()) {
          char c = text.charAt(at);
          text.setCharAt(at, (char) (c + random.nextInt(5) - 2));
        }
      }
      default -> {
        String number = Long.toString(random.nextLong() >> random.nextInt(64));
        text.replace(at, end, number);
      }
    }
  }

  /** Returns {@code text} as a Java string literal, so a crash can become a table test. */
  static String javaLiteral(String text) {
    StringBuilder literal = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> literal.append("\\\"");
        case '\\' -> literal.append("\\\\");
        case '\n' -> literal.append("\\n");
        case '\r' -> literal.append("\\r");
        case '\t' -> literal.append("\\t");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            literal.append(String.format("\\u%04x", (int) c));
          } else {
            literal.append(c);
          }
        }
      }
    }
    return literal.append('"').toString();
  }

  /** Returns the UTF-8 bytes of a fuzz input, for byte parsers. */
  public static byte[] utf8(String input) {
    return input.getBytes(StandardCharsets.UTF_8);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
