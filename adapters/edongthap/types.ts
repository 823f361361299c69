/** Wire types of the citizen-app (e-DongThap) API channel, as in `contract.md`. */

/** An inbound citizen message. */
export interface EdtInbound {
  id: string;
  userId: string;
  name?: string;
  phone?: string;
  text?: string;
  attachments?: { url: string; type: 'image' | 'file'; name?: string }[];
  timestamp: number;
}

/** A message we POST to the app's callback URL. */
export interface EdtOutbound {
  id: string;
  userId: string;
  text: string;
  ticketCode: string | null;
  quickReplies: string[];
  timestamp: number;
}
