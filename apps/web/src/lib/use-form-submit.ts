// A form's submit handler and the state around it: busy while its work runs, the error message if it
// fails (and busy no more, so it can be sent again). After a success it stays busy: such forms go on
// to another page or step.
import { type FormEvent, useState } from "react";

export function useFormSubmit(work: () => Promise<void>, messageFor: (caught: unknown) => string) {
  const [isSubmitting, setIsSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setIsSubmitting(true);
    setError(null);
    try {
      await work();
    } catch (caught) {
      setError(messageFor(caught));
      setIsSubmitting(false);
    }
  };
  return { isSubmitting, error, handleSubmit };
}
