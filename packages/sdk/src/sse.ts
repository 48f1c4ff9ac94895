// Server-Sent Events, as the event stream sends them: messages of `field: value` lines ended by a
// blank line; lines that start with a colon are comments (keep-alives).

export interface SseMessage {
  id?: string;
  event?: string;
  /** Absent for a message of comments only. */
  data?: string;
}

/** The fields of one message (its lines, without the blank line that ends it). */
export function parseSseMessage(block: string): SseMessage {
  const out: SseMessage = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || !line) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') out.id = value;
    else if (field === 'event') out.event = value;
    else if (field === 'data') out.data = out.data === undefined ? value : `${out.data}\n${value}`;
  }
  return out;
}

/** Splits a text/event-stream body, fed as it arrives in chunks of any size, into whole messages. */
export function sseSplitter(): (chunk: string) => SseMessage[] {
  let buffer = '';
  return (chunk) => {
    buffer += chunk;
    // A CR LF may be cut between two chunks: only a CR that is not the buffer's last character is normalized.
    const tail = buffer.endsWith('\r') ? '\r' : '';
    buffer = buffer.slice(0, buffer.length - tail.length).replace(/\r\n?/g, '\n');
    const messages: SseMessage[] = [];
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      messages.push(parseSseMessage(buffer.slice(0, end)));
      buffer = buffer.slice(end + 2);
    }
    buffer += tail;
    return messages;
  };
}
