import { describe, expect, it } from 'vitest';
import { sseSplitter } from './sse.ts';

const body = ': slotplane events\n\nid: 7\nevent: cluster.available\ndata: {"id":"7"}\n\n: keepalive\n\nid: 8\nevent: node.started\ndata: {"a":1,\ndata: "b":2}\n\n';

describe('the event stream splitter', () => {
  it('turns a whole body into its messages: comments carry no fields, data lines join with a newline', () => {
    const messages = sseSplitter()(body).filter((m) => m.data !== undefined);
    expect(messages).toEqual([
      { id: '7', event: 'cluster.available', data: '{"id":"7"}' },
      { id: '8', event: 'node.started', data: '{"a":1,\n"b":2}' },
    ]);
  });

  it('gives the same messages however the body is cut into chunks, CR LF line ends too', () => {
    const crlf = body.replace(/\n/g, '\r\n');
    const whole = sseSplitter()(body);
    for (const text of [body, crlf]) {
      for (let size = 1; size <= 7; size++) {
        const split = sseSplitter();
        const got = [];
        for (let i = 0; i < text.length; i += size) got.push(...split(text.slice(i, i + size)));
        expect(got, `chunks of ${size}`).toEqual(whole);
      }
    }
  });

  it('holds back a message until its blank line arrives', () => {
    const split = sseSplitter();
    expect(split('id: 1\ndata: {}\n')).toEqual([]);
    expect(split('\n')).toEqual([{ id: '1', data: '{}' }]);
  });
});
