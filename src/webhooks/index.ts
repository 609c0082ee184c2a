export { startWebhooks, type WebhookOptions, type Webhooks } from './dispatcher.js';
export { endpointStatus, type EndpointStatus } from './status.js';
export { signatureHeader, signWebhook, verifyWebhookSignature } from './signature.js';
export { webhookEventTypes, webhooksSettingsSchema, type WebhookEndpoint, type WebhookEventType } from './endpoint-settings.js';
export type { EndedData, StateChangedData, WebhookEvent } from './events.js';
export { defaultWebhookTimings, type WebhookTimings } from './timings.js';
