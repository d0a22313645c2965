// A segmented control: one choice out of a few, built on real radio inputs (keyboard and
// screen readers get radio-group behaviour for free).
import type { ReactNode } from "react";

type TSegmentedProps<T extends string> = {
  name: string;
  label: string;
  value: T;
  options: ReadonlyArray<{ value: T; label: ReactNode }>;
  onChange(value: NoInfer<T>): void;
};

export function Segmented<T extends string>({ name, label, value, options, onChange }: TSegmentedProps<T>) {
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">{label}</legend>
      {options.map((option) => (
        <label key={option.value} className="segmented__option">
          <input
            type="radio"
            className="visually-hidden"
            name={name}
            value={option.value}
            checked={value === option.value}
            onChange={() => onChange(option.value)}
          />
          {option.label}
        </label>
      ))}
    </fieldset>
  );
}
