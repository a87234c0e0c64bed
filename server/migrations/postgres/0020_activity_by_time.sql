-- The dispatch report counts what was done in a period: surveys by when
-- they arrived, visits and follow-up actions by when they were made, items
-- by when they entered or left a list.
CREATE INDEX submissions_received_at ON submissions (received_at);
CREATE INDEX visits_visited_at ON visits (visited_at);
CREATE INDEX follow_up_actions_done_at ON follow_up_actions (done_at);
CREATE INDEX follow_ups_entered_on ON follow_ups (list, entered_on);
CREATE INDEX follow_ups_cleared_on ON follow_ups (list, cleared_on);
