-- Session lookups that should not scan the account's sessions: a search that is exactly a PSA
-- ticket id, and the new-session form's domain suggestions (counted per domain on the index).
CREATE INDEX "Session_accountId_psaTicketId_idx" ON "Session"("accountId", "psaTicketId");

CREATE INDEX "Session_accountId_problemDomain_idx" ON "Session"("accountId", "problemDomain");
