// The shell of a list shown as a table (the admin tabs' lists, the sessions list): the scrolling
// frame, the column headings, the rows given as children, what to say when there are none, and a
// "Show more" button while the list has further pages.
import type { ReactNode } from "react";
import "./table.css";

type TDataTableProps = {
  testId: string;
  /** The column headings, in order ("" for a column without one, e.g. the row's buttons). */
  columns: readonly string[];
  children: ReactNode;
  /** Extra table classes, e.g. "table--cards" (one card per row on phones). */
  variant?: string;
  /** Said under the table when it has no rows; `isEmpty` says when. */
  empty?: { isEmpty: boolean; message: string };
  onShowMore?: (() => void) | null;
};

export function DataTable({ testId, columns, children, variant, empty, onShowMore }: TDataTableProps) {
  return (
    <>
      <div className="table-wrap">
        <table className={variant ? `table ${variant}` : "table"} data-testid={testId}>
          <thead>
            <tr>
              {columns.map((column, index) => (
                // The headings are fixed, and "" may stand twice: the place is the key.
                <th key={index} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
      </div>
      {empty?.isEmpty && <p className="muted">{empty.message}</p>}
      {onShowMore && (
        <div className="load-more">
          <button type="button" className="button" onClick={onShowMore}>
            Show more
          </button>
        </div>
      )}
    </>
  );
}
