// Another account's handoff is answered exactly as one that does not exist (NOT_FOUND, the same
// words), as sessions, branches and teams are: whether an id exists elsewhere is not the caller's
// to learn. Load handoffs by id *and* account, then throw this when nothing came back.
import { AppError } from "./app-error.ts";

export const handoffNotFound = () => new AppError("NOT_FOUND", "No handoff with that id.");
