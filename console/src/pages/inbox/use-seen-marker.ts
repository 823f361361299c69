/** The operators' read marker: the console tells the server when it shows a conversation's newest message. */
import { useCallback, useEffect, useRef } from 'react';
import { api } from '../../lib/api';

/**
 * Marks `newestId` as seen when the page is visible and the thread is scrolled to its end (live chat then
 * shows "Đã xem" to the citizen). Returns the check, to run again when the operator scrolls down.
 */
export function useSeenMarker(conversationId: string, newestId: string | undefined, atEnd: () => boolean): () => void {
  const sent = useRef<string | null>(null);
  const mark = useCallback(() => {
    const key = `${conversationId}:${newestId}`;
    if (!newestId || sent.current === key || document.visibilityState !== 'visible' || !atEnd()) return;
    sent.current = key;
    api.post(`/api/conversations/${conversationId}/seen`, { messageId: newestId }).catch(() => {
      sent.current = null;
    });
  }, [conversationId, newestId, atEnd]);
  useEffect(() => {
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [mark]);
  return mark;
}
