-- The briefing for whoever claims a handoff, once written (by a language model, or by rules on
-- request): {v, text, source, model, writtenAt, jobId}. Until then it is written from the snapshot.
ALTER TABLE "Handoff" ADD COLUMN "briefing" JSONB;
