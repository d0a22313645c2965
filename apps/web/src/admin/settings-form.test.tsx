import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { SettingsForm } from "./settings-form.tsx";

const saved = { isPending: false, isSuccess: true, error: null };

function renderSaved(onSubmit = vi.fn()) {
  render(
    <SettingsForm
      title="Change the connection"
      mutation={saved}
      isDisabled={false}
      submitLabel="Save"
      savedNote="Saved."
      onSubmit={onSubmit}
    >
      <label>
        Tenant
        <input name="tenant" defaultValue="acme" />
      </label>
    </SettingsForm>,
  );
  return onSubmit;
}

describe("a settings form once saved", () => {
  it("says so until a field is changed again, and again after the next save", () => {
    const onSubmit = renderSaved();
    expect(screen.getByRole("status").textContent).toBe("Saved.");

    fireEvent.change(screen.getByLabelText("Tenant"), { target: { value: "acme-2" } });
    expect(screen.queryByRole("status")).toBeNull();

    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(screen.getByRole("status").textContent).toBe("Saved.");
  });
});
