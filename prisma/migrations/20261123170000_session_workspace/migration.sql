-- The session workspace: entries (notes and steps), the session log, resolution, the account's
-- PSA ticket link, and search over sessions.

-- Trigram index support for search (contrib; PGlite loads it in create-database.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateEnum
CREATE TYPE "MessageKind" AS ENUM ('NOTE', 'STEP');

-- CreateEnum
CREATE TYPE "SessionLogAction" AS ENUM ('CREATED', 'UPDATED', 'NOTE_ADDED', 'STEP_ADDED', 'BRANCH_OPENED', 'BRANCH_CHANGED', 'PARKED', 'ESCALATED', 'CLAIMED', 'RELEASED', 'RESOLVED', 'REOPENED');

-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "psaTicketUrlTemplate" TEXT;

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "resolution" TEXT,
ADD COLUMN     "resolvedAt" TIMESTAMP(3),
ADD COLUMN     "searchText" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "SessionMessage" ADD COLUMN     "kind" "MessageKind" NOT NULL DEFAULT 'NOTE';

-- CreateTable
CREATE TABLE "SessionLogEntry" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "actorId" TEXT,
    "action" "SessionLogAction" NOT NULL,
    "summary" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SessionLogEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SessionLogEntry_sessionId_createdAt_idx" ON "SessionLogEntry"("sessionId", "createdAt");

-- CreateIndex
CREATE INDEX "SessionLogEntry_actorId_idx" ON "SessionLogEntry"("actorId");

-- CreateIndex
CREATE INDEX "Session_activeBranchId_idx" ON "Session"("activeBranchId");

-- CreateIndex
CREATE INDEX "Session_searchText_idx" ON "Session" USING GIN ("searchText" gin_trgm_ops);

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_activeBranchId_fkey" FOREIGN KEY ("activeBranchId") REFERENCES "SessionBranch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SessionLogEntry" ADD CONSTRAINT "SessionLogEntry_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SessionLogEntry" ADD CONSTRAINT "SessionLogEntry_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- "searchText" is derived data: rebuilt by the BEFORE trigger whenever a column it is built from
-- changes, or when another table's trigger sets it to '' to ask for a rebuild. Prisma's schema
-- language cannot express triggers, so they live only here.
CREATE FUNCTION session_search_text_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."searchText" := lower(concat_ws(' ',
    NEW."problemSummary",
    NEW."problemDomain",
    NEW."psaTicketId",
    (SELECT u."name" || ' ' || u."email" FROM "User" u WHERE u."id" = NEW."ownerId"),
    (SELECT string_agg(m."body", ' ' ORDER BY m."createdAt") FROM "SessionMessage" m WHERE m."sessionId" = NEW."id"),
    (SELECT string_agg(h."engineerNotes", ' ' ORDER BY h."createdAt") FROM "Handoff" h WHERE h."sessionId" = NEW."id")
  ));
  RETURN NEW;
END
$$;

CREATE TRIGGER "Session_searchText_rebuild"
  BEFORE INSERT OR UPDATE OF "problemSummary", "problemDomain", "psaTicketId", "ownerId", "searchText"
  ON "Session" FOR EACH ROW EXECUTE FUNCTION session_search_text_rebuild();

-- Messages and handoffs: one rebuild per touched session per statement (bulk inserts stay cheap).
CREATE FUNCTION session_search_text_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Session" SET "searchText" = '' WHERE "id" IN (SELECT DISTINCT "sessionId" FROM changed);
  RETURN NULL;
END
$$;

CREATE TRIGGER "SessionMessage_searchText_insert" AFTER INSERT ON "SessionMessage"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION session_search_text_touch();
CREATE TRIGGER "SessionMessage_searchText_update" AFTER UPDATE ON "SessionMessage"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION session_search_text_touch();
CREATE TRIGGER "Handoff_searchText_insert" AFTER INSERT ON "Handoff"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION session_search_text_touch();

-- An owner's new name or email.
CREATE FUNCTION session_search_text_touch_owner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Session" SET "searchText" = '' WHERE "ownerId" = NEW."id";
  RETURN NULL;
END
$$;

CREATE TRIGGER "User_searchText_update" AFTER UPDATE OF "name", "email" ON "User"
  FOR EACH ROW WHEN (OLD."name" IS DISTINCT FROM NEW."name" OR OLD."email" IS DISTINCT FROM NEW."email")
  EXECUTE FUNCTION session_search_text_touch_owner();

-- Sessions that existed before this migration.
UPDATE "Session" SET "searchText" = '';
