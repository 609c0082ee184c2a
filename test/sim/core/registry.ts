import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ParticipantPages } from './room.js';
import { Room } from './room.js';
import type { MeetingLookup, SimEventType, SimProvider, SimProviderId } from './types.js';
import { SimError } from './types.js';

/** All simulated meetings, by control id and by each provider's meeting code. */
export class RoomRegistry implements MeetingLookup {
  private readonly byId = new Map<string, Room>();
  private readonly byCode = new Map<string, Room>();

  constructor(
    private readonly providers: ReadonlyMap<SimProviderId, SimProvider>,
    private readonly pages: ParticipantPages,
    private readonly log: Logger,
  ) {}

  create(providerId: SimProviderId, rawScript: unknown): Room {
    const provider = this.providers.get(providerId);
    if (!provider) throw new SimError(400, `unknown provider ${String(providerId)}`);
    const { script, plan } = provider.parseScript(rawScript);
    const code = provider.newCode((c) => this.byCode.has(key(providerId, c)));
    const id = `sim_${randomBytes(6).toString('hex')}`;
    const room = new Room(id, providerId, code, provider.joinUrl(code), script, plan, this.pages, this.log);
    this.byId.set(id, room);
    this.byCode.set(key(providerId, code), room);
    return room;
  }

  get(id: string): Room | undefined {
    return this.byId.get(id);
  }

  find(providerId: SimProviderId, code: string): Room | undefined {
    return this.byCode.get(key(providerId, code));
  }

  openedByBot(providerId: SimProviderId, code: string): { script: unknown } | undefined {
    const room = this.find(providerId, code);
    if (!room) return undefined;
    room.record('bot_opened');
    return { script: room.report().script };
  }

  scriptOf(providerId: SimProviderId, code: string): unknown {
    return this.find(providerId, code)?.report().script;
  }

  note(providerId: SimProviderId, code: string, type: SimEventType, name?: string): void {
    this.find(providerId, code)?.record(type, name);
  }

  closeAll(): void {
    for (const room of this.byId.values()) room.close();
  }
}

function key(provider: SimProviderId, code: string): string {
  return `${provider}:${code}`;
}
