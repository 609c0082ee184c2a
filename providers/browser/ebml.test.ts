import { describe, expect, it } from 'vitest';
import { Id, encodeId, encodeUint, encodeVint, floatElement, readElementHeader, readId, readUint, readVint } from './ebml.js';

const bytes = (...values: number[]): Buffer => Buffer.from(values);

describe('EBML variable-length integers', () => {
  it('encodes sizes in the shortest width, avoiding the reserved all-ones values', () => {
    expect(encodeVint(0)).toEqual(bytes(0x80));
    expect(encodeVint(1)).toEqual(bytes(0x81));
    expect(encodeVint(126)).toEqual(bytes(0xfe));
    expect(encodeVint(127)).toEqual(bytes(0x40, 0x7f));
    expect(encodeVint(16_382)).toEqual(bytes(0x7f, 0xfe));
    expect(encodeVint(16_383)).toEqual(bytes(0x20, 0x3f, 0xff));
  });

  it('encodes a forced width', () => {
    expect(encodeVint(5, 8)).toEqual(bytes(0x01, 0, 0, 0, 0, 0, 0, 5));
    expect(() => encodeVint(200, 1)).toThrow(RangeError);
  });

  it('round-trips values of every width', () => {
    for (const value of [0, 1, 126, 127, 300, 16_382, 2 ** 21 - 2, 2 ** 28, 2 ** 35 + 17, 2 ** 49 - 3, 2 ** 53 - 1]) {
      const encoded = encodeVint(value);
      expect(readVint(encoded, 0)).toEqual({ value, length: encoded.length, unknown: false });
    }
  });

  it('recognizes unknown sizes of any width, as MediaRecorder writes them', () => {
    expect(readVint(bytes(0xff), 0)?.unknown).toBe(true);
    expect(readVint(bytes(0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 0)).toMatchObject({ length: 8, unknown: true });
    expect(readVint(bytes(0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe), 0)?.unknown).toBe(false);
  });

  it('rejects malformed and truncated vints', () => {
    expect(readVint(bytes(0x00, 0x01), 0)).toBeUndefined();
    expect(readVint(bytes(0x40), 0)).toBeUndefined();
    expect(readVint(bytes(), 0)).toBeUndefined();
  });

  it('reads element ids with their marker bits and whole headers', () => {
    expect(readId(bytes(0x1a, 0x45, 0xdf, 0xa3), 0)).toEqual({ id: Id.EBML, length: 4 });
    expect(readId(bytes(0xa3), 0)).toEqual({ id: Id.SimpleBlock, length: 1 });
    expect(readId(bytes(0x08, 0, 0, 0, 0), 0)).toBeUndefined();
    expect(encodeId(Id.Cluster)).toEqual(bytes(0x1f, 0x43, 0xb6, 0x75));
    const header = Buffer.concat([encodeId(Id.Cluster), bytes(0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)]);
    expect(readElementHeader(header, 0)).toEqual({ id: Id.Cluster, start: 0, dataStart: 12, size: undefined });
    expect(readElementHeader(header.subarray(0, 6), 0)).toBeUndefined();
  });

  it('encodes unsigned integers and floats', () => {
    expect(encodeUint(0)).toEqual(bytes(0));
    expect(encodeUint(1_000_000)).toEqual(bytes(0x0f, 0x42, 0x40));
    expect(encodeUint(7, 8)).toEqual(bytes(0, 0, 0, 0, 0, 0, 0, 7));
    const big = encodeUint(2 ** 40 + 5);
    expect(readUint(big, 0, big.length)).toBe(2 ** 40 + 5);
    const duration = floatElement(Id.Duration, 1234.5);
    expect(duration.subarray(0, 3)).toEqual(bytes(0x44, 0x89, 0x88));
    expect(duration.readDoubleBE(3)).toBe(1234.5);
  });
});
