-- 0004: materialised case indicators (考核指标).
-- Each case contributes one bucket of counters (src/core/indicator_case.h:
-- its grid, assignee, category and the month of its deadline); these tables
-- hold the sums per bucket, changed by (new − old contribution) in the
-- transaction of every write of a case row (src/store/store_indicators.c),
-- so that no query of the indicators scans the cases.
-- `gridgov indicators --rebuild` recomputes both from the cases table and
-- `--check` compares. The counters are the fields of struct case_counters.
-- On SQLite the tables are clustered by their key (WITHOUT ROWID), so a
-- place prefix is one contiguous range of the table itself: a roll-up reads
-- the rows it sums and nothing else.

-- Per grid, worker (staff id, 0 for none) or department ('' for a grid
-- team), category and month: answers by worker and by department.
CREATE TABLE indicator_counters (
    place       TEXT NOT NULL,              -- grid code
    staff_id    INTEGER NOT NULL,           -- assignee staff id, 0 if none
    department  TEXT NOT NULL,              -- assignee department, '' if none
    category    TEXT NOT NULL,              -- category code
    month       TEXT NOT NULL,              -- 'YYYY-MM', China Standard Time
    due         INTEGER NOT NULL DEFAULT 0,
    closed      INTEGER NOT NULL DEFAULT 0,
    closed_on_time INTEGER NOT NULL DEFAULT 0,
    handling_minutes_sum INTEGER NOT NULL DEFAULT 0,
    dispatched  INTEGER NOT NULL DEFAULT 0,
    returned    INTEGER NOT NULL DEFAULT 0,
    extended    INTEGER NOT NULL DEFAULT 0,
    reopened    INTEGER NOT NULL DEFAULT 0,
    rated       INTEGER NOT NULL DEFAULT 0,
    rating_sum  INTEGER NOT NULL DEFAULT 0,
    rating_4_5  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (place, staff_id, department, category, month)
)
-- @sqlite
WITHOUT ROWID
-- @end
;

-- The same sums without the assignee: per grid, category and month. Every
-- roll-up by place, category or month reads this smaller table (a city of
-- 143 grids has at most 143 × categories × months rows here, against one
-- per worker in the table above).
CREATE TABLE indicator_counters_place (
    place       TEXT NOT NULL,
    category    TEXT NOT NULL,
    month       TEXT NOT NULL,
    due         INTEGER NOT NULL DEFAULT 0,
    closed      INTEGER NOT NULL DEFAULT 0,
    closed_on_time INTEGER NOT NULL DEFAULT 0,
    handling_minutes_sum INTEGER NOT NULL DEFAULT 0,
    dispatched  INTEGER NOT NULL DEFAULT 0,
    returned    INTEGER NOT NULL DEFAULT 0,
    extended    INTEGER NOT NULL DEFAULT 0,
    reopened    INTEGER NOT NULL DEFAULT 0,
    rated       INTEGER NOT NULL DEFAULT 0,
    rating_sum  INTEGER NOT NULL DEFAULT 0,
    rating_4_5  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (place, category, month)
)
-- @sqlite
WITHOUT ROWID
-- @end
;

-- The same rows in month order within each grid, counters included, so
-- that sums by grid and month need no sort (the table itself is in
-- category order within each grid).
CREATE INDEX indicator_counters_place_month ON indicator_counters_place (place, month, category,
    due, closed, closed_on_time, handling_minutes_sum, dispatched, returned, extended, reopened,
    rated, rating_sum, rating_4_5);
