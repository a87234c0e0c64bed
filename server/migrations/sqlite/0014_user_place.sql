-- Every account works at one place of the tree (`places.code`): a team at
-- its area or grid, a grid member at a grid, a building head at the grid
-- of `building`, a supervisor anywhere. NULL for administrators and
-- supervisors of everything.
ALTER TABLE users ADD COLUMN place TEXT REFERENCES places (code);
ALTER TABLE users ADD COLUMN building TEXT;

UPDATE users SET place = grid WHERE grid IS NOT NULL;
UPDATE users SET place = (
    SELECT p.code FROM places p WHERE p.level = 'area' AND p.name = users.area
    ORDER BY p.code LIMIT 1)
WHERE area IS NOT NULL;

-- `place` replaces `grid` and `area`. SQLite cannot drop a column a
-- foreign key names, so they stay, empty and unread.
UPDATE users SET grid = NULL, area = NULL;
CREATE INDEX users_place ON users (place);
