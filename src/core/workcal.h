/*
 * workcal.h — working-time arithmetic for case deadlines. A calendar knows
 * the daily working hours (default 08:30–12:00 and 14:30–18:00, China
 * Standard Time), that Saturday and Sunday are off, and two lists of
 * exceptions: public holidays (dates off) and make-up working days (调休,
 * weekend dates that are worked). Instants are Unix seconds (UTC); dates
 * are local YYYYMMDD integers (1900..9999).
 *
 * Pure arithmetic, no I/O and no global time zone: the offset from UTC is
 * part of the calendar. Cost is O(log n) in the span plus O(exceptions),
 * never proportional to the number of minutes or days.
 */
#ifndef GG_WORKCAL_H
#define GG_WORKCAL_H

#include <stdint.h>

#include "gg.h"

typedef struct workcal workcal;

/* Most exception dates one calendar holds (about 30 years of China's list). */
#define WORKCAL_MAX_EXCEPTIONS 2048

/*
 * Daily working periods in minutes after local midnight: a morning
 * [am_start, am_end) and an afternoon [pm_start, pm_end), in that order and
 * not overlapping; either may be empty but not both. utc_offset is the
 * local time's offset east of UTC in minutes (China: 480).
 */
struct workcal_hours {
    int am_start, am_end;
    int pm_start, pm_end;
    int utc_offset;
};

/* 08:30–12:00, 14:30–18:00, UTC+8. */
/* clang-format off */
#define WORKCAL_HOURS_CN {8 * 60 + 30, 12 * 60, 14 * 60 + 30, 18 * 60, 8 * 60}
/* clang-format on */

/* A calendar with WORKCAL_HOURS_CN and no exceptions. Free with workcal_free. */
workcal *workcal_new(void);

/* Free a calendar. NULL is a no-op. */
void workcal_free(workcal *cal);

/*
 * Replace the working hours with *h (copied). Returns 0, or GG_EINVAL (the
 * calendar unchanged) if a bound is outside 0..1440, the periods are out of
 * order or overlap, both are empty, or utc_offset is beyond ±14 hours.
 */
int workcal_set_hours(workcal *cal, const struct workcal_hours *h, gg_err *err);

/* The working hours in force, copied to *out. */
void workcal_get_hours(const workcal *cal, struct workcal_hours *out);

/*
 * Mark local date yyyymmdd (e.g. 20251001) as a day off, or as a working
 * day. A date is one or the other: marking it again either way replaces
 * the earlier mark; marking a date twice the same way is a no-op. Returns 0,
 * GG_EINVAL for a date that does not exist (or before 1900, after 9999),
 * GG_ETOOBIG past WORKCAL_MAX_EXCEPTIONS.
 */
int workcal_add_holiday(workcal *cal, int yyyymmdd, gg_err *err);
int workcal_add_workday(workcal *cal, int yyyymmdd, gg_err *err);

/*
 * Load the official arrangement of the State Council General Office
 * (国务院办公厅关于部分节假日安排的通知) for year: its holidays and make-up
 * working days. Known years: 2025, 2026. Returns 0, GG_ENOTFOUND for
 * another year (nothing loaded), or an error of workcal_add_*.
 */
int workcal_load_cn(workcal *cal, int year, gg_err *err);

/* 1 if local date yyyymmdd is a working day, 0 if not or not a real date. */
int workcal_is_workday(const workcal *cal, int yyyymmdd);

/*
 * The instant at which minutes working minutes after start have elapsed:
 * the earliest t >= start with workcal_between(cal, start, t) == minutes.
 * Time before start's next working period does not count, so a case
 * dispatched on Friday evening starts its clock on Monday 08:30, and a
 * deadline that falls at the end of a period is that end (12:00, not
 * 14:30). minutes <= 0 returns start unchanged.
 */
int64_t workcal_add(const workcal *cal, int64_t start, int minutes);

/*
 * Working minutes between instants a and b: whole minutes of working time
 * in [a, b), rounded toward zero; negative (the same magnitude) if b < a,
 * so time left = workcal_between(cal, now, deadline) goes negative once
 * overdue. Inverse of workcal_add: between(cal, t, add(cal, t, m)) == m
 * for every m >= 0.
 */
int64_t workcal_between(const workcal *cal, int64_t a, int64_t b);

#endif
