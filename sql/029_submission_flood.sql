-- 029_submission_flood.sql: a valid report that arrives while its QR code takes more reports than people send (a flood, perhaps by the employer) is stored and flagged, never refused, so a real worker is not silenced by someone else's flood.

ALTER TABLE submission ADD COLUMN flood boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN submission.flood IS
    'received while its QR code took more than 120 valid reports a minute (ratelimit.c RL_ENTRY_POST): stored, but likely part of a flood';
