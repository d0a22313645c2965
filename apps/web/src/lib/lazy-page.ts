// A page (or admin tab, or a part of a page its first paint can do without) in a chunk of its own,
// fetched the first time it renders, so the first load of the queue or the login page does not
// carry every other screen. Render it under a <Suspense>.
import { type ComponentType, lazy } from "react";

/** `load` is the module's dynamic import; `name` the component it exports. */
export function lazyPage<TName extends string, TProps extends object>(
  load: () => Promise<Record<TName, ComponentType<TProps>>>,
  name: TName,
) {
  return lazy(async () => ({ default: (await load())[name] }));
}
