// A navigation link that knows it is the current page: the "active" class (the stylesheets mark it)
// and aria-current, on its own path and every path under it (/admin for /admin/users).
import type { ReactNode } from "react";
import { Link, useLocation } from "wouter";

type TNavLinkProps = { to: string; className?: string; children: ReactNode };

export function NavLink({ to, className, children }: TNavLinkProps) {
  const [pathname] = useLocation();
  const isActive = pathname === to || pathname.startsWith(`${to}/`);
  return (
    <Link
      to={to}
      className={[className, isActive ? "active" : ""].filter(Boolean).join(" ") || undefined}
      aria-current={isActive ? "page" : undefined}
    >
      {children}
    </Link>
  );
}
