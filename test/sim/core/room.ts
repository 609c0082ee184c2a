import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type {
  BotView,
  RoomPlan,
  SimAction,
  SimEvent,
  SimEventType,
  SimMeetingReport,
  SimProviderId,
} from './types.js';
import { SimError } from './types.js';

/** Opens and closes the participants' own browser pages; the room only decides when. */
export interface ParticipantPages {
  /** `silent`: the participant's page sends silence rather than speech. */
  open(room: Room, name: string, options?: { silent: boolean }): void;
  close(room: Room, name: string): void;
}

interface Person {
  id: string;
  name: string;
  /** Whether the participant's page sends the bot audio (speech, or an open microphone's silence). */
  sends: boolean;
  socket?: WebSocket;
}

type BotPhase = 'lobby' | 'in_meeting' | 'gone';

interface BotSession {
  socket: WebSocket;
  name: string;
  phase: BotPhase;
  selfId: string;
  mediaReady: boolean;
  /** The participants' audio is kept from this bot session (`deafFirstJoin`). */
  deaf: boolean;
  timers: NodeJS.Timeout[];
}

type Message = Record<string, unknown> & { t: string };

/** One simulated meeting: the bot's lobby and admission, the roster, signaling relay and the event log. */
export class Room {
  private readonly events: SimEvent[] = [];
  private bot: BotSession | undefined;
  private botInfo: SimMeetingReport['bot'];
  private people: Person[] = [];
  private ended = false;
  private deviceSeq = 0;
  private admissions = 0;

  constructor(
    readonly id: string,
    readonly provider: SimProviderId,
    readonly code: string,
    readonly joinUrl: string,
    private readonly script: unknown,
    private readonly plan: RoomPlan,
    private readonly pages: ParticipantPages,
    private readonly log: Logger,
  ) {}

  report(): SimMeetingReport {
    return {
      id: this.id,
      provider: this.provider,
      joinUrl: this.joinUrl,
      script: this.script,
      state: this.reportState(),
      events: this.events.map((e) => ({ ...e })),
      ...(this.botInfo ? { bot: { ...this.botInfo } } : {}),
    };
  }

  private reportState(): SimMeetingReport['state'] {
    if (this.ended) return 'ended';
    if (this.bot?.phase === 'in_meeting') return 'active';
    if (this.bot?.phase === 'gone') return 'ended';
    return 'waiting';
  }

  record(type: SimEventType, name?: string): void {
    this.events.push({ at: new Date().toISOString(), type, ...(name === undefined ? {} : { name }) });
    this.log.debug({ meeting: this.id, event: type, name }, 'sim event');
  }

  /** A bot page pressed the join button: it connected its socket. */
  botConnected(socket: WebSocket, name: string, recognized = false): void {
    if (this.bot && this.bot.phase !== 'gone') this.botGone('bot_left');
    const bot: BotSession = { socket, name, phase: 'lobby', selfId: this.nextDeviceId(), mediaReady: false, deaf: false, timers: [] };
    this.bot = bot;
    const requestedAt = new Date().toISOString();
    this.botInfo = { name, requestedAt };
    this.record('join_requested', name);
    socket.on('message', (raw) => this.fromBot(bot, raw.toString()));
    socket.on('close', () => {
      if (this.bot === bot && bot.phase !== 'gone') this.botGone('bot_left');
    });
    if (this.ended) {
      this.showBot(bot, 'ended');
      bot.phase = 'gone';
      return;
    }
    if (this.plan.full) return this.reject(bot, 'full');
    const access = recognized ? (this.plan.recognizedAccess ?? this.plan.access) : this.plan.access;
    if (access === 'blocked') return this.reject(bot, 'blocked');
    if (access === 'open') return this.admit(bot);
    this.showBot(bot, 'lobby');
    const { outcome, afterMs } = this.plan.lobby;
    if (outcome === 'hold') return;
    this.later(bot, afterMs, () => {
      if (bot.phase !== 'lobby') return;
      if (outcome === 'admit') this.admit(bot);
      else this.reject(bot, outcome === 'deny' ? 'denied' : 'no_response');
    });
  }

