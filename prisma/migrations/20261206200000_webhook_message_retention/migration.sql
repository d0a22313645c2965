-- The daily retention prune finds an account's old webhook messages by creation time.
CREATE INDEX "WebhookMessage_accountId_createdAt_idx" ON "WebhookMessage"("accountId", "createdAt");
