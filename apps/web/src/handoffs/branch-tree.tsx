// The session's branch map: what was tried, as a tree, with dead ends, resolutions and the
// branch the engineer was on when they handed off.
import type { TBranchNode } from "@handoff/api/client-contract";
import type { ReactNode } from "react";
import "./branch-tree.css";

type TBranchTreeProps = {
  branches: TBranchNode[];
  activeBranchId: string | null;
  /** The holder's tools for one branch (session workspace); none when read-only. */
  renderTools?: (branch: TBranchNode, isActive: boolean) => ReactNode;
};

const STATUS_LABEL = { open: "Open", dead_end: "Dead end", resolved: "Resolved" } as const;

export function BranchTree({ branches, activeBranchId, renderTools }: TBranchTreeProps) {
  if (branches.length === 0) return <p className="muted">No branches were recorded.</p>;
  const ids = new Set(branches.map((branch) => branch.id));
  // A branch whose parent is missing is shown as a root rather than dropped.
  const roots = branches.filter((branch) => branch.parentId === null || !ids.has(branch.parentId));
  return (
    <ul className="branch-tree" aria-label="Branch map">
      <BranchItems
        items={roots}
        branches={branches}
        activeBranchId={activeBranchId}
        renderTools={renderTools}
      />
    </ul>
  );
}

/** One level of the tree; each item nests the level below it. */
function BranchItems({ items, ...tree }: { items: TBranchNode[] } & TBranchTreeProps) {
  return items.map((branch) => <BranchItem key={branch.id} branch={branch} {...tree} />);
}

function BranchItem({ branch, ...tree }: { branch: TBranchNode } & TBranchTreeProps) {
  const { branches, activeBranchId, renderTools } = tree;
  const children = branches.filter((candidate) => candidate.parentId === branch.id);
  const isActive = branch.id === activeBranchId;
  return (
    <li
      className={`branch branch--${branch.status}${isActive ? " branch--active" : ""}`}
      data-testid="branch"
      data-branch-status={branch.status}
    >
      <div className="branch__row" aria-current={isActive ? "step" : undefined}>
        <span className="branch__dot" aria-hidden="true" />
        <span className="branch__label">{branch.label}</span>
        <span className={`branch__status branch__status--${branch.status}`}>
          {STATUS_LABEL[branch.status]}
        </span>
        {isActive && <span className="branch__active">Active branch</span>}
      </div>
      {branch.outcome && <p className="branch__outcome">{branch.outcome}</p>}
      {renderTools?.(branch, isActive)}
      {children.length > 0 && (
        <ul>
          <BranchItems items={children} {...tree} />
        </ul>
      )}
    </li>
  );
}
