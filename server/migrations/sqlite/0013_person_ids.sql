-- The ID numbers of each household's present members, as its latest
-- ledger has them, for households in the roster: the roster import checks
-- a file's numbers against other households through this, without reading
-- their ledgers. Kept with every write that can change them.
CREATE TABLE person_ids (
    household TEXT NOT NULL REFERENCES households (code),
    resident_id TEXT NOT NULL,
    PRIMARY KEY (household, resident_id)
);
CREATE INDEX person_ids_resident_id ON person_ids (resident_id);

INSERT OR IGNORE INTO person_ids (household, resident_id)
SELECT l.household, json_extract(m.value, '$.record.resident_id')
FROM ledgers l
JOIN (SELECT household, MAX(round) AS round FROM ledgers GROUP BY household) latest
    ON latest.household = l.household AND latest.round = l.round
JOIN households h ON h.code = l.household AND h.removed_at IS NULL,
    json_each(l.body, '$.members') m
WHERE json_extract(m.value, '$.record.resident_id') IS NOT NULL
    AND json_extract(m.value, '$.left') IS NULL;
