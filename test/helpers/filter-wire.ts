import { BerWriter, type Filter } from 'ldapts';

/** A search filter as it goes over the wire (BER): what the server really receives. */
export function wire(filter: Filter): Buffer {
  const writer = new BerWriter();
  filter.write(writer);
  return writer.buffer;
}

/** The UTF-8 bytes of `text`, to look for in {@link wire}'s output. */
export const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
