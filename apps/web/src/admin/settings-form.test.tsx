import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { SettingsForm } from "./settings-form.tsx";

type TMutation = { isPending: boolean; isSuccess: boolean; error: unknown };

const saved: TMutation = { isPending: false, isSuccess: true, error: null };
const saving: TMutation = { isPending: true, isSuccess: false, error: null };

function form(mutation: TMutation, onSubmit: () => void) {
  return (
    <SettingsForm
      title="Change the connection"
      mutation={mutation}
      isDisabled={false}
      submitLabel="Save"
      savedNote="Saved."
      onSubmit={onSubmit}
    >
      <label>
        Tenant
        <input name="tenant" defaultValue="acme" />
      </label>
    </SettingsForm>
  );
}

const savedNote = () => screen.queryByRole("status")?.textContent ?? null;

describe("a settings form once saved", () => {
  it("says so until a field is changed again, and again only once the next save has succeeded", () => {
    const onSubmit = vi.fn();
    const { rerender } = render(form(saved, onSubmit));
    expect(savedNote()).toBe("Saved.");

    fireEvent.change(screen.getByLabelText("Tenant"), { target: { value: "acme-2" } });
    expect(savedNote()).toBeNull();

    // Sent, and not yet under way: the last save's success is not this one's.
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(savedNote()).toBeNull();

    rerender(form(saving, onSubmit));
    expect(savedNote()).toBeNull();
    rerender(form(saved, onSubmit));
    expect(savedNote()).toBe("Saved.");
  });
});
