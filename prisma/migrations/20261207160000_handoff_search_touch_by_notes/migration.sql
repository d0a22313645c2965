-- A new handoff changes its session's search text only by its engineer's notes, so the session's
-- search text is rebuilt for a handoff with notes, not for every park and escalation (most have
-- none). The rebuild reads every message of the session: on one with 220 kB of pasted logs an
-- escalation took 80 ms, most of it this rebuild.
CREATE FUNCTION session_search_text_touch_by_notes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Session" SET "searchText" = ''
  WHERE "id" IN (SELECT DISTINCT "sessionId" FROM changed WHERE coalesce("engineerNotes", '') <> '');
  RETURN NULL;
END
$$;

DROP TRIGGER "Handoff_searchText_insert" ON "Handoff";
CREATE TRIGGER "Handoff_searchText_insert" AFTER INSERT ON "Handoff"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION session_search_text_touch_by_notes();
