/**
 * Renders a path into the company settings document, e.g. `permissionProfiles.sales.manualScheduleAndUpload`
 * or `users["ana@acme.com"].seat`: keys that are not plain identifiers (e-mail addresses) are quoted so
 * the path stays unambiguous for the console and the API.
 */
export function settingPath(...segments: string[]): string {
  return segments
    .map((segment, index) => {
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) return index === 0 ? segment : `.${segment}`;
      return `[${JSON.stringify(segment)}]`;
    })
    .join('');
}
