/** The providers `quorum demo --provider` takes (and `all` runs one after the other); kept light for the CLI's start. */
export const demoProviders = ['meet', 'teams', 'webex', 'zoom'] as const;
