package io.portager.log;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Structured log lines: a constant event name plus key/value pairs, one line per event, in logfmt
 * ({@code time=… level=info logger=informer event=informer_listed objects=3}) or JSON. Values are
 * written as given, so callers must never pass a secret.
 */
public final class Log {
  /** Output format of every logger. */
  public enum Format {
    LOGFMT,
    JSON
  }

  /** Severity, from most to least verbose. */
  public enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  private static volatile Format format = Format.LOGFMT;
  private static volatile Level threshold = Level.INFO;
  private static volatile PrintStream out = System.err;
  private static volatile Clock clock = Clock.systemUTC();

  /** Key/value pairs added to every line the current thread writes, such as a reconcile id. */
  private static final ThreadLocal<Object[]> CONTEXT = ThreadLocal.withInitial(() -> new Object[0]);

  private final String name;

  /** Restores the context that was current before {@link #withContext}; closing is idempotent. */
  public static final class Scope implements AutoCloseable {
    private final Object[] previous;

    private Scope(Object[] previous) {
      this.previous = previous;
    }

    @Override
    public void close() {
      CONTEXT.set(previous);
    }
  }

  /** Adds {@code keyValues} to every line this thread writes until the scope closes. */
  public static Scope withContext(Object... keyValues) {
    Object[] previous = CONTEXT.get();
    Object[] combined = new Object[previous.length + keyValues.length];
    System.arraycopy(previous, 0, combined, 0, previous.length);
    System.arraycopy(keyValues, 0, combined, previous.length, keyValues.length);
    CONTEXT.set(combined);
    return new Scope(previous);
  }

  /** Returns a task that runs {@code task} with this thread's current context, on any thread. */
  public static <T> java.util.concurrent.Callable<T> propagating(
      java.util.concurrent.Callable<T> task) {
    Object[] context = CONTEXT.get();
    return () -> {
      Object[] previous = CONTEXT.get();
      CONTEXT.set(context);
      try {
        return task.call();
      } finally {
        CONTEXT.set(previous);
      }
    };
  }

  private Log(String name) {
    this.name = name;
  }

  public static Log get(String name) {
    return new Log(name);
  }

  /** Sets the process-wide format, level, stream and clock; called once from main. */
  public static void configure(Format newFormat, Level newThreshold, PrintStream stream, Clock c) {
    format = newFormat;
    threshold = newThreshold;
    out = stream;
    clock = c;
  }

  public void debug(String event, Object... keyValues) {
    write(Level.DEBUG, event, keyValues);
  }

  public void info(String event, Object... keyValues) {
    write(Level.INFO, event, keyValues);
  }

  public void warn(String event, Object... keyValues) {
    write(Level.WARN, event, keyValues);
  }

  public void error(String event, Object... keyValues) {
    write(Level.ERROR, event, keyValues);
  }

  public boolean isEnabled(Level level) {
    return level.compareTo(threshold) >= 0;
  }

  private void write(Level level, String event, Object... keyValues) {
    if (!isEnabled(level)) {
      return;
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String levelName = level.name().toLowerCase(Locale.ROOT);
    StringBuilder line = new StringBuilder(128);
    boolean json = format == Format.JSON;
    if (json) {
      line.append('{');
    }
    append(line, json, "time", now.toString(), true);
    append(line, json, "level", levelName, false);
    append(line, json, "logger", name, false);
    append(line, json, "event", event, false);
    Object[] context = CONTEXT.get();
    for (int i = 0; i + 1 < context.length; i += 2) {
      append(line, json, String.valueOf(context[i]), context[i + 1], false);
    }
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      append(line, json, String.valueOf(keyValues[i]), keyValues[i + 1], false);
    }
    if (json) {
      line.append('}');
    }
    out.println(line);
  }

  private static void append(
      StringBuilder line, boolean json, String key, Object value, boolean first) {
    if (json) {
      if (!first) {
        line.append(',');
      }
      line.append('"').append(escapeJson(key)).append("\":");
      appendJsonValue(line, value);
      return;
    }
    if (!first) {
      line.append(' ');
    }
    line.append(key).append('=').append(logfmtValue(value));
  }

  private static void appendJsonValue(StringBuilder line, Object value) {
    if (value instanceof Number || value instanceof Boolean) {
      line.append(value);
    } else {
      line.append('"').append(escapeJson(String.valueOf(value))).append('"');
    }
  }

  static String logfmtValue(Object value) {
    String text = String.valueOf(value);
    boolean plain = !text.isEmpty();
    for (int i = 0; i < text.length() && plain; i++) {
      char c = text.charAt(i);
      plain = c > ' ' && c != '"' && c != '=' && c != '\\' && c < 0x7f;
    }
    return plain ? text : '"' + escapeJson(text) + '"';
  }

  static String escapeJson(String text) {
    StringBuilder escaped = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> escaped.append("\\\"");
        case '\\' -> escaped.append("\\\\");
        case '\n' -> escaped.append("\\n");
        case '\r' -> escaped.append("\\r");
        case '\t' -> escaped.append("\\t");
        default -> {
          if (c < 0x20) {
            escaped.append(String.format("\\u%04x", (int) c));
          } else {
            escaped.append(c);
          }
        }
      }
    }
    return escaped.toString();
  }
}
