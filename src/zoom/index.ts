export { ZoomCloud, type ZoomCloudOptions } from './cloud-service.js';
export { registerZoomWebhook, zoomSharedWebhookPath, zoomWebhookPath } from './webhook-route.js';
export { zoomSignature, verifyZoomSignature, urlValidationAnswer } from './signature.js';
export { ZoomApi, zoomApiFor, type ZoomApiCredentials } from './api-client.js';
export { apiCredentials, zoomSettingsOf, type ZoomSettings } from './company-zoom.js';
export { ZoomMeetingAccounts, type ZoomMeetingAccountsOptions } from './meeting-account.js';
