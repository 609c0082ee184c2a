import { webProviderScenarios } from '../sim/teams/quorum-scenarios.js';

webProviderScenarios('webex');
