// The audit log's inputs and answers (the admin's list and its CSV export).
import { z } from "zod";
import { AUDIT_ACTIONS, type TAuditAction } from "../shared/audit-actions.ts";
import { LIMITS } from "../shared/constants.ts";

const ZAuditFilter = z
  .object({
    action: z.enum(AUDIT_ACTIONS).optional(),
    actorId: z.string().trim().min(1).max(64).optional(),
    /** Inclusive. */
    from: z.date().optional(),
    /** Exclusive. */
    to: z.date().optional(),
  })
  .refine((filter) => !filter.from || !filter.to || filter.from < filter.to, {
    message: "The start of the range must be before its end",
    path: ["to"],
  });

export const ZAuditListInput = z
  .object({
    filter: ZAuditFilter.default({}),
    /** `nextCursor` of the previous page. */
    cursor: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(LIMITS.pageSize).default(50),
  })
  .default({ filter: {}, limit: 50 });
export type TAuditListInput = z.input<typeof ZAuditListInput>;

export const ZAuditExportInput = z.object({ filter: ZAuditFilter.default({}) }).default({ filter: {} });
export type TAuditExportInput = z.input<typeof ZAuditExportInput>;

export type TAuditEntry = {
  id: string;
  action: TAuditAction;
  actor: { id: string | null; email: string | null; name: string | null };
  target: { type: string; id: string | null; label: string | null } | null;
  details: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
};

export type TAuditPage = { items: TAuditEntry[]; nextCursor: string | null };

export type TAuditExport = { filename: string; csv: string; rowCount: number; isTruncated: boolean };
