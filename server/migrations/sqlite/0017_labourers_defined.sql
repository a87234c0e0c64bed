-- A labourer is no longer anyone able of working age but also neither
-- retired nor outside working age, and a zero-employment household one
-- whose labourers all are out of work: every household's kept figures are
-- computed again, once, when the server starts (figures_on unset reads as
-- never computed).
UPDATE households SET figures_on = NULL;
