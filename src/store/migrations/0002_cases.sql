-- 0002: cases (事件/诉求) — categories, cases and their append-only log.
-- The workflow itself (which action moves which state, who may take it)
-- is src/core/case_flow.c; these tables only record where each case is.
-- Times are Unix seconds; states, actions and closures are stored by their
-- API names ("dispatched", "accept", "overdue").

-- Categories form a two-level tree by `parent` (水电气暖 › 暖气不热). A case
-- may be filed under a parent or a child. limit_hours counts working hours
-- (workcal) from dispatch; handler is 'grid' (the grid team of the case's
-- place) or the name of a department, matched against users.department.
CREATE TABLE categories (
    code        TEXT PRIMARY KEY,           -- stable ASCII code: "utilities.heating_cold"
    parent      TEXT REFERENCES categories(code),
    name        TEXT NOT NULL,              -- Chinese display name
    limit_hours INTEGER NOT NULL CHECK (limit_hours BETWEEN 1 AND 2000),
    handler     TEXT NOT NULL DEFAULT 'grid',
    private     INTEGER NOT NULL DEFAULT 0, -- only the reporter and staff in scope see these
    active      INTEGER NOT NULL DEFAULT 1, -- inactive: kept for old cases, not offered
    sort        INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX categories_parent ON categories(parent);

CREATE TABLE cases (
    id          INTEGER PRIMARY KEY,
    place       TEXT NOT NULL REFERENCES places(code),  -- the grid the case lies in
    category    TEXT NOT NULL REFERENCES categories(code),
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL,              -- resident, staff (later: open311)
    reporter_id INTEGER REFERENCES users(id),
    household_id INTEGER REFERENCES households(id),
    lat         REAL NOT NULL,              -- the point, or the household's building
    lon         REAL NOT NULL,
    private     INTEGER NOT NULL DEFAULT 0,
    state       TEXT NOT NULL,
    team_grid   TEXT REFERENCES places(code), -- the grid team responsible
    assignee_staff_id INTEGER REFERENCES staff(id),
    assignee_dept TEXT NOT NULL DEFAULT '', -- department handling it, '' for a grid team
    reported_at INTEGER NOT NULL,
    registered_at INTEGER,
    dispatched_at INTEGER,                  -- the latest dispatch: the clock starts here
    deadline    INTEGER,                    -- includes approved extensions
    handled_at  INTEGER,                    -- the latest reported result: the clock stops
    closed_at   INTEGER,                    -- verified, cancelled or merged
    closure     TEXT NOT NULL DEFAULT '',   -- normal, overdue, special, cancelled, merged
    result      TEXT NOT NULL DEFAULT '',   -- the handler's report
    rating      INTEGER CHECK (rating BETWEEN 1 AND 5),
    rating_comment TEXT NOT NULL DEFAULT '',
    ext_pending_hours INTEGER NOT NULL DEFAULT 0, -- an extension awaiting approval
    extended_hours INTEGER NOT NULL DEFAULT 0,    -- approved extensions in total
    returned    INTEGER NOT NULL DEFAULT 0, -- times returned (退回)
    reopened    INTEGER NOT NULL DEFAULT 0, -- times reopened (返工)
    overdue     INTEGER NOT NULL DEFAULT 0, -- marked by the overdue sweep
    escalation  INTEGER NOT NULL DEFAULT 0, -- 0 none, 1 grid chief, 2 community, 3 street
    merged_into INTEGER REFERENCES cases(id),
    version     INTEGER NOT NULL DEFAULT 1, -- +1 on every change, for expected_version
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX cases_place ON cases(place);
CREATE INDEX cases_state_deadline ON cases(state, deadline);
CREATE INDEX cases_reporter ON cases(reporter_id);
CREATE INDEX cases_assignee ON cases(assignee_staff_id);
CREATE INDEX cases_dept ON cases(assignee_dept, state);
CREATE INDEX cases_category ON cases(category, state);
CREATE INDEX cases_lat ON cases(lat);
CREATE INDEX cases_merged ON cases(merged_into);

-- One row per transition (and per non-moving action: extensions,
-- escalation, supervision), written in the transaction of the change.
CREATE TABLE case_log (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    at          INTEGER NOT NULL,
    actor_id    INTEGER REFERENCES users(id), -- NULL for the system
    actor       TEXT NOT NULL,              -- login, or 'system'
    role        TEXT NOT NULL DEFAULT '',   -- the actor's role then, 'system'
    action      TEXT NOT NULL,              -- report, register, dispatch, accept, ...
    from_state  TEXT NOT NULL DEFAULT '',   -- '' for the report itself
    to_state    TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT ''    -- JSON object: assignee, hours, rating, level...
);
CREATE INDEX case_log_case ON case_log(case_id, id);
CREATE TRIGGER case_log_no_update BEFORE UPDATE ON case_log
BEGIN SELECT RAISE(ABORT, 'case_log is append-only'); END;
CREATE TRIGGER case_log_no_delete BEFORE DELETE ON case_log
BEGIN SELECT RAISE(ABORT, 'case_log is append-only'); END;

-- Locating a point into a grid looks for the nearest building in a box.
CREATE INDEX buildings_lat ON buildings(lat);

-- The categories of the issue. Working hours: a working day is 7 hours
-- (08:30–12:00, 14:30–18:00).
INSERT INTO categories (code, parent, name, limit_hours, handler, private, sort, created_at, updated_at) VALUES
    ('utilities',                 NULL,          '水电气暖',     14, 'grid', 0, 10, 0, 0),
    ('utilities.pipe_blocked',    'utilities',   '水管堵塞',      7, 'grid', 0, 11, 0, 0),
    ('utilities.heating_cold',    'utilities',   '暖气不热',     14, 'grid', 0, 12, 0, 0),
    ('utilities.outage',          'utilities',   '停水停电',      4, 'grid', 0, 13, 0, 0),
    ('utilities.heating_network', 'utilities',   '供热管网故障',  7, '热力公司', 0, 14, 0, 0),
    ('utilities.water_main',      'utilities',   '供水管网漏水',  7, '自来水公司', 0, 15, 0, 0),
    ('sanitation',                NULL,          '环境卫生',     14, 'grid', 0, 20, 0, 0),
    ('sanitation.stairwell',      'sanitation',  '楼道卫生',     14, 'grid', 0, 21, 0, 0),
    ('sanitation.garbage',        'sanitation',  '垃圾清运',      7, 'grid', 0, 22, 0, 0),
    ('dispute',                   NULL,          '矛盾纠纷',     35, 'grid', 1, 30, 0, 0),
    ('safety',                    NULL,          '安全隐患',      4, 'grid', 0, 40, 0, 0),
    ('property',                  NULL,          '物业服务',     21, 'grid', 0, 50, 0, 0),
    ('facilities',                NULL,          '公共设施',     35, 'grid', 0, 60, 0, 0),
    ('livelihood',                NULL,          '民生服务',     35, 'grid', 0, 70, 0, 0),
    ('policy',                    NULL,          '政策咨询代办', 35, 'grid', 0, 80, 0, 0),
    ('cityman',                   NULL,          '城市管理',     35, 'grid', 0, 90, 0, 0),
    ('cityman.illegal_building',  'cityman',     '私搭乱建',     70, 'grid', 0, 91, 0, 0),
    ('cityman.street_vending',    'cityman',     '占道经营',      7, 'grid', 0, 92, 0, 0),
    ('cityman.waterlogging',      'cityman',     '道路积水',      4, 'grid', 0, 93, 0, 0);
