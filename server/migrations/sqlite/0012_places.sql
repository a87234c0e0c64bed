-- The place tree: every place from the city down to the grids households
-- belong to. A grid of `grids` is a place here too, under the same code;
-- `grids` keeps what only such a grid has (its boundary).
CREATE TABLE places (
    code TEXT PRIMARY KEY,
    level TEXT NOT NULL,
    name TEXT NOT NULL,
    -- NULL at the top of what the roster has said.
    parent TEXT REFERENCES places (code)
);
CREATE INDEX places_parent ON places (parent);
CREATE INDEX places_level_name ON places (level, name);

-- Each area the grids name becomes a place, for now at the top, and each
-- grid a place in its area.
INSERT INTO places (code, level, name, parent)
SELECT 'area-m' || ROW_NUMBER() OVER (ORDER BY area), 'area', area, NULL
FROM (SELECT DISTINCT area FROM grids) AS areas;

INSERT INTO places (code, level, name, parent)
SELECT g.code, 'grid', g.name, a.code
FROM grids g
JOIN places a ON a.level = 'area' AND a.name = g.area;