  participantConnected(socket: WebSocket, name: string): void {
    const person = this.people.find((p) => p.name === name && !p.socket);
    if (!person) {
      socket.close(4404, 'not in this meeting');
      return;
    }
    person.socket = socket;
    socket.on('message', (raw) => {
      const msg = parse(raw.toString());
      if (msg?.t === 'signal' && this.bot?.phase === 'in_meeting') {
        send(this.bot.socket, { t: 'signal', peer: person.id, data: msg['data'] });
      }
    });
    socket.on('close', () => {
      if (person.socket === socket) this.personLeft(person, false);
    });
    this.callIfReady(person);
  }

  act(action: SimAction): void {
    const bot = this.bot;
    switch (action.type) {
      case 'admit':
      case 'deny':
        if (!bot || bot.phase !== 'lobby') throw new SimError(409, `no bot is waiting in the lobby of ${this.id}`);
        if (action.type === 'admit') this.admit(bot);
        else this.reject(bot, 'denied');
        return;
      case 'end':
        if (this.ended) throw new SimError(409, `meeting ${this.id} has already ended`);
        this.end();
        return;
      case 'remove_bot':
        if (!bot || bot.phase !== 'in_meeting') throw new SimError(409, `no bot is in meeting ${this.id}`);
        this.showBot(bot, 'removed');
        this.botGone('bot_removed');
        return;
      case 'participant_leave': {
        const person = this.people.find((p) => action.name === undefined || p.name === action.name);
        if (!person) throw new SimError(409, `no participant ${action.name ?? ''} is in meeting ${this.id}`.trim());
        this.personLeft(person, true);
        return;
      }
      case 'revoke_permission':
      case 'grant_permission':
        this.hostPermission(action.type === 'grant_permission');
        return;
    }
  }

  /** The host changes the bot's recording privilege; the provider's client tells the bot on its socket. */
  private hostPermission(allow: boolean): void {
    if (!this.plan.recordingPermission) throw new SimError(409, `meeting ${this.id} has no recording permission to change`);
    const bot = this.bot;
    if (!bot || bot.phase !== 'in_meeting') throw new SimError(409, `no bot is in meeting ${this.id}`);
    send(bot.socket, { t: 'privilege', allow });
    this.record(allow ? 'permission_granted' : 'permission_revoked', 'host');
  }

  close(): void {
    if (this.bot && this.bot.phase !== 'gone') {
      this.bot.phase = 'gone';
      this.clearTimers(this.bot);
    }
    for (const person of [...this.people]) this.pages.close(this, person.name);
    this.people = [];
  }

  private fromBot(bot: BotSession, raw: string): void {
    const msg = parse(raw);
    if (!msg || this.bot !== bot || bot.phase === 'gone') return;
    if (msg.t === 'leave') {
      this.showBot(bot, 'left');
      this.botGone('bot_left');
    } else if (msg.t === 'media_ready' && bot.phase === 'in_meeting' && !bot.mediaReady) {
      bot.mediaReady = true;
      for (const person of this.people) this.callIfReady(person);
    } else if (msg.t === 'signal') {
      const person = this.people.find((p) => p.id === msg['peer']);
      if (person?.socket) send(person.socket, { t: 'signal', data: msg['data'] });
    } else if (msg.t === 'audio') {
      const person = this.people.find((p) => p.id === msg['peer']);
      if (person) this.record('audio_connected', person.name);
    }
  }

