-- CreateEnum
CREATE TYPE "SimilarVerdict" AS ENUM ('THIS_WAS_IT', 'NOT_RELATED');

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "searchVector" tsvector;

-- CreateTable
CREATE TABLE "SimilarSessionVerdict" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "matchedSessionId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "verdict" "SimilarVerdict" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SimilarSessionVerdict_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SimilarSessionVerdict_sessionId_matchedSessionId_idx" ON "SimilarSessionVerdict"("sessionId", "matchedSessionId");

-- CreateIndex
CREATE INDEX "SimilarSessionVerdict_matchedSessionId_idx" ON "SimilarSessionVerdict"("matchedSessionId");

-- CreateIndex
CREATE INDEX "SimilarSessionVerdict_accountId_idx" ON "SimilarSessionVerdict"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "SimilarSessionVerdict_userId_sessionId_matchedSessionId_key" ON "SimilarSessionVerdict"("userId", "sessionId", "matchedSessionId");

-- CreateIndex
CREATE INDEX "Session_searchVector_idx" ON "Session" USING GIN ("searchVector");

-- AddForeignKey
ALTER TABLE "SimilarSessionVerdict" ADD CONSTRAINT "SimilarSessionVerdict_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SimilarSessionVerdict" ADD CONSTRAINT "SimilarSessionVerdict_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SimilarSessionVerdict" ADD CONSTRAINT "SimilarSessionVerdict_matchedSessionId_fkey" FOREIGN KEY ("matchedSessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SimilarSessionVerdict" ADD CONSTRAINT "SimilarSessionVerdict_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- "searchVector" is built with "searchText", by the same triggers (see the session_workspace
-- migration), now also from the branches (labels and outcomes) and the resolution. Weights: the
-- summary A; what was tried and what fixed it (branches, resolution) B; notes and steps C; the
-- domain and ticket D. The 'english' configuration is named, so both databases stem alike.
CREATE OR REPLACE FUNCTION session_search_text_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  owner_text text;
  message_text text;
  handoff_text text;
  branch_text text;
BEGIN
  SELECT u."name" || ' ' || u."email" INTO owner_text FROM "User" u WHERE u."id" = NEW."ownerId";
  SELECT string_agg(m."body", ' ' ORDER BY m."createdAt") INTO message_text
    FROM "SessionMessage" m WHERE m."sessionId" = NEW."id";
  SELECT string_agg(h."engineerNotes", ' ' ORDER BY h."createdAt") INTO handoff_text
    FROM "Handoff" h WHERE h."sessionId" = NEW."id";
  SELECT string_agg(concat_ws(' ', b."label", b."outcome"), ' ' ORDER BY b."createdAt") INTO branch_text
    FROM "SessionBranch" b WHERE b."sessionId" = NEW."id";
  NEW."searchText" := lower(concat_ws(' ',
    NEW."problemSummary", NEW."problemDomain", NEW."psaTicketId", owner_text,
    message_text, handoff_text, branch_text, NEW."resolution"));
  NEW."searchVector" :=
    setweight(to_tsvector('english', NEW."problemSummary"), 'A') ||
    setweight(to_tsvector('english', concat_ws(' ', branch_text, NEW."resolution")), 'B') ||
    setweight(to_tsvector('english', concat_ws(' ', message_text, handoff_text)), 'C') ||
    setweight(to_tsvector('english', concat_ws(' ', NEW."problemDomain", NEW."psaTicketId")), 'D');
  RETURN NEW;
END
$$;

DROP TRIGGER "Session_searchText_rebuild" ON "Session";
CREATE TRIGGER "Session_searchText_rebuild"
  BEFORE INSERT OR UPDATE OF "problemSummary", "problemDomain", "psaTicketId", "ownerId", "resolution", "searchText"
  ON "Session" FOR EACH ROW EXECUTE FUNCTION session_search_text_rebuild();

CREATE TRIGGER "SessionBranch_searchText_insert" AFTER INSERT ON "SessionBranch"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION session_search_text_touch();
CREATE TRIGGER "SessionBranch_searchText_update" AFTER UPDATE ON "SessionBranch"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION session_search_text_touch();

-- Sessions that existed before this migration.
UPDATE "Session" SET "searchText" = '';
