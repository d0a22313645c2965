// A ticket's link in the PSA, from the account's template (e.g. https://…/ticket?recid={id}).

export function psaTicketUrl(template: string | null, ticketId: string | null): string | null {
  if (!template || !ticketId) return null;
  return template.replaceAll("{id}", encodeURIComponent(ticketId));
}
