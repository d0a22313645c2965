// Development only: a comparable description of a database's public schema from pg_catalog
// (tables, columns, types, nullability, defaults, constraints, indexes, enums), used to prove two
// databases built by the same migrations are structurally identical.
import type { SqlRunner } from "../sql-runner.ts";

export type CatalogSnapshot = {
  columns: Record<string, unknown>[];
  constraints: Record<string, unknown>[];
  indexes: Record<string, unknown>[];
  enums: Record<string, unknown>[];
};

const QUERIES = {
  columns: `SELECT table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, column_default,
                   character_maximum_length, numeric_precision, datetime_precision
            FROM information_schema.columns WHERE table_schema = 'public'
            ORDER BY table_name, ordinal_position`,
  constraints: `SELECT rel.relname AS table_name, con.conname, con.contype::text AS contype,
                       pg_get_constraintdef(con.oid) AS definition
                FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
                JOIN pg_namespace ns ON ns.oid = rel.relnamespace
                -- PostgreSQL 18 (PGlite) also lists NOT NULL as constraints; columns cover nullability.
                WHERE ns.nspname = 'public' AND con.contype <> 'n' ORDER BY rel.relname, con.conname`,
  indexes: `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
            ORDER BY tablename, indexname`,
  enums: `SELECT t.typname, e.enumlabel, e.enumsortorder FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
          JOIN pg_namespace ns ON ns.oid = t.typnamespace WHERE ns.nspname = 'public'
          ORDER BY t.typname, e.enumsortorder`,
} as const;

export function catalogSnapshot(sql: SqlRunner): Promise<CatalogSnapshot> {
  return sql.withConnection(async (connection) => ({
    columns: await connection.query(QUERIES.columns),
    constraints: await connection.query(QUERIES.constraints),
    indexes: await connection.query(QUERIES.indexes),
    enums: await connection.query(QUERIES.enums),
  }));
}
