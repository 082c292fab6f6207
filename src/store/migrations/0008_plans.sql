-- 0008: grid plans — a proposed cut of communities into grids, kept as a
-- preview until it is applied, and kept after that as the history of how
-- the grids came to be. Applying a plan retires the old grids (their place
-- rows stay, because closed cases keep the grid they were handled in).

-- A retired grid: replaced by an applied plan; NULL while in service.
ALTER TABLE places ADD COLUMN retired_at INTEGER;

CREATE TABLE plans (
    id          INTEGER PRIMARY KEY,
    scope       TEXT NOT NULL REFERENCES places(code), -- community, street or county planned
    state       TEXT NOT NULL,              -- preview, applied, superseded, stale
    params      TEXT NOT NULL,              -- JSON: the bounds and the staffing ratio used
    body        TEXT NOT NULL,              -- JSON: the whole plan as previewed
    created_by  INTEGER REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    applied_by  INTEGER REFERENCES users(id),
    applied_at  INTEGER
);
CREATE INDEX plans_scope ON plans(scope, id);

-- The grids a plan proposes, with the codes they get when it is applied.
CREATE TABLE plan_grids (
    plan_id     INTEGER NOT NULL REFERENCES plans(id),
    code        TEXT NOT NULL,              -- 15-digit grid code
    community   TEXT NOT NULL REFERENCES places(code),
    name        TEXT NOT NULL,
    households  INTEGER NOT NULL,
    residents   INTEGER NOT NULL,
    buildings   INTEGER NOT NULL,
    geometry    TEXT NOT NULL DEFAULT '',   -- GeoJSON geometry (RFC 7946), '' if none
    PRIMARY KEY (plan_id, code)
);

-- Where each building of the planned communities was and goes.
CREATE TABLE plan_buildings (
    plan_id     INTEGER NOT NULL REFERENCES plans(id),
    building_id INTEGER NOT NULL REFERENCES buildings(id),
    old_place   TEXT NOT NULL,              -- grid (or community) before
    new_grid    TEXT NOT NULL,
    PRIMARY KEY (plan_id, building_id)
);

-- Which new grid each old grid's team (staff and grid-bound users) joins.
CREATE TABLE plan_teams (
    plan_id     INTEGER NOT NULL REFERENCES plans(id),
    old_grid    TEXT NOT NULL REFERENCES places(code),
    new_grid    TEXT NOT NULL,
    PRIMARY KEY (plan_id, old_grid)
);

-- Open cases moved when the plan was applied (closed ones keep their grid).
CREATE TABLE plan_cases (
    plan_id     INTEGER NOT NULL REFERENCES plans(id),
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    old_grid    TEXT NOT NULL,
    new_grid    TEXT NOT NULL,
    PRIMARY KEY (plan_id, case_id)
);