  private admit(bot: BotSession): void {
    bot.phase = 'in_meeting';
    const admittedAt = new Date().toISOString();
    if (this.botInfo) this.botInfo.admittedAt = admittedAt;
    this.record('admitted', bot.name);
    this.admissions += 1;
    bot.deaf = this.plan.deafFirstJoin === true && this.admissions === 1;
    if (bot.deaf) this.record('audio_withheld', bot.name);
    const sends = (p: RoomPlan['participants'][number]) => p.speaks || p.openMic === true;
    this.people = this.plan.participants.map((p) => ({ id: this.nextDeviceId(), name: p.name, sends: sends(p) }));
    for (const person of this.people) this.record('participant_joined', person.name);
    this.showBot(bot, 'in_meeting');
    this.sendRoster();
    for (const spec of this.plan.participants) {
      if (sends(spec)) this.pages.open(this, spec.name, { silent: !spec.speaks });
      if (spec.leaveAfterMs !== undefined) {
        this.later(bot, spec.leaveAfterMs, () => {
          const person = this.people.find((p) => p.name === spec.name);
          if (person) this.personLeft(person, true);
        });
      }
    }
    if (this.plan.endAfterMs !== undefined) this.later(bot, this.plan.endAfterMs, () => this.end());
    if (this.plan.removeBotAfterMs !== undefined) {
      this.later(bot, this.plan.removeBotAfterMs, () => {
        this.showBot(bot, 'removed');
        this.botGone('bot_removed');
      });
    }
  }

  private reject(bot: BotSession, view: 'denied' | 'no_response' | 'blocked' | 'full'): void {
    this.showBot(bot, view);
    this.record(view, bot.name);
    bot.phase = 'gone';
    if (this.botInfo) this.botInfo.leftAt = new Date().toISOString();
    this.clearTimers(bot);
  }

  private end(): void {
    this.ended = true;
    if (this.bot && this.bot.phase !== 'gone') {
      this.showBot(this.bot, 'ended');
      this.botGone(undefined);
    }
    this.record('ended');
  }

  /** The bot's presence is over; `event` is what to record for it (nothing when the host ended the call). */
  private botGone(event: 'bot_left' | 'bot_removed' | undefined): void {
    const bot = this.bot;
    if (!bot || bot.phase === 'gone') return;
    bot.phase = 'gone';
    this.clearTimers(bot);
    if (this.botInfo) this.botInfo.leftAt = new Date().toISOString();
    if (event) this.record(event, bot.name);
    for (const person of this.people) this.pages.close(this, person.name);
    this.people = [];
  }

  private personLeft(person: Person, closePage: boolean): void {
    if (!this.people.includes(person)) return;
    this.people = this.people.filter((p) => p !== person);
    this.record('participant_left', person.name);
    if (closePage) this.pages.close(this, person.name);
    if (this.bot?.phase === 'in_meeting') {
      send(this.bot.socket, { t: 'peer_left', peer: person.id });
      this.sendRoster();
    }
  }

  private callIfReady(person: Person): void {
    const bot = this.bot;
    const mediaReady = bot?.phase === 'in_meeting' && (bot.mediaReady || this.plan.blockingDialogs.length === 0);
    // A deaf bot session: the participants are in the call, but their audio is never connected to it.
    if (mediaReady && !bot.deaf && person.socket && person.sends) send(person.socket, { t: 'call' });
  }

  private showBot(bot: BotSession, view: BotView): void {
    const extra = view === 'in_meeting' ? { selfId: bot.selfId, dialogs: this.plan.admissionDialogs } : {};
    send(bot.socket, { t: 'view', view, ...extra });
  }

  private sendRoster(): void {
    const bot = this.bot;
    if (!bot || bot.phase !== 'in_meeting') return;
    const people = [
      { id: bot.selfId, name: bot.name, self: true },
      ...this.people.map((p) => ({ id: p.id, name: p.name, self: false })),
    ];
    send(bot.socket, { t: 'roster', people });
  }

  private later(bot: BotSession, ms: number, fn: () => void): void {
    bot.timers.push(setTimeout(fn, ms));
  }

  private clearTimers(bot: BotSession): void {
    for (const timer of bot.timers) clearTimeout(timer);
    bot.timers = [];
  }

  private nextDeviceId(): string {
    this.deviceSeq += 1;
    return `spaces/${this.code}/devices/${this.deviceSeq}`;
  }
}

function parse(raw: string): Message | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && typeof (value as { t?: unknown }).t === 'string') {
      return value as Message;
    }
  } catch {
    // A malformed frame from a page is ignored like a real server would drop it.
  }
  return undefined;
}

function send(socket: WebSocket, msg: Message): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
}
