// The message under a form when it could not do what was asked (the form-level alert); nothing when
// there is none.
export function FormError({ message }: { message: string | null | undefined | false }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}
