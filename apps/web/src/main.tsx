// Entry point: mounts the app.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
// The shared styles first, in this order; each screen's components import their own after them.
import "./ui/tokens.css";
import "./ui/controls.css";
import "./layout/page.css";
import { App } from "./app.tsx";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
