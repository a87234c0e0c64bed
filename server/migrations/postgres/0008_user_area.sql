-- The resettlement area (a grid's `area`) a supervisor oversees: such a
-- supervisor sees only that area's grids. NULL for county-wide supervisors
-- and every other role.
ALTER TABLE users ADD COLUMN area TEXT;
