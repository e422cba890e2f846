package io.portager.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * A five-field cron expression, or a descriptor such as {@code @daily} parsed as its equivalent
 * expression.
 *
 * <p>Day matching follows Vixie cron. When both day fields are restricted, a day matches if either
 * field matches it. When either day field starts with {@code *} (or {@code ?}), a day must match
 * both.
 *
 * @param text the schedule as written, returned by {@link #toString()}
 * @param dayOfMonthStar whether the day-of-month field starts with {@code *} or {@code ?}
 * @param dayOfWeekStar whether the day-of-week field starts with {@code *} or {@code ?}
 */
record CronSchedule(
    String text,
    FieldValues minutes,
    FieldValues hours,
    FieldValues daysOfMonth,
    FieldValues months,
    FieldValues daysOfWeek,
    boolean dayOfMonthStar,
    boolean dayOfWeekStar)
    implements Schedule {

  /**
   * Years to search before giving up. The Gregorian calendar repeats every 400 years, so a pattern
   * that matches any minute matches one within 400 years of every start.
   */
  private static final int SEARCH_YEARS = 400;

  /**
   * Returns the first matching whole minute strictly after {@code after}, in UTC.
   *
   * <p>The search skips whole months, days and hours that cannot match, so it checks each day of a
   * matching month at most once. It throws {@link java.time.DateTimeException} when the next run
   * would be past the year 999999999.
   */
  @Override
  public Instant next(Instant after) {
    LocalDateTime start =
        LocalDateTime.ofInstant(after, ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
    LocalDateTime candidate = start.plusMinutes(1);
    int lastYear = start.getYear() + SEARCH_YEARS;

    while (candidate.getYear() <= lastYear) {
      int month = months.nextFrom(candidate.getMonthValue());
      if (month < 0) {
        candidate = LocalDate.of(candidate.getYear() + 1, 1, 1).atStartOfDay();
        continue;
      }
      if (month != candidate.getMonthValue()) {
        candidate = LocalDate.of(candidate.getYear(), month, 1).atStartOfDay();
      }

      int day = nextDay(YearMonth.from(candidate), candidate.getDayOfMonth());
      if (day < 0) {
        candidate = candidate.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
        continue;
      }
      if (day != candidate.getDayOfMonth()) {
        candidate = candidate.toLocalDate().withDayOfMonth(day).atStartOfDay();
      }

      int hour = hours.nextFrom(candidate.getHour());
      if (hour < 0) {
        candidate = candidate.toLocalDate().plusDays(1).atStartOfDay();
        continue;
      }
      if (hour != candidate.getHour()) {
        candidate = candidate.withHour(hour).withMinute(0);
      }

      int minute = minutes.nextFrom(candidate.getMinute());
      if (minute < 0) {
        candidate = candidate.truncatedTo(ChronoUnit.HOURS).plusHours(1);
        continue;
      }
      return candidate.withMinute(minute).toInstant(ZoneOffset.UTC);
    }
    // Unreachable for schedules from Schedule.parse, which rejects patterns that never match.
    throw new IllegalStateException(
        "schedule \"" + text + "\" has no run within " + SEARCH_YEARS + " years of " + after);
  }

  /** Reports whether the schedule runs in the minute that contains {@code instant}. */
  boolean matches(Instant instant) {
    LocalDateTime time = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    return months.contains(time.getMonthValue())
        && dayMatches(time.toLocalDate())
        && hours.contains(time.getHour())
        && minutes.contains(time.getMinute());
  }

  /**
   * Reports whether some date can match the day fields together with the month field. The check
   * only needs month lengths (February has 29 days in leap years) because every date of the year
   * falls on each weekday at least once in the 400-year Gregorian cycle.
   */
  boolean hasPossibleDay() {
    if (!dayOfMonthStar && !dayOfWeekStar) {
      // Either field may match, and every month contains every weekday.
      return true;
    }
    int firstDay = daysOfMonth.nextFrom(1);
    for (Month month : Month.values()) {
      if (months.contains(month.getValue()) && firstDay <= month.maxLength()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return text;
  }

  private int nextDay(YearMonth month, int fromDay) {
    for (int day = fromDay; day <= month.lengthOfMonth(); day++) {
      if (dayMatches(month.atDay(day))) {
        return day;
      }
    }
    return -1;
  }

  private boolean dayMatches(LocalDate date) {
    boolean dayOfMonthMatches = daysOfMonth.contains(date.getDayOfMonth());
    // DayOfWeek numbers Monday 1 to Sunday 7, and cron numbers Sunday 0 to Saturday 6.
    boolean dayOfWeekMatches = daysOfWeek.contains(date.getDayOfWeek().getValue() % 7);
    if (dayOfMonthStar || dayOfWeekStar) {
      return dayOfMonthMatches && dayOfWeekMatches;
    }
    return dayOfMonthMatches || dayOfWeekMatches;
  }
}
