/** Bytes for simulated cloud-recording files: a real WAV tone for audio (so ffmpeg can check it), text otherwise. */
export function toneWav(seconds: number, frequency = 440): Buffer {
  const rate = 8000;
  const samples = Math.round(seconds * rate);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i += 1) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * frequency * i) / rate) * 8000), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

export type SimFileType = 'MP4' | 'M4A' | 'TRANSCRIPT' | 'CHAT';

export function fileBody(type: SimFileType, topic: string): Buffer {
  if (type === 'M4A' || type === 'MP4') return toneWav(2);
  if (type === 'TRANSCRIPT') return Buffer.from(`WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\nAda: Welcome to ${topic}.\n`);
  return Buffer.from(`00:00:01\tAda:\tHello from ${topic}\n`);
}

export const extensionOf: Record<SimFileType, string> = { MP4: 'MP4', M4A: 'M4A', TRANSCRIPT: 'VTT', CHAT: 'TXT' };
export const recordingTypeOf: Record<SimFileType, string> = { MP4: 'shared_screen_with_speaker_view', M4A: 'audio_only', TRANSCRIPT: 'audio_transcript', CHAT: 'chat_file' };
