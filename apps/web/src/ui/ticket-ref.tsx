// A PSA ticket: a link into the PSA when the account has a ticket link template, plain text otherwise.
import "./badges.css";
export function TicketRef({ ticketId, url }: { ticketId: string; url: string | null }) {
  if (!url) return <span className="tag ticket-ref">Ticket {ticketId}</span>;
  return (
    <a className="tag ticket-ref ticket-ref--link" href={url} target="_blank" rel="noopener noreferrer">
      Ticket {ticketId}
      <span aria-hidden="true"> ↗</span>
    </a>
  );
}
