// One search field, the same on the sessions list and the queue. Escape clears it.
import "./search-box.css";

type TSearchBoxProps = { label: string; placeholder: string; value: string; onChange(value: string): void };

export function SearchBox({ label, placeholder, value, onChange }: TSearchBoxProps) {
  return (
    <label className="search-box">
      <span className="visually-hidden">{label}</span>
      <span className="search-box__icon" aria-hidden="true">
        ⌕
      </span>
      <input
        type="search"
        title={label}
        placeholder={placeholder}
        value={value}
        autoComplete="off"
        spellCheck={false}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape" && value) {
            event.preventDefault();
            onChange("");
          }
        }}
      />
    </label>
  );
}
