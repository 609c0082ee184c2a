/**
 * The consent page's words in every language it speaks. A language is chosen by the `lang` query
 * parameter (the page's language switch), else by the browser's Accept-Language, else English.
 */
export const languages = ['en', 'de', 'fr', 'es'] as const;
export type Language = (typeof languages)[number];

export interface PageText {
  /** The language's own name, shown in the language switch. */
  name: string;
  title: (company: string) => string;
  heading: string;
  notice: (company: string) => string;
  explain: string;
  choices: string;
  join: string;
  joinHint: string;
  noRecord: string;
  noRecordHint: string;
  privacy: string;
  language: string;
  notFoundTitle: string;
  notFoundBody: string;
  badChoice: string;
  errorTitle: string;
  errorBody: string;
}

export const text: Record<Language, PageText> = {
  en: {
    name: 'English',
    title: (company) => `Join ${company}’s meeting`,
    heading: 'Before you join',
    notice: (company) => `This meeting will be recorded by ${company}’s assistant.`,
    explain: 'The assistant joins the call like a participant and records what is said.',
    choices: 'How do you want to join?',
    join: 'Join',
    joinHint: 'Go to the meeting. The assistant records it.',
    noRecord: 'Join but don’t record',
    noRecordHint: 'Go to the meeting. The assistant will not record it; if it is already recording, it stops, leaves and deletes the recording.',
    privacy: 'We keep your choice, its time and your browser’s name. Your network address is kept only as a one-way hash.',
    language: 'Language',
    notFoundTitle: 'This link does not work',
    notFoundBody: 'This meeting link does not exist or is no longer valid. Ask the organizer for a current invitation.',
    badChoice: 'Please choose one of the two buttons.',
    errorTitle: 'Something went wrong',
    errorBody: 'Your choice could not be saved. Please go back and try again.',
  },
  de: {
    name: 'Deutsch',
    title: (company) => `Am Meeting von ${company} teilnehmen`,
    heading: 'Bevor Sie teilnehmen',
    notice: (company) => `Dieses Meeting wird vom Assistenten von ${company} aufgezeichnet.`,
    explain: 'Der Assistent nimmt wie ein Teilnehmer am Anruf teil und zeichnet auf, was gesagt wird.',
    choices: 'Wie möchten Sie teilnehmen?',
    join: 'Teilnehmen',
    joinHint: 'Zum Meeting. Der Assistent zeichnet es auf.',
    noRecord: 'Teilnehmen, aber nicht aufzeichnen',
    noRecordHint: 'Zum Meeting. Der Assistent zeichnet es nicht auf; läuft die Aufzeichnung schon, beendet er sie, verlässt das Meeting und löscht die Aufnahme.',
    privacy: 'Wir speichern Ihre Wahl, ihren Zeitpunkt und den Namen Ihres Browsers. Ihre Netzwerkadresse speichern wir nur als Einweg-Hash.',
    language: 'Sprache',
    notFoundTitle: 'Dieser Link funktioniert nicht',
    notFoundBody: 'Diesen Meeting-Link gibt es nicht oder er ist nicht mehr gültig. Bitten Sie die einladende Person um eine aktuelle Einladung.',
    badChoice: 'Bitte wählen Sie eine der beiden Schaltflächen.',
    errorTitle: 'Etwas ist schiefgegangen',
    errorBody: 'Ihre Wahl konnte nicht gespeichert werden. Bitte gehen Sie zurück und versuchen Sie es noch einmal.',
  },
  fr: {
    name: 'Français',
    title: (company) => `Rejoindre la réunion de ${company}`,
    heading: 'Avant de rejoindre la réunion',
    notice: (company) => `Cette réunion sera enregistrée par l’assistant de ${company}.`,
    explain: 'L’assistant rejoint l’appel comme un participant et enregistre ce qui est dit.',
    choices: 'Comment voulez-vous rejoindre la réunion ?',
    join: 'Rejoindre',
    joinHint: 'Aller à la réunion. L’assistant l’enregistre.',
    noRecord: 'Rejoindre sans enregistrer',
    noRecordHint: 'Aller à la réunion. L’assistant ne l’enregistrera pas ; s’il enregistre déjà, il s’arrête, quitte la réunion et supprime l’enregistrement.',
    privacy: 'Nous conservons votre choix, son heure et le nom de votre navigateur. Votre adresse réseau n’est conservée que sous forme de hachage irréversible.',
    language: 'Langue',
    notFoundTitle: 'Ce lien ne fonctionne pas',
    notFoundBody: 'Ce lien de réunion n’existe pas ou n’est plus valide. Demandez une invitation à jour à l’organisateur.',
    badChoice: 'Veuillez choisir l’un des deux boutons.',
    errorTitle: 'Une erreur s’est produite',
    errorBody: 'Votre choix n’a pas pu être enregistré. Revenez en arrière et réessayez.',
  },
  es: {
    name: 'Español',
    title: (company) => `Unirse a la reunión de ${company}`,
    heading: 'Antes de unirse',
    notice: (company) => `Esta reunión será grabada por el asistente de ${company}.`,
    explain: 'El asistente se une a la llamada como un participante y graba lo que se dice.',
    choices: '¿Cómo quiere unirse?',
    join: 'Unirse',
    joinHint: 'Ir a la reunión. El asistente la graba.',
    noRecord: 'Unirse sin grabar',
    noRecordHint: 'Ir a la reunión. El asistente no la grabará; si ya está grabando, se detiene, sale y borra la grabación.',
    privacy: 'Guardamos su elección, la hora y el nombre de su navegador. Su dirección de red solo se guarda como hash irreversible.',
    language: 'Idioma',
    notFoundTitle: 'Este enlace no funciona',
    notFoundBody: 'Este enlace de reunión no existe o ya no es válido. Pida al organizador una invitación actual.',
    badChoice: 'Elija uno de los dos botones.',
    errorTitle: 'Algo salió mal',
    errorBody: 'No se pudo guardar su elección. Vuelva atrás e inténtelo de nuevo.',
  },
};

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

/** Accept-Language (RFC 9110 §12.5.4): the supported language with the highest weight; ties keep header order. */
export function fromAcceptLanguage(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .slice(0, 32)
    .map((part, index) => {
      const [range = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
      return { primary: range.trim().toLowerCase().split('-')[0] ?? '', weight: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.weight > 0 && !Number.isNaN(entry.weight))
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return ranked.map((entry) => entry.primary).find(isLanguage);
}

export function pickLanguage(query: unknown, acceptLanguage: string | undefined): Language {
  return isLanguage(query) ? query : (fromAcceptLanguage(acceptLanguage) ?? 'en');
}
