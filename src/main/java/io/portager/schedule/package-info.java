/**
 * Schedules for {@code ImageSync}'s {@code spec.schedule}: parses the text and computes the next
 * run after a given instant.
 *
 * <p>{@link io.portager.schedule.Schedule#parse} accepts a five-field cron expression (minute,
 * hour, day-of-month, month, day-of-week), a descriptor such as {@code @daily}, or {@code @every}
 * followed by a duration in the syntax of Go's {@code time.ParseDuration}, at least one second
 * long. Every schedule is evaluated in UTC. The code does no I/O and never reads the system clock,
 * because the caller passes the instants.
 *
 * <p>This package depends on nothing else in Portager.
 *
 * <p>Limits: there are no time zones, no seconds field, and none of Quartz's {@code L}, {@code W}
 * or {@code #} day forms.
 */
package io.portager.schedule;
