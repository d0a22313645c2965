// Names for PostgreSQL prepared statements (the pg adapter's statementNameGenerator). A named
// statement is parsed once per connection and PostgreSQL may keep its plan (a generic one after
// five runs), where an unnamed one is parsed and planned on every run: planning one of Prisma's
// joined reads costs about a millisecond. Every connection keeps each statement it was given a
// name for until it closes, so only a bounded set gets names, statements run at least twice first
// (a one-off text, such as an IN list of a new length, stays unnamed); past the bound, unnamed as before.

/** "" leaves a statement unnamed. */
export type StatementNamer = (query: { sql: string }) => string;

export function createStatementNamer(options: { maxNamed: number; maxCounted: number }): StatementNamer {
  const names = new Map<string, string>();
  const runs = new Map<string, number>();
  return ({ sql }) => {
    const name = names.get(sql);
    if (name !== undefined) return name;
    if (names.size >= options.maxNamed) return "";
    if (!runs.has(sql)) {
      // Forgetting the counts now and then keeps them bounded; a statement run often is counted again.
      if (runs.size >= options.maxCounted) runs.clear();
      runs.set(sql, 1);
      return "";
    }
    runs.delete(sql);
    const fresh = `handoff_${names.size + 1}`;
    names.set(sql, fresh);
    return fresh;
  };
}
