import { createHash } from 'node:crypto';
import { z } from 'zod';

/** One file of a cloud recording (reference/providers.md §2.4); only the fields Quorum uses are required. */
export const recordingFileSchema = z.object({
  id: z.string().min(1),
  file_type: z.string().optional(),
  file_extension: z.string().optional(),
  file_name: z.string().optional(),
  file_size: z.number().optional(),
  download_url: z.url(),
  status: z.string().optional(),
  recording_type: z.string().optional(),
  recording_start: z.string().optional(),
});
export type RecordingFile = z.infer<typeof recordingFileSchema>;

export const recordingObjectSchema = z.object({
  id: z.union([z.number(), z.string()]).transform(String),
  uuid: z.string().min(1),
  topic: z.string().optional(),
  start_time: z.string().optional(),
  duration: z.number().optional(),
  host_id: z.string().optional(),
  recording_files: z.array(recordingFileSchema).default([]),
  participant_audio_files: z.array(recordingFileSchema).default([]),
});
export type RecordingObject = z.infer<typeof recordingObjectSchema>;

export const webhookEnvelopeSchema = z.object({
  event: z.string().min(1),
  event_ts: z.number().optional(),
  download_token: z.string().optional(),
  payload: z.object({ plainToken: z.string().optional(), object: z.unknown().optional() }).loose(),
});
export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;

/** Events that carry a cloud recording to fetch. */
export const recordingEvents: readonly string[] = ['recording.completed', 'recording.transcript_completed'];

/**
 * The same delivery retried by Zoom has a new timestamp and signature but the same content: the key is the
 * event, the meeting instance and its files (Zoom's own advice, reference/providers.md §2.3), per company.
 */
export function deliveryKey(companyId: string, envelope: WebhookEnvelope): string {
  const object = (envelope.payload.object ?? {}) as { uuid?: unknown; id?: unknown; recording_files?: Array<{ id?: unknown }>; participant_audio_files?: Array<{ id?: unknown }> };
  const files = [...(object.recording_files ?? []), ...(object.participant_audio_files ?? [])].map((file) => String(file.id ?? '')).sort();
  const identity = JSON.stringify([companyId, envelope.event, String(object.uuid ?? object.id ?? ''), files, files.length === 0 ? envelope.event_ts ?? 0 : 0]);
  return createHash('sha256').update(identity).digest('hex');
}

/** Files worth fetching: completed ones only (`processing` files arrive in a later event). */
export function completedFiles(object: RecordingObject): Array<RecordingFile & { participantAudio: boolean }> {
  const done = (file: RecordingFile) => file.status === undefined || file.status.toLowerCase() === 'completed';
  return [
    ...object.recording_files.filter(done).map((file) => ({ ...file, participantAudio: false })),
    ...object.participant_audio_files.filter(done).map((file) => ({ ...file, participantAudio: true })),
  ];
}

/**
 * A meeting UUID in an API path: UUIDs that start with `/` or contain `//` must be URL-encoded twice, others
 * once (Zoom's API reference; reference/providers.md §2.5).
 */
export function meetingIdForPath(idOrUuid: string): string {
  const once = encodeURIComponent(idOrUuid);
  return idOrUuid.startsWith('/') || idOrUuid.includes('//') ? encodeURIComponent(once) : once;
}
